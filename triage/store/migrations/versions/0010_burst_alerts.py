"""Burst alerts: an alert's kind ("spike" from the weekly or daily model, "burst" from the
hourly scan) and, for a burst, the hours its window spans.

Revision ID: 0010
Revises: 0007
Create Date: 2026-12-04

Alerts stored before bursts existed are spikes: the column's server default says so, and
their window stays NULL.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    # Plain ALTER TABLE, as in 0004 and 0007: batch mode would copy the alerts table on
    # SQLite, and its self-referencing headline key with it.
    op.add_column(
        "alerts",
        sa.Column("kind", sa.String(length=8), nullable=False, server_default="spike"),
    )
    op.add_column("alerts", sa.Column("window_start", sa.DateTime(timezone=True), nullable=True))
    op.add_column("alerts", sa.Column("window_end", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    # SQLite drops columns since 3.35 without a copy; the bursts stay as plain rows.
    op.drop_column("alerts", "window_end")
    op.drop_column("alerts", "window_start")
    op.drop_column("alerts", "kind")
