"""`triage drift`: how recent stored complaints differ from a model's training data."""

from __future__ import annotations

import argparse
import datetime as dt
import json
from pathlib import Path
from typing import Any

from triage import find_active_model, load_model
from triage.modelops.drift import DriftReport, drift_report
from triage.modelops.registry import version_dir
from triage.modelops.retrain import parse_since
from triage.store import DEFAULT_DATABASE_URL, stored_complaints


def register(subparsers: Any) -> None:
    """Add the ``drift`` sub-command."""
    parser = subparsers.add_parser(
        "drift", help="compare recent complaints with a model's training data"
    )
    parser.add_argument("--model", help="version name or model directory (default: the active)")
    parser.add_argument("--models-dir", default="models", help="registry directory (models)")
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL, help="the store")
    parser.add_argument("--since", default="30d", help="window start: 30d, 8w or YYYY-MM-DD")
    parser.add_argument("--until", help="window end, exclusive: YYYY-MM-DD (default: now)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Build the drift report and print it."""
    if not args.model:
        directory = find_active_model(args.models_dir)
    elif Path(args.model).is_dir():
        directory = Path(args.model)
    else:
        directory = version_dir(args.models_dir, args.model)
    model = load_model(directory)
    until = parse_since(args.until, flag="--until") if args.until else dt.datetime.now(dt.UTC)
    since = parse_since(args.since, now=until)
    recent = stored_complaints(args.database_url, since, until)
    report = drift_report(model, recent, args.database_url, since, until)
    if args.json:
        print(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
    else:
        print(summary(report))
    return 0


def summary(report: DriftReport) -> str:
    """A readable summary of the report."""
    lines = [
        f"model {report.model_version}: {report.recent_complaints} complaints "
        f"from {report.since[:10]} to {report.until[:10]}",
        f"OPD distribution: Jensen-Shannon distance {report.label_distance} (0 same, 1 disjoint)",
    ]
    lines += [
        f"  {s.label}: {s.training_share:.1%} in training, {s.recent_share:.1%} now"
        for s in report.label_shifts[:5]
    ]
    lines.append(f"vocabulary: Jensen-Shannon distance {report.vocabulary_distance}")
    if report.new_words:
        words = ", ".join(f"{w.word} ({w.recent_share:.1%})" for w in report.new_words)
        lines.append(f"  new frequent words: {words}")
    if report.rising_words:
        words = ", ".join(
            f"{w.word} ({w.training_share:.1%} -> {w.recent_share:.1%})"
            for w in report.rising_words
        )
        lines.append(f"  rising words: {words}")
    fallen = report.fallen
    if fallen:
        lines.append("accuracy has fallen (from corrections, against the window before):")
        lines += [
            f"  {a.opd}: {a.before_accuracy:.0%} of {a.before_reviewed} -> "
            f"{a.recent_accuracy:.0%} of {a.recent_reviewed} (p={a.p_value})"
            for a in fallen
        ]
    else:
        lines.append("accuracy: no OPD's accuracy has fallen significantly")
    return "\n".join(lines)
