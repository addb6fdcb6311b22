"""`triage evaluate`: score a saved model on a labelled table; JSON report and confusion PNGs."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import numpy as np

from training.arguments import (
    add_column_arguments,
    check_named_columns,
    check_writable,
    columns_from_args,
    filter_dates,
)
from triage import InputError, TriageModel, load_model, read_table
from triage.model.evaluation import confusion
from triage.model.train import empty_text_rows
from triage.model.triage_model import HeadPredictions


def register(subparsers: Any) -> None:
    """Add the ``evaluate`` sub-command."""
    parser = subparsers.add_parser("evaluate", help="measure a model on labelled complaints")
    parser.add_argument("--model", required=True, help="model version directory")
    parser.add_argument("--data", required=True, help="labelled complaints: CSV, JSONL or Excel")
    add_column_arguments(parser, window=True)
    parser.add_argument(
        "--plot-dir", default="var/reports", help="where confusion-<head>.png is written"
    )
    parser.add_argument("--output", help="also write the JSON report to this file")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Evaluate and print the JSON report."""
    plot_dir = check_writable(args.plot_dir, "--plot-dir", directory=True)
    if args.output:
        check_writable(args.output, "--output")
    model = load_model(args.model)
    columns = columns_from_args(args)
    frame = read_table(args.data)
    check_named_columns(args, frame)
    frame = filter_dates(frame, columns.date, args.since, args.until)
    blank = empty_text_rows(frame, columns.text)
    frame = frame.drop(index=frame.index[blank])
    if frame.empty:
        raise InputError(f"none of the {len(blank)} rows has usable text")
    model.columns = columns
    decisions = model.decide_frame(frame)
    reports = model.evaluate(frame, args.target_accuracy, decisions)
    if not reports:
        raise InputError("the data has no labels for the model's heads")
    plots = _plot_confusions(model, model.head_predictions(frame, decisions), plot_dir)
    result = {
        "model": model.version,
        "rows": len(frame),
        "skipped_empty_text": len(blank),
        **{head: report.to_dict() for head, report in reports.items()},
        "confusion_png": [str(p) for p in plots],
    }
    text = json.dumps(result, indent=2, ensure_ascii=False)
    if args.output:
        Path(args.output).write_text(text + "\n", encoding="utf-8")
    print(text)
    return 0


def _plot_confusions(
    model: TriageModel, predictions: dict[str, HeadPredictions], out_dir: Path
) -> list[Path]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for head, found in predictions.items():
        truth, pred = found.truth, found.predicted
        labels, matrix = confusion(truth, pred, top=15)
        share = matrix / np.maximum(matrix.sum(axis=1, keepdims=True), 1)
        fig, ax = plt.subplots(figsize=(11, 9))
        ax.imshow(share, cmap="Blues", vmin=0, vmax=1)
        short = [label[:38] for label in labels]
        ax.set_xticks(range(len(labels)), short, rotation=70, ha="right", fontsize=7)
        ax.set_yticks(range(len(labels)), short, fontsize=7)
        for (i, j), value in np.ndenumerate(matrix):
            if value:
                ax.text(j, i, str(value), ha="center", va="center", fontsize=6)
        ax.set_xlabel("predicted")
        ax.set_ylabel("true (row-normalised colour)")
        ax.set_title(f"{head.upper()} confusion, model {model.version}, n={len(truth)}")
        fig.tight_layout()
        path = out_dir / f"confusion-{head}.png"
        fig.savefig(path, dpi=110)
        plt.close(fig)
        written.append(path)
    return written
