"""Arguments shared by the operators' commands: the database URL, the tenant, spans of days,
dates."""

from __future__ import annotations

import argparse
import os
import re
from datetime import date

from sqlalchemy import Engine

from triage.store import DEFAULT_DATABASE_URL, DEFAULT_TENANT, TenantRecord, TenantStore

_SPAN = re.compile(r"(\d{1,4})([dw])")


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


def tenant_argument(parser: argparse.ArgumentParser) -> None:
    """Add ``--tenant NAME`` (default: the sample city, the only tenant before there were more)."""
    parser.add_argument(
        "--tenant",
        default=DEFAULT_TENANT,
        metavar="NAME",
        help=f"the tenant (government) whose data to act on (default: {DEFAULT_TENANT})",
    )


def resolve_tenant(engine: Engine, name: str) -> TenantRecord:
    """The tenant called ``name``; an unknown one is an :class:`UnknownTenantError` (exit 1)."""
    return TenantStore(engine).get_tenant(name)


def days_argument(value: str) -> int:
    """``"7d"`` or ``"2w"`` as a number of days (1 to 366)."""
    match = _SPAN.fullmatch(value.strip().lower())
    if match is None:
        raise argparse.ArgumentTypeError(f"expected a span like 7d or 2w, not {value!r}")
    days = int(match[1]) * (7 if match[2] == "w" else 1)
    if not 1 <= days <= 366:
        raise argparse.ArgumentTypeError(f"the span must be 1 to 366 days, not {days}")
    return days


def date_argument(value: str) -> date:
    """A YYYY-MM-DD date."""
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date YYYY-MM-DD, not {value!r}") from None
