"""`triage train`: fit a model on a labelled table and save it as a version under models/.

The table comes from a file (``--data``), from the complaint store with the admins'
corrections applied (``--from-db``, see :mod:`triage.modelops.retrain`), or both concatenated.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pandas as pd

from training.arguments import (
    add_column_arguments,
    check_named_columns,
    check_writable,
    columns_from_args,
    filter_dates,
    named_registry,
    positive_float,
    share,
)
from training.progress import stage_progress
from triage import (
    Columns,
    InputError,
    ModelMetadata,
    TriageModel,
    save_model,
    train_model,
)
from triage.model.registry_layer import fit_registry_layer
from triage.model.train import STAGES as TRAINING_STAGES
from triage.model.train import empty_text_rows
from triage.modelops.model_card import write_card
from triage.modelops.retrain import STORE_STAGES, parse_since, training_set_from_store
from triage.modelops.versions import save_version
from triage.periods import LOCAL_TIME
from triage.sources.labelled import read_labelled_table
from triage.store import DEFAULT_DATABASE_URL, display_url
from triage.tenants.registry import SHIPPED, AgencyRegistry

READ_FILE = "read the file"
REGISTRY_LAYER = "learn the registry layer"
SAVE = "save the model"


def register(subparsers: Any) -> None:
    """Add the ``train`` sub-command."""
    parser = subparsers.add_parser("train", help="train a model and save it with its metadata")
    parser.add_argument("--data", help="labelled complaints: CSV, JSONL or Excel")
    parser.add_argument(
        "--from-db",
        action="store_true",
        help="train on stored complaints with the admins' corrections applied (with --data: both)",
    )
    parser.add_argument(
        "--database-url", default=DEFAULT_DATABASE_URL, help="store for --from-db (%(default)s)"
    )
    parser.add_argument(
        "--corrected-only",
        action="store_true",
        help="--from-db: only corrected complaints, not the confidently auto-routed ones",
    )
    out = parser.add_mutually_exclusive_group(required=True)
    out.add_argument("--out", help="model directory, e.g. models/2024-01-01")
    out.add_argument(
        "--models-dir", help="registry: save as a new version YYYY-MM-DD-<data hash> in it"
    )
    parser.add_argument(
        "--random-split",
        action="store_true",
        help="hold out a random share instead of the latest weeks (time-based is the default)",
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of --random-split (0)")
    add_column_arguments(parser, window=True)
    parser.add_argument(
        "--holdout",
        type=share,
        default=0.2,
        help="latest share kept out to measure the model and choose its review threshold (0.2)",
    )
    parser.add_argument(
        "--C", type=positive_float, default=None, help="SVM regularisation (default 0.3)"
    )
    registry = parser.add_mutually_exclusive_group()
    registry.add_argument(
        "--tenant",
        help="also learn the registry layer through this tenant's shipped registry "
        f"({', '.join(SHIPPED)}), to route any city's registry",
    )
    registry.add_argument(
        "--registry", help="also learn the registry layer through this agency registry CSV"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Train, save and print the held-out metrics as JSON.

    At a terminal a progress bar on stderr follows the stages; with ``-v`` they are logged
    as lines instead (both at once would garble each other).
    """
    columns = columns_from_args(args)
    if args.out:
        check_writable(args.out, "--out", directory=True)
    else:
        check_writable(args.models_dir, "--models-dir", directory=True)
    registry = named_registry(args)
    stages = [
        *([READ_FILE] if args.data else []),
        *(STORE_STAGES if args.from_db else []),
        *TRAINING_STAGES,
        *([REGISTRY_LAYER] if registry else []),
        SAVE,
    ]
    with stage_progress(stages, verbose=getattr(args, "verbose", False)) as progress:
        frame, source, from_store = _training_table(args, columns, progress)
        check_named_columns(args, frame)
        blank = empty_text_rows(frame, columns.text)
        params: dict[str, Any] = {} if args.C is None else {"C": args.C}
        started = time.perf_counter()
        if args.random_split:
            frame = frame.sample(frac=1.0, random_state=args.seed)
        model = _train(frame, columns, params, args, progress)
        if registry is not None:
            progress(REGISTRY_LAYER)
            _add_registry_layer(model, frame, registry, args)
        seconds = time.perf_counter() - started
        progress(SAVE)
        if args.models_dir:
            metadata = save_version(
                model, args.models_dir, frame, holdout=args.holdout, source=source
            )
            path = f"{args.models_dir}/{metadata.version}"
        else:
            metadata = save_model(model, args.out)
            write_card(args.out, source)
            path = str(args.out)
    if not metadata.metrics.get("holdout"):
        print(
            "warning: nothing was held out to measure the model, so its review threshold is the "
            f"default {metadata.policy['opd_threshold']}, not chosen by evaluation",
            file=sys.stderr,
        )
    if len(blank):
        shown = ", ".join(str(i + 2) for i in blank[:10]) + (" ..." if len(blank) > 10 else "")
        print(f"skipped {len(blank)} rows with empty text (file lines {shown})")
    summary = {
        "version": metadata.version,
        "path": path,
        "rows": metadata.n_rows,
        "skipped_rows": metadata.skipped_rows,
        "train_seconds": round(seconds, 1),
        "opd_threshold": metadata.policy["opd_threshold"],
        "holdout": _headline(metadata.metrics.get("holdout", {})),
    }
    if "registry_layer" in metadata.metrics:
        layer = metadata.metrics["registry_layer"]
        summary["registry_layer"] = {
            "accuracy": layer["accuracy"],
            "threshold": layer["review_threshold"]["threshold"],
            "coverage_at_target": layer["review_threshold"]["coverage"],
        }
    if from_store:
        summary["from_db"] = from_store
    print(json.dumps(summary, indent=2, ensure_ascii=False))
    return 0


