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
    # Plain ALTER TABLE on both backends (SQLite adds and drops columns since 3.35): batch
    # mode would copy the complaints table, and dropping the old copy with foreign keys on
    # cascades into predictions and corrections.
    op.add_column("complaints", sa.Column("place_known", sa.Boolean(), nullable=True))
    op.add_column("corrections", sa.Column("place_known", sa.Boolean(), nullable=True))


def downgrade() -> None:
    op.drop_column("corrections", "place_known")
    op.drop_column("complaints", "place_known")
