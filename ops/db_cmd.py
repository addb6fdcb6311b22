"""``triage db``: create or update the complaint store's schema (Alembic migrations)."""

from __future__ import annotations

import argparse
import os
from typing import Any

from triage.store import DEFAULT_DATABASE_URL, Database, current_revision, display_url, upgrade


def database_url_argument(parser: argparse.ArgumentParser) -> None:
    """Add ``--database-url``, defaulting like the service does."""
    # The service reads TRIAGE_DATABASE_URL; reading it here too keeps `make run`'s
    # `triage db upgrade` and gunicorn on the same database.
    parser.add_argument(
        "--database-url",
        default=os.environ.get("TRIAGE_DATABASE_URL") or DEFAULT_DATABASE_URL,
        help="SQLAlchemy URL, e.g. postgresql+psycopg://user@host/db "
        f"(default: $TRIAGE_DATABASE_URL or {DEFAULT_DATABASE_URL})",
    )


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
