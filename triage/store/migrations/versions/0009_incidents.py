"""Incidents: each complaint's incident and original, and the tables of the intake lookup.

Revision ID: 0009
Revises: 0007
Create Date: 2026-12-04

Complaints stored before keep NULL in ``incident_id`` and ``duplicate_of`` (never looked up)
and have no signature: later complaints are not linked to them.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    # Plain ALTER TABLE, as in 0004 and 0006: batch mode would copy the complaints table and
    # with foreign keys on cascade into predictions and corrections.
    op.add_column("complaints", sa.Column("incident_id", sa.Integer(), nullable=True))
    op.add_column("complaints", sa.Column("duplicate_of", sa.Integer(), nullable=True))
    op.create_index(op.f("ix_complaints_incident_id"), "complaints", ["incident_id"])
    op.create_table(
        "incident_signatures",
        sa.Column("complaint_id", sa.Integer(), nullable=False),
        sa.Column("place", sa.String(length=128), nullable=True),
        sa.Column("topic", sa.String(length=255), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("streets", sa.Text(), nullable=False),
        sa.Column("words", sa.Text(), nullable=False),
        sa.Column("minhash", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["complaint_id"],
            ["complaints.id"],
            name=op.f("fk_incident_signatures_complaint_id_complaints"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("complaint_id", name=op.f("pk_incident_signatures")),
    )
    op.create_index(
        "ix_incident_signatures_place_created_at",
        "incident_signatures",
        ["place", "created_at"],
    )
    op.create_table(
        "incident_bands",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("band", sa.BigInteger(), nullable=False),
        sa.Column("complaint_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["complaint_id"],
            ["complaints.id"],
            name=op.f("fk_incident_bands_complaint_id_complaints"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident_bands")),
    )
    op.create_index("ix_incident_bands_band_created_at", "incident_bands", ["band", "created_at"])
    op.create_index(op.f("ix_incident_bands_created_at"), "incident_bands", ["created_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_incident_bands_created_at"), table_name="incident_bands")
    op.drop_index("ix_incident_bands_band_created_at", table_name="incident_bands")
    op.drop_table("incident_bands")
    op.drop_index("ix_incident_signatures_place_created_at", table_name="incident_signatures")
    op.drop_table("incident_signatures")
    # SQLite refuses to drop an indexed column: the index goes first.
    op.drop_index(op.f("ix_complaints_incident_id"), table_name="complaints")
    op.drop_column("complaints", "duplicate_of")
    op.drop_column("complaints", "incident_id")
