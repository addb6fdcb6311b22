"""Authority: each prediction says whether the complaint is the city's or an external body's.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04

Existing predictions were made before "bukan wewenang" was decided: they read as local.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    with op.batch_alter_table("predictions") as batch:
        batch.add_column(
            sa.Column("authority", sa.String(length=8), server_default="local", nullable=False)
        )
        batch.add_column(
            sa.Column("external_body", sa.String(length=64), server_default="", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("predictions") as batch:
        batch.drop_column("external_body")
        batch.drop_column("authority")
