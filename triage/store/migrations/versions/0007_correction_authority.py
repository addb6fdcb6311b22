"""Correction authority: a reviewer's verdict on "bukan wewenang", "local" or a body's key.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04

Corrections made before reviewers could correct the authority keep NULL: they said nothing
about it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    # Plain ALTER TABLE, as in 0004: batch mode would copy the corrections table on SQLite,
    # and with foreign keys on the copy loses the rows.
    op.add_column("corrections", sa.Column("authority", sa.String(length=64), nullable=True))


def downgrade() -> None:
    op.drop_column("corrections", "authority")
