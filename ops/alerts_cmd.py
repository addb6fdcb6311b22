"""``triage alerts refresh``: detect spikes in the stored complaints and store the alerts."""

from __future__ import annotations

import argparse
from typing import Any

from ops.arguments import (
    database_url_argument,
    date_argument,
    days_argument,
    resolve_tenant,
    tenant_argument,
)
from ops.db_cmd import open_migrated
from triage.errors import InputError
from triage.periods import WEEKDAYS
from triage.store.alerts import AlertStore
from triage.store.trend_queries import parse_group
from triage.tenants.tenancy import tenant_settings
from triage.trends.detectors import SeasonalNB
from triage.trends.digest import related_lines
from triage.trends.refresh import DEFAULT_GROUP_SETS, refresh_alerts
from triage.trends.scan import HourlyScan
from triage.trends.sensitivity import read_sensitivity

DEFAULT_BURST_ALPHA = HourlyScan().alpha


def register(subparsers: Any) -> None:
    """Add the ``alerts`` sub-command."""
    alerts = subparsers.add_parser(
        "alerts",
        help="refresh the stored spike alerts from the stored complaints",
        description="Detect spikes per week (or day) and group in the stored complaints, and "
        "bursts within hours (a burst main: 40 complaints in 6 hours), and store the alerts "
        "that ended recently. Safe to repeat: an alert seen again is updated, never "
        "duplicated, and an acknowledged one stays acknowledged. Run it from cron every day "
        "(e.g. at 06:00, before the digest): each run judges the week that ended yesterday, so "
        "no incident waits for the end of a calendar week; and every hour to see bursts "
        "within the day.",
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
        "--week-start",
        choices=("rolling", *WEEKDAYS),
        default="rolling",
        help="weeks end on the last complete day: yesterday, or --as-of if earlier (rolling, "
        "the default); or weeks start on this weekday, the running week judged as it fills "
        "(monday: ISO weeks)",
    )
    alerts.add_argument(
        "--lookback",
        type=days_argument,
        default=56,
        help="keep alerts whose last period started within this span (default 8w)",
    )
    alerts.add_argument(
        "--alpha", type=float, default=SeasonalNB.alpha, help="false-alarm level per period"
    )
    alerts.add_argument(
        "--sensitivity",
        metavar="FILE",
        help="CSV 'topic,alpha': a false-alarm rate per topic (e.g. a larger alpha for floods "
        "in the rainy season); other topics use --alpha (default: the tenant's settings)",
    )
    alerts.add_argument(
        "--burst-alpha",
        type=float,
        default=DEFAULT_BURST_ALPHA,
        help=f"false-alarm rate per series and hour of the burst scan (default "
        f"{DEFAULT_BURST_ALPHA:g}); --sensitivity scales it per topic",
    )
    alerts.add_argument(
        "--no-bursts", action="store_true", help="skip the hourly burst scan (weekly only)"
    )
    database_url_argument(alerts)
    tenant_argument(alerts)
    alerts.set_defaults(func=run_refresh)


def _group_argument(value: str) -> tuple[str, ...]:
    try:
        return parse_group(value)
    except InputError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def run_refresh(args: argparse.Namespace) -> int:
    """Refresh the alerts; print what changed and the most severe open alerts."""
    if not 0.0 < args.alpha < 0.5:
        raise InputError(f"--alpha must be between 0 and 0.5, got {args.alpha}")
    if not 0.0 < args.burst_alpha < 0.5:
        raise InputError(f"--burst-alpha must be between 0 and 0.5, got {args.burst_alpha}")
    sensitivity = read_sensitivity(args.sensitivity) if args.sensitivity else None
    scan = None if args.no_bursts else HourlyScan(alpha=args.burst_alpha)
    database = open_migrated(args.database_url)
    try:
        tenant = resolve_tenant(database.engine, args.tenant)
        store = AlertStore(database.engine, tenant_id=tenant.id)
        if sensitivity is None:
            sensitivity = tenant_settings(tenant).sensitivity or None
        summary = refresh_alerts(
            store,
            args.group or DEFAULT_GROUP_SETS,
            freq=args.freq,
            as_of=args.as_of,
            lookback_days=args.lookback,
            detector=SeasonalNB(alpha=args.alpha),
            sensitivity=sensitivity,
            scan=scan,
            week_start=None if args.week_start == "rolling" else WEEKDAYS.index(args.week_start),
        )
        page = store.list_page("open", limit=10, active_since=None, headlines=True)
    finally:
        database.dispose()
    print(
        f"{summary.complaints} complaints up to {summary.as_of:%Y-%m-%d}: "
        f"{summary.detected} recent alert(s), {summary.inserted} new, {summary.updated} updated"
    )
    if scan is not None:
        print(f"{summary.bursts} recent burst(s), {summary.new_bursts} new")
    for warning in summary.warnings:
        print(f"warning: {warning}")
    print(f"{page.total} open headline alert(s)")
    for alert in page.items:
        print(f"- #{alert.id} {alert.summary}")
        for line in related_lines(alert):
            print(f"  {line}")
    return 0