def _training_table(
    args: argparse.Namespace, columns: Columns, progress: Callable[[str], None]
) -> tuple[pd.DataFrame, str, dict[str, int]]:
    """The rows to train on, a description of their source, and the store's counts."""
    if not args.data and not args.from_db:
        raise InputError("give --data FILE, --from-db, or both")
    since = parse_since(args.since) if args.since else None
    # A relative --since ("30d") becomes a day for the file's date filter.
    since_day = since.astimezone(LOCAL_TIME).date().isoformat() if since else None
    parts, sources, counts = [], [], {}
    if args.data:
        progress(READ_FILE)
        parts.append(
            filter_dates(read_labelled_table(args.data), columns.date, since_day, args.until)
        )
        sources.append(f"file {args.data}")
    if args.from_db:
        found = training_set_from_store(
            args.database_url, since, corrected_only=args.corrected_only, progress=progress
        )
        counts = found.summary()
        parts.append(found.frame)
        window = f" since {since_day}" if since_day else ""
        sources.append(
            f"store {display_url(args.database_url)}{window}: {found.corrected} corrected and "
            f"{found.auto_routed} auto-routed complaints ({found.duplicates} duplicates dropped)"
        )
    frame = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    return frame, "; ".join(sources), counts


def _train(
    frame: pd.DataFrame,
    columns: Columns,
    params: dict[str, Any],
    args: argparse.Namespace,
    progress: Callable[[str], None],
) -> TriageModel:
    # Without a date column train_model holds out the last rows, which --random-split shuffled.
    used = replace(columns, date=None) if args.random_split else columns
    model = train_model(
        frame,
        used,
        params,
        holdout=args.holdout,
        target_accuracy=args.target_accuracy,
        progress=progress,
    )
    if args.random_split and model.metadata is not None:
        model.columns = columns
        model.metadata = _as_random_split(model.metadata, frame, columns.date)
    return model


def _add_registry_layer(
    model: TriageModel, frame: pd.DataFrame, registry: AgencyRegistry, args: argparse.Namespace
) -> None:
    """Learn the function layer through ``registry`` and record its hold-out metrics."""
    holdout = args.holdout or 0.2
    # After --random-split the rows are shuffled: without its date column the layer keeps
    # their order, as the model's hold-out did.
    date = model.columns.date
    used = frame.drop(columns=[date]) if args.random_split and date in frame.columns else frame
    layer = fit_registry_layer(
        model, used, registry, holdout=holdout, target_accuracy=args.target_accuracy
    )
    model.registry_layer = layer
    if model.metadata is not None:
        metrics = {**model.metadata.metrics, "registry_layer": layer.metrics}
        model.metadata = replace(model.metadata, metrics=metrics)


def _as_random_split(
    metadata: ModelMetadata, frame: pd.DataFrame, date: str | None
) -> ModelMetadata:
    metrics = dict(metadata.metrics)
    if "holdout" in metrics:
        metrics["holdout"] = {**metrics["holdout"], "split": "random"}
    span = None
    if date and date in frame.columns:
        when = pd.to_datetime(frame[date], errors="coerce", utc=True, format="mixed").dropna()
        if len(when):
            span = (str(when.min().date()), str(when.max().date()))
    return replace(metadata, metrics=metrics, date_range=span)


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
