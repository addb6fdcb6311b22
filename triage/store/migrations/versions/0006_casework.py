"""Casework: each complaint's lifecycle state, its events, and the intake flags.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04

Complaints stored before the lifecycle existed have had no move yet: they start at
belum_terverifikasi, not urgent, with nothing recorded as missing.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    # Plain ALTER TABLE, as in 0004: batch mode would copy the complaints table, and dropping
    # the old copy with foreign keys on cascades into predictions and corrections.
    op.add_column(
        "complaints",
        sa.Column(
            "state", sa.String(length=32), server_default="belum_terverifikasi", nullable=False
        ),
    )
    op.add_column(
        "complaints", sa.Column("urgent", sa.Boolean(), server_default=sa.false(), nullable=False)
    )
    op.add_column("complaints", sa.Column("urgency_reason", sa.Text(), nullable=True))
    op.add_column(
        "complaints",
        sa.Column("missing", sa.String(length=64), server_default="", nullable=False),
    )
    op.create_index(op.f("ix_complaints_state"), "complaints", ["state"])
    op.create_table(
        "complaint_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("complaint_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("from_state", sa.String(length=32), nullable=False),
        sa.Column("to_state", sa.String(length=32), nullable=False),
        sa.Column("actor", sa.String(length=255), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("archive_reason", sa.String(length=32), nullable=True),
        sa.Column("external_body", sa.String(length=64), nullable=True),
        sa.Column("tanggapan", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["complaint_id"],
            ["complaints.id"],
            name=op.f("fk_complaint_events_complaint_id_complaints"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaint_events")),
        sa.UniqueConstraint(
            "complaint_id", "seq", name=op.f("uq_complaint_events_complaint_id_seq")
        ),
    )
    op.create_index(op.f("ix_complaint_events_complaint_id"), "complaint_events", ["complaint_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_complaint_events_complaint_id"), table_name="complaint_events")
    op.drop_table("complaint_events")
    # SQLite refuses to drop an indexed column: the index goes first.
    op.drop_index(op.f("ix_complaints_state"), table_name="complaints")
    for column in ("missing", "urgency_reason", "urgent", "state"):
        op.drop_column("complaints", column)
