"""``triage spikes``: seasonal-aware spike alerts from a complaints file or pre-counted rows."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import pandas as pd

from triage import read_table
from triage.errors import InputError
from triage.trends.alerts import alert_periods_frame, describe_alert
from triage.trends.counts import find_spikes
from triage.trends.detectors import SeasonalNB

_SUMMARY_ALERTS = 10


def register(subparsers: Any) -> None:
    """Add the ``spikes`` sub-command."""
    parser = subparsers.add_parser(
        "spikes",
        help="find complaint spikes per period and group",
        description=(
            "Count complaints per week (or day) and group, compare each period with a seasonal "
            "baseline (or, with less than two years of history, with the recent weeks), and "
            "write one row per alerting period."
        ),
    )
    parser.add_argument(
        "--input", required=True, type=Path, help="CSV, JSON Lines, JSON or Excel (.xlsx) file"
    )
    parser.add_argument("--output", required=True, type=Path, help="alerts CSV to write")
    parser.add_argument(
        "--date-col",
        help="timestamp column (default: 'date' if present, else 'created_at'); "
        "naive times are Asia/Jakarta local time",
    )
    parser.add_argument(
        "--group-col",
        action="append",
        default=[],
        help="group column, repeatable (e.g. --group-col topic --group-col kecamatan)",
    )
    parser.add_argument(
        "--count-col",
        help="column of pre-counted rows (default: 'count' if present, else one row = one "
        "complaint)",
    )
    parser.add_argument("--freq", choices=("W", "D"), default="W", help="weeks (default) or days")
    parser.add_argument(
        "--alpha",
        type=float,
        default=SeasonalNB.alpha,
        help=f"false-alarm level per period (default {SeasonalNB.alpha})",
    )
    parser.add_argument("--since", help="report only alerts from this date on (YYYY-MM-DD)")
    parser.set_defaults(func=run)


def _choose(frame: pd.DataFrame, given: str | None, candidates: tuple[str, ...]) -> str | None:
    if given:
        return given
    return next((name for name in candidates if name in frame.columns), None)


def run(args: argparse.Namespace) -> int:
    """Run the command; return the exit code."""
    if not 0.0 < args.alpha < 0.5:
        raise InputError(f"--alpha must be between 0 and 0.5, got {args.alpha}")
    frame = read_table(args.input)
    date_col = _choose(frame, args.date_col, ("date", "created_at")) or "date"
    count_col = _choose(frame, args.count_col, ("count",))
    report = find_spikes(
        frame,
        date_col=date_col,
        group_cols=args.group_col,
        count_col=count_col,
        freq=args.freq,
        detector=SeasonalNB(alpha=args.alpha),
        since=args.since,
    )
    args.output.parent.mkdir(parents=True, exist_ok=True)
    alert_periods_frame(report.alerts).to_csv(args.output, index=False)
    counts = report.counts
    unit = "weeks" if args.freq == "W" else "days"
    methods = report.detection["method"].value_counts().to_dict()
    print(
        f"{counts.shape[1]} series x {counts.shape[0]} {unit} "
        f"({counts.index[0]:%Y-%m-%d} to {counts.index[-1]:%Y-%m-%d}), "
        f"{'pre-counted ' + repr(count_col) if count_col else 'one row per complaint'}, "
        f"date column {date_col!r}"
    )
    if methods.get("seasonal", 0) == 0:
        print("less than two years of history: baselines are recent weeks, not seasonal")
    print(f"{len(report.alerts)} alert(s) written to {args.output}")
    for alert in report.alerts[:_SUMMARY_ALERTS]:
        print(f"- {describe_alert(alert)}")
    if len(report.alerts) > _SUMMARY_ALERTS:
        print(f"... and {len(report.alerts) - _SUMMARY_ALERTS} more")
    return 0
