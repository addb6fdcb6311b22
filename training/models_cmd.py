"""`triage models list|show|promote|rollback`: the model registry under models/."""

from __future__ import annotations

import argparse
import json
from typing import Any

from triage import read_table
from triage.model.train import empty_text_rows
from triage.modelops.promotion import DEFAULT_MARGIN
from triage.modelops.registry import describe, list_models, promote, rollback
from triage.store import DEFAULT_DATABASE_URL, StoreError, open_complaint_opds


def register(subparsers: Any) -> None:
    """Add the ``models`` sub-command and its actions."""
    parser = subparsers.add_parser("models", help="list, show, promote and roll back models")
    parser.add_argument("--models-dir", default="models", help="registry directory (models)")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    actions.add_parser("list", help="saved versions with hold-out scores; * marks the active")
    show = actions.add_parser("show", help="a version's model card (or --json metadata)")
    show.add_argument("version")
    show.add_argument("--json", action="store_true", help="print the metadata as JSON")
    up = actions.add_parser("promote", help="make a version active after safety checks")
    up.add_argument("version")
    up.add_argument(
        "--eval-data", help="labelled complaints both models are scored on (default: hold-out)"
    )
    up.add_argument(
        "--margin",
        type=float,
        default=DEFAULT_MARGIN,
        help="largest allowed drop of OPD macro-F1 (%(default)s)",
    )
    up.add_argument(
        "--database-url",
        default=DEFAULT_DATABASE_URL,
        help="store whose open complaints must stay routable (%(default)s)",
    )
    up.add_argument("--force", action="store_true", help="promote despite failed checks")
    actions.add_parser("rollback", help="make the previously promoted version active again")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Carry out one registry action; print what happened."""
    if args.action == "list":
        return _list(args)
    if args.action == "show":
        described = describe(args.models_dir, args.version)
        if args.json or not described["card"]:
            described.pop("card")
            print(json.dumps(described, indent=2, ensure_ascii=False))
        else:
            print(described["card"])
        return 0
    if args.action == "rollback":
        done = rollback(args.models_dir)
        print(f"rolled back: {done.version} is active (was {done.previous})")
        return 0
    return _promote(args)


def _list(args: argparse.Namespace) -> int:
    entries = list_models(args.models_dir)
    if not entries:
        print(f"no models in {args.models_dir}")
        return 0
    print(f"  {'version':<28} {'created':<20} {'rows':>8}  {'data':<23} {'OPD acc':>7} {'F1':>6}")
    for e in entries:
        span = f"{e.date_range[0]}..{e.date_range[1]}" if e.date_range else "-"
        acc = f"{e.opd_accuracy:.3f}" if e.opd_accuracy is not None else "-"
        f1 = f"{e.opd_macro_f1:.3f}" if e.opd_macro_f1 is not None else "-"
        mark = "*" if e.active else " "
        when = e.created_at[:19]
        print(f"{mark} {e.version:<28} {when:<20} {e.n_rows:>8}  {span:<23} {acc:>7} {f1:>6}")
    return 0


def _promote(args: argparse.Namespace) -> int:
    eval_frame = None
    if args.eval_data:
        eval_frame = read_table(args.eval_data)
        if "text" in eval_frame.columns:
            eval_frame = eval_frame.drop(
                index=eval_frame.index[empty_text_rows(eval_frame, "text")]
            )
    try:
        open_opds = open_complaint_opds(args.database_url)
    except StoreError as exc:
        if not args.force:
            raise StoreError(
                f"cannot check open complaints: {exc}; pass --database-url or --force"
            ) from exc
        open_opds = {}
    done = promote(
        args.models_dir,
        args.version,
        open_opds=open_opds,
        eval_frame=eval_frame,
        margin=args.margin,
        force=args.force,
    )
    if done.comparison is not None:
        c = done.comparison
        print(
            f"OPD macro-F1 on {c.evaluation} ({c.n} rows): {done.version} {c.candidate_f1:.4f}"
            f" vs {done.previous} {c.active_f1:.4f}"
        )
    for reason in done.forced:
        print(f"forced past: {reason}")
    print(f"promoted: {done.version} is active (was {done.previous or 'none'})")
    return 0
