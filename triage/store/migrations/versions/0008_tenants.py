"""Tenants: one government each; complaints, API clients and alerts belong to one.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04

Creates the default tenant, the sample city Kota Bandung (``bandung``, id 1) with the shipped
agency registry and gazetteer, and assigns every existing complaint, key and alert to it.
Sources' ids, key names and alerts become unique per tenant.  Downgrading drops the other
tenants' rows' tenancy: run it only on a store that holds the default tenant alone, or the
old unique constraints may refuse the merged rows.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from importlib import resources

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | None = None
depends_on: str | None = None

DEFAULT_ID = 1
# (table, old unique columns, new unique columns)
SCOPED = (
    ("complaints", ("source", "external_id"), ("tenant_id", "source", "external_id")),
    ("api_clients", ("name",), ("tenant_id", "name")),
    (
        "alerts",
        ("group_columns", "group_key", "freq", "start_date"),
        ("tenant_id", "group_columns", "group_key", "freq", "start_date"),
    ),
)


def _shipped(*parts: str) -> str:
    node = resources.files("triage.resources")
    for part in parts:
        node = node.joinpath(part)
    return node.read_text("utf-8")


def _unique(table: str, columns: tuple[str, ...]) -> str:
    return f"uq_{table}_{'_'.join(columns)}"


def upgrade() -> None:
    tenants = op.create_table(
        "tenants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.String(length=255), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("registry_csv", sa.Text(), nullable=False),
        sa.Column("registry_digest", sa.String(length=64), nullable=False),
        sa.Column("gazetteer_csv", sa.Text(), nullable=True),
        sa.Column("settings", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tenants")),
        sa.UniqueConstraint("name", name=op.f("uq_tenants_name")),
    )
    registry = _shipped("registries", "bandung.csv")
    op.bulk_insert(
        tenants,
        [
            {
                "id": DEFAULT_ID,
                "name": "bandung",
                "display_name": "Kota Bandung",
                "level": "kota",
                "registry_csv": registry,
                # As triage.tenants.registry.parse_registry digests it.
                "registry_digest": hashlib.sha256(registry.encode("utf-8")).hexdigest()[:16],
                "gazetteer_csv": _shipped("bandung_wilayah.csv"),
                "settings": "{}",
                "created_at": datetime.now(UTC),
            }
        ],
    )
    if op.get_bind().dialect.name == "postgresql":
        # The explicit id left the sequence behind: the next tenant would get id 1 again.
        op.execute("SELECT setval(pg_get_serial_sequence('tenants', 'id'), 1)")
    # Batch mode copies each table on SQLite (a foreign key cannot be added otherwise);
    # triage.store.database runs migrations with SQLite's foreign keys off, so that dropping
    # the old complaints table does not cascade into predictions and corrections.
    for table, old, new in SCOPED:
        with op.batch_alter_table(table) as batch:
            batch.add_column(
                sa.Column("tenant_id", sa.Integer(), server_default=str(DEFAULT_ID), nullable=False)
            )
            batch.create_foreign_key(
                op.f(f"fk_{table}_tenant_id_tenants"), "tenants", ["tenant_id"], ["id"]
            )
            batch.drop_constraint(op.f(_unique(table, old)), type_="unique")
            batch.create_unique_constraint(op.f(_unique(table, new)), list(new))
        # Every writer names its tenant: no silent default from here on.
        with op.batch_alter_table(table) as batch:
            batch.alter_column("tenant_id", existing_type=sa.Integer(), server_default=None)


def downgrade() -> None:
    for table, old, new in SCOPED:
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(op.f(_unique(table, new)), type_="unique")
            batch.create_unique_constraint(op.f(_unique(table, old)), list(old))
            batch.drop_constraint(op.f(f"fk_{table}_tenant_id_tenants"), type_="foreignkey")
            batch.drop_column("tenant_id")
    op.drop_table("tenants")
