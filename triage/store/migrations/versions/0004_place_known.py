"""Place checks: whether a complaint's place, and a correction's area office, are in the
tenant's gazetteer.

Existing rows keep NULL ("not checked"): nothing is guessed about them.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    with op.batch_alter_table("complaints") as batch:
        batch.add_column(sa.Column("place_known", sa.Boolean(), nullable=True))
    with op.batch_alter_table("corrections") as batch:
        batch.add_column(sa.Column("place_known", sa.Boolean(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("corrections") as batch:
        batch.drop_column("place_known")
    with op.batch_alter_table("complaints") as batch:
        batch.drop_column("place_known")
