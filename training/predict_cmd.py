"""`triage predict`: route every row of a table with a saved model; CSV or JSONL out."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import pandas as pd

from training.arguments import (
    add_column_arguments,
    check_named_columns,
    check_writable,
    columns_from_args,
    named_registry,
)
from triage import InputError, load_model, read_table
from triage.model.registry_layer import registry_decisions, registry_layer
from triage.model.train import empty_text_rows
from triage.routing import TENANT_LEVELS, AuthoritySettings, load_local_exceptions
from triage.tenants.registry import SHIPPED

OUTPUT_COLUMNS = [
    "opd", "opd_confidence", "topic", "topic_confidence", "needs_review",
    "authority", "external_body",
]  # fmt: skip


def register(subparsers: Any) -> None:
    """Add the ``predict`` sub-command."""
    parser = subparsers.add_parser("predict", help="route complaints with a saved model")
    parser.add_argument("--model", required=True, help="model version directory")
    parser.add_argument("--input", required=True, help="complaints: CSV, JSONL or Excel")
    parser.add_argument("--output", required=True, help="result file, .csv or .jsonl")
    add_column_arguments(parser, labels=False)
    parser.add_argument(
        "--level",
        choices=TENANT_LEVELS,
        default="kota",
        help="the tenant's level of government, for 'bukan wewenang' (default: kota)",
    )
    parser.add_argument(
        "--exceptions",
        help="the tenant's local-exceptions CSV (kind,value,authority) for 'bukan wewenang'",
    )
    registry = parser.add_mutually_exclusive_group()
    registry.add_argument(
        "--registry",
        help="route to the agencies of this registry CSV (the model needs a registry layer)",
    )
    registry.add_argument(
        "--tenant", help=f"route to a shipped tenant's registry ({', '.join(SHIPPED)})"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Write one prediction row per input row, in input order."""
    out = Path(args.output)
    if out.suffix.lower() not in (".csv", ".jsonl"):
        raise InputError(f"--output must end in .csv or .jsonl, not {out.suffix!r}")
    check_writable(out, "--output")
    exceptions = load_local_exceptions(args.exceptions) if args.exceptions else None
    authority = AuthoritySettings(args.level, exceptions)
    registry = named_registry(args)
    model = load_model(args.model)
    prepared = None
    if registry is not None:
        prepared = registry_layer(model).prepare(model, registry)
    frame = read_table(args.input).reset_index(drop=True)
    check_named_columns(args, frame)
    columns = columns_from_args(args)
    blank = set(empty_text_rows(frame, columns.text).tolist())
    model.columns = columns
    routable = frame.drop(index=sorted(blank))
    decisions = iter(
        model.decide_frame(routable, authority=authority)
        if prepared is None
        else registry_decisions(model, prepared, routable, authority=authority)
    )
    rows: list[dict[str, Any]] = []
    for i in range(len(frame)):
        if i in blank:
            rows.append(
                {
                    **dict.fromkeys(OUTPUT_COLUMNS),
                    "needs_review": True,
                    "review_reasons": None,
                    "error": _unroutable(frame.at[i, columns.text]),
                }
            )
            continue
        d = next(decisions)
        rows.append(
            {
                "opd": d.opd,
                "opd_confidence": d.opd_confidence,
                "topic": d.topic,
                "topic_confidence": d.topic_confidence,
                "needs_review": d.needs_review,
                # "external": another body's business, named by its registry key.
                "authority": d.authority,
                "external_body": d.external_body,
                # Why a human must look, e.g. an area office but no location to name it.
                "review_reasons": "; ".join(d.reasons) or None,
                "error": None,
            }
        )
    result = pd.DataFrame(rows)
    if "id" in frame.columns:
        result.insert(0, "id", frame["id"].to_numpy())
    if not blank:
        result = result.drop(columns="error")
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix.lower() == ".csv":
        result.to_csv(out, index=False)
    else:
        result.to_json(out, orient="records", lines=True, force_ascii=False)
    print(
        f"wrote {len(result)} rows to {out} ({len(blank)} without usable text, marked for review)"
    )
    return 0


def _unroutable(text: object) -> str:
    """Why a row's text cannot be routed."""
    if text is None or isinstance(text, str) or (isinstance(text, float) and text != text):
        return "empty text"  # missing (None or NaN) or blank
    return f"text is not a string but {type(text).__name__}"
