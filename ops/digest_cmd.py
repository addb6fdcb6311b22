"""``triage alerts refresh`` (spike alerts from the store), ``triage digest`` (weekly summary)."""

from __future__ import annotations

import argparse
import re
from datetime import date
from pathlib import Path
from typing import Any

from ops.db_cmd import database_url_argument
from triage.errors import DataFileError, InputError
from triage.store import Database, StoreError, display_url
from triage.store.alerts import AlertStore
from triage.store.trend_queries import parse_group
from triage.trends.detectors import SeasonalNB
from triage.trends.digest import build_digest, related_lines, render_html, render_markdown
from triage.trends.refresh import DEFAULT_GROUP_SETS, refresh_alerts

_SPAN = re.compile(r"(\d{1,4})([dw])")


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


def register(subparsers: Any) -> None:
    """Add the ``alerts`` and ``digest`` sub-commands."""
    alerts = subparsers.add_parser(
        "alerts",
        help="refresh the stored spike alerts from the stored complaints",
        description="Detect spikes per week (or day) and group in the stored complaints and "
        "store the alerts that ended recently. Safe to repeat: an alert seen again is updated, "
        "never duplicated, and an acknowledged one stays acknowledged. Run it from cron, e.g. "
        "every Monday at 06:00 before the digest.",
    )
    alerts.add_argument("action", choices=("refresh",))
    alerts.add_argument(
        "--group",
        action="append",
        type=_group_argument,
        help="group columns joined by commas, repeatable (default: topic; kecamatan; "
        "topic,kecamatan)",
    )
    alerts.add_argument("--freq", choices=("W", "D"), default="W", help="weeks or days")
    alerts.add_argument("--as-of", type=date_argument, help="detect as of this day (default today)")
    alerts.add_argument(
        "--lookback",
        type=days_argument,
        default=56,
        help="keep alerts whose last period started within this span (default 8w)",
    )
    alerts.add_argument("--alpha", type=float, default=0.01, help="false-alarm rate per period")
    database_url_argument(alerts)
    alerts.set_defaults(func=run_refresh)

    digest = subparsers.add_parser(
        "digest",
        help="write the weekly alert summary for managers",
        description="Summarise the stored alerts, the busiest topics and areas and the share "
        "of complaints routed automatically, as Markdown or HTML for an e-mail.",
    )
    digest.add_argument("--since", type=days_argument, default=7, help="span, e.g. 7d (default)")
    digest.add_argument("--as-of", type=date_argument, help="last day covered (default today)")
    digest.add_argument("--format", choices=("md", "html"), default="md")
    digest.add_argument("--lang", choices=("en", "id"), default="en", help="alert sentences")
    digest.add_argument("--max-alerts", type=int, default=20, help="alerts listed (default 20)")
    digest.add_argument("--output", type=Path, help="file to write (default: standard output)")
    database_url_argument(digest)
    digest.set_defaults(func=run_digest)


def _group_argument(value: str) -> tuple[str, ...]:
    try:
        return parse_group(value)
    except InputError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _open(url: str) -> Database:
    database = Database.from_url(url, must_exist=True)
    revision = database.schema_revision()
    if revision != database.head_revision():
        database.dispose()
        raise StoreError(
            f"{display_url(url)} is at schema revision {revision or 'none'}, expected "
            f"{database.head_revision()}: run `triage db upgrade`"
        )
    return database


def run_refresh(args: argparse.Namespace) -> int:
    """Refresh the alerts; print what changed and the most severe open alerts."""
    if not 0.0 < args.alpha < 0.5:
        raise InputError(f"--alpha must be between 0 and 0.5, got {args.alpha}")
    database = _open(args.database_url)
    store = AlertStore(database.engine)
    try:
        summary = refresh_alerts(
            store,
            args.group or DEFAULT_GROUP_SETS,
            freq=args.freq,
            as_of=args.as_of,
            lookback_days=args.lookback,
            detector=SeasonalNB(alpha=args.alpha),
        )
        page = store.list_page("open", limit=10, active_since=None, headlines=True)
    finally:
        database.dispose()
    print(
        f"{summary.complaints} complaints up to {summary.as_of:%Y-%m-%d}: "
        f"{summary.detected} recent alert(s), {summary.inserted} new, {summary.updated} updated"
    )
    for warning in summary.warnings:
        print(f"warning: {warning}")
    print(f"{page.total} open headline alert(s)")
    for alert in page.items:
        print(f"- #{alert.id} {alert.summary}")
        for line in related_lines(alert):
            print(f"  {line}")
    return 0


def run_digest(args: argparse.Namespace) -> int:
    """Write the digest."""
    if not 1 <= args.max_alerts <= 500:
        raise InputError(f"--max-alerts must be between 1 and 500, got {args.max_alerts}")
    database = _open(args.database_url)
    try:
        digest = build_digest(
            database.engine, days=args.since, as_of=args.as_of, max_alerts=args.max_alerts
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
