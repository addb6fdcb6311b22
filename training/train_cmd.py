"""`triage train`: fit a model on a labelled table and save it as a version under models/."""

from __future__ import annotations

import argparse
import json
import time
from typing import Any

from training.data import add_column_arguments, columns_from_args, filter_dates, read_table
from triage import InputError, save_model, train_model
from triage.train import empty_text_rows


def register(subparsers: Any) -> None:
    """Add the ``train`` sub-command."""
    parser = subparsers.add_parser("train", help="train a model and save it with its metadata")
    parser.add_argument("--data", required=True, help="labelled complaints: CSV, JSONL or Excel")
    parser.add_argument("--out", required=True, help="model directory, e.g. models/2024-01-01")
    add_column_arguments(parser, window=True)
    parser.add_argument(
        "--holdout", type=float, default=0.2, help="latest share kept out to measure (0.2)"
    )
    parser.add_argument("--C", type=float, default=None, help="SVM regularisation (default 0.3)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Train, save and print the held-out metrics as JSON."""
    columns = columns_from_args(args)
    frame = filter_dates(read_table(args.data), columns.date, args.since, args.until)
    if columns.text not in frame.columns:
        raise InputError(
            f"missing text column {columns.text!r}; columns are: {', '.join(frame.columns)}"
        )
    blank = empty_text_rows(frame, columns.text)
    if len(blank):
        shown = ", ".join(str(i + 2) for i in blank[:10]) + (" ..." if len(blank) > 10 else "")
        print(f"skipping {len(blank)} rows with empty text (file lines {shown})")
    params: dict[str, Any] = {} if args.C is None else {"C": args.C}
    started = time.perf_counter()
    model = train_model(
        frame, columns, params, holdout=args.holdout, target_accuracy=args.target_accuracy
    )
    seconds = time.perf_counter() - started
    metadata = save_model(model, args.out)
    summary = {
        "version": metadata.version,
        "path": str(args.out),
        "rows": metadata.n_rows,
        "skipped_rows": metadata.skipped_rows,
        "train_seconds": round(seconds, 1),
        "opd_threshold": metadata.policy["opd_threshold"],
        "holdout": _headline(metadata.metrics.get("holdout", {})),
    }
    print(json.dumps(summary, indent=2, ensure_ascii=False))
    return 0


def _headline(holdout: dict[str, Any]) -> dict[str, Any]:
    return {
        head: {
            "accuracy": report["accuracy"],
            "macro_f1": report["macro_f1"],
            "coverage_at_target": report["coverage"]["coverage"],
        }
        for head, report in holdout.items()
        if isinstance(report, dict) and "accuracy" in report
    }
