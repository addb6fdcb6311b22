"""``triage incidents``: which complaints of a file are one incident, and which were re-sent."""

from __future__ import annotations

import argparse
from datetime import timedelta
from typing import Any

from training.arguments import check_writable, positive_float
from triage import InputError, read_table
from triage.casework.incidents import IncidentIndex
from triage.casework.incidents_table import link_complaints


def register(subparsers: Any) -> None:
    """Add the ``incidents`` sub-command."""
    parser = subparsers.add_parser(
        "incidents",
        help="link re-sent complaints and reports of one incident",
        description=(
            "Replay a complaints file in time order, as intake would, and write for each row "
            "the id of its incident's first complaint and, for a complaint sent again, the id "
            "of the original.  Needs columns id, created_at and text; uses kelurahan, topic, "
            "reporter and closed_at when present."
        ),
    )
    parser.add_argument("--input", required=True, help="CSV, JSON Lines, JSON or Excel file")
    parser.add_argument("--output", required=True, help="CSV to write: id, incident, duplicate_of")
    parser.add_argument(
        "--window-days",
        type=positive_float,
        default=3.0,
        help="how long an open complaint absorbs reports of its incident (3 days)",
    )
    parser.add_argument(
        "--duplicate-hours",
        type=positive_float,
        default=24.0,
        help="how long after a complaint the same text counts as sent again (24 hours)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run the command; return the exit code."""
    out = check_writable(args.output, "--output")
    if out.suffix.lower() != ".csv":
        raise InputError(f"--output must end in .csv, not {out.suffix!r}")
    index = IncidentIndex(
        incident_window=timedelta(days=args.window_days),
        duplicate_window=timedelta(hours=args.duplicate_hours),
    )
    # Everything is checked and linked before the output is opened: bad input writes nothing.
    links = link_complaints(read_table(args.input), index)
    out.parent.mkdir(parents=True, exist_ok=True)
    links.to_csv(out, index=False)
    incidents = links["incident"].nunique()
    duplicates = int((links["duplicate_of"] != "").sum())
    print(
        f"{len(links)} complaints: {incidents} incidents, {duplicates} duplicates; written to {out}"
    )
    return 0
