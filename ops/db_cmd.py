"""``triage db``: create or update the complaint store's schema (Alembic migrations)."""

from __future__ import annotations

import argparse
from typing import Any

from ops.arguments import database_url_argument
from triage.store import Database, StoreError, current_revision, display_url, upgrade


def register(subparsers: Any) -> None:
    """Add the ``db`` sub-command."""
    parser = subparsers.add_parser(
        "db",
        help="create or migrate the complaint database",
        description="Apply the database migrations shipped with Triase (safe to repeat).",
    )
    parser.add_argument(
        "action", choices=("upgrade", "current"), help="upgrade: migrate; current: show revision"
    )
    parser.add_argument("--revision", default="head", help="target of upgrade (default: head)")
    database_url_argument(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Migrate, or print the current and newest revision."""
    where = display_url(args.database_url)
    if args.action == "upgrade":
        upgrade(args.database_url, args.revision)
        print(f"{where}: at revision {current_revision(args.database_url)}")
        return 0
    revision = current_revision(args.database_url)
    head = Database.head_revision()
    print(f"{where}: at revision {revision or 'none'} (newest: {head})")
    return 0 if revision == head else 1


def open_migrated(url: str) -> Database:
    """Open the store, refusing one whose schema is not at the newest revision."""
    database = Database.from_url(url, must_exist=True)
    revision = database.schema_revision()
    if revision != database.head_revision():
        database.dispose()
        raise StoreError(
            f"{display_url(url)} is at schema revision {revision or 'none'}, expected "
            f"{database.head_revision()}: run `triage db upgrade`"
        )
    return database
