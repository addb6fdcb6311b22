"""Alert relations: each alert may be shown under a headline alert of the same spike.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    # Batch mode: SQLite cannot add a foreign key to an existing table, so it copies the table.
    with op.batch_alter_table("alerts") as batch:
        batch.add_column(sa.Column("headline_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("relation", sa.String(length=8), nullable=True))
        batch.add_column(sa.Column("share", sa.Float(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_alerts_headline_id_alerts"),
            "alerts",
            ["headline_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch.create_index(op.f("ix_alerts_headline_id"), ["headline_id"])


def downgrade() -> None:
    with op.batch_alter_table("alerts") as batch:
        batch.drop_index(op.f("ix_alerts_headline_id"))
        batch.drop_constraint(op.f("fk_alerts_headline_id_alerts"), type_="foreignkey")
        batch.drop_column("share")
        batch.drop_column("relation")
        batch.drop_column("headline_id")
