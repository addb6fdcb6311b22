"""``triage digest``: the weekly summary of alerts and complaints for managers, with last
month's SLA compliance per agency and its overdue complaints."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from ops.arguments import (
    database_url_argument,
    date_argument,
    days_argument,
    resolve_tenant,
    tenant_argument,
)
from ops.db_cmd import open_migrated
from triage.casework.sla import SlaPolicy
from triage.errors import DataFileError, InputError
from triage.store import DEFAULT_TENANT_ID, TenantRecord
from triage.tenants.tenancy import tenant_settings
from triage.trends.digest import build_digest, render_html, render_markdown

# Option, the service's setting of the same meaning (TRIAGE_SLA_*, so that both judge by one
# policy), the SlaPolicy field, and what it counts.
SLA_OPTIONS = (
    ("--sla-verify-days", "SLA_VERIFY_DAYS", "verification_days", "working days to verify"),
    (
        "--sla-followup-days",
        "SLA_FOLLOWUP_DAYS",
        "follow_up_days",
        "working days to first follow-up",
    ),
    ("--sla-resolve-days", "SLA_RESOLVE_DAYS", "resolution_days", "calendar days to resolve"),
)


def _days(value: str) -> int:
    if not value.strip().isdigit() or not 1 <= int(value) <= 366:
        raise argparse.ArgumentTypeError(f"expected a whole number of days 1 to 366, not {value!r}")
    return int(value)


def register(subparsers: Any) -> None:
    """Add the ``digest`` sub-command."""
    digest = subparsers.add_parser(
        "digest",
        help="write the weekly alert summary for managers",
        description="Summarise the stored alerts, the busiest topics and areas, the share "
        "of complaints routed automatically and last month's SLA compliance per agency with "
        "its overdue complaints, as Markdown or HTML for an e-mail.",
    )
    digest.add_argument("--since", type=days_argument, default=7, help="span, e.g. 7d (default)")
    digest.add_argument("--as-of", type=date_argument, help="last day covered (default today)")
    digest.add_argument("--format", choices=("md", "html"), default="md")
    digest.add_argument("--lang", choices=("en", "id"), default="en", help="alert sentences")
    digest.add_argument("--max-alerts", type=int, default=20, help="alerts listed (default 20)")
    digest.add_argument("--output", type=Path, help="file to write (default: standard output)")
    digest.add_argument(
        "--overdue", type=int, default=5, help="overdue complaints named per agency (default 5)"
    )
    for option, setting, field, what in SLA_OPTIONS:
        digest.add_argument(
            option,
            dest=field,
            metavar="DAYS",
            type=_days,
            default=None,
            help=f"{what} (default: the tenant's setting; for the sample city "
            f"$TRIAGE_{setting} or {getattr(SlaPolicy(), field)}, as the service)",
        )
    database_url_argument(digest)
    tenant_argument(digest)
    digest.set_defaults(func=run_digest)


def _service_days(setting: str, field: str) -> int:
    """The service's TRIAGE_<setting>, else the SlaPolicy default; a bad value is one line."""
    value = os.environ.get(f"TRIAGE_{setting}") or str(getattr(SlaPolicy(), field))
    try:
        return _days(value)
    except argparse.ArgumentTypeError as exc:
        raise InputError(f"TRIAGE_{setting}: {exc}") from None


def _policy(args: argparse.Namespace, tenant: TenantRecord) -> SlaPolicy:
    """The SLA the digest judges by: options given, else the tenant's, as the service does.

    The sample city without SLA settings of its own follows the service's TRIAGE_SLA_*.
    """
    own = tenant_settings(tenant).sla
    uses_own = "sla" in tenant.settings or tenant.id != DEFAULT_TENANT_ID
    days: dict[str, int] = {}
    for _, setting, field, _ in SLA_OPTIONS:
        given = getattr(args, field)
        if given is None:
            given = getattr(own, field) if uses_own else _service_days(setting, field)
        days[field] = given
    return SlaPolicy(**days)


def run_digest(args: argparse.Namespace) -> int:
    """Write the digest."""
    if not 1 <= args.max_alerts <= 500:
        raise InputError(f"--max-alerts must be between 1 and 500, got {args.max_alerts}")
    if not 0 <= args.overdue <= 500:
        raise InputError(f"--overdue must be between 0 and 500, got {args.overdue}")
    database = open_migrated(args.database_url)
    try:
        tenant = resolve_tenant(database.engine, args.tenant)
        sla = _policy(args, tenant)
        digest = build_digest(
            database.engine,
            days=args.since,
            as_of=args.as_of,
            max_alerts=args.max_alerts,
            sla=sla,
            overdue=args.overdue,
            tenant_id=tenant.id,
        )
    finally:
        database.dispose()
    text = (render_html if args.format == "html" else render_markdown)(digest, args.lang)
    if args.output is None:
        print(text, end="")
        return 0
    try:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise DataFileError(f"cannot write {args.output}: {exc}") from exc
    print(f"digest of {digest.start:%Y-%m-%d} to {digest.end:%Y-%m-%d} written to {args.output}")
    return 0
