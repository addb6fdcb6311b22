"""Retraining from the store: does the correction loop close, and how long a full retrain takes.

    .venv/bin/python benchmarks/bench_retrain.py [--rows 10000] [--corrections 500]
                                                 [--full-rows 100000] [--skip-loop|--skip-full]

1. The loop, on the synthetic sample: a model trained on the oldest 40% routes the next 50%
   into a SQLite store; admins correct ``--corrections`` of its mistakes (simulated with the
   true labels); the model is retrained from history plus the store, corrections applied.
   Both models, and a control retrained on the same rows minus the corrected ones, are
   scored on the newest 10%, which neither saw.  Reported: accuracy overall and on the
   OPDs the admins corrected towards.
2. A full retrain: ``--full-rows`` labelled complaints loaded into a store, then read, turned
   into a training set and trained on (as ``triage train --from-db``), with its progress bar
   when stderr is a terminal; prints how long each stage took.

Prints markdown tables; no complaint text.  Synthetic data only.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from training.progress import stage_progress
from triage import TriageModel, train_model
from triage.model.train import STAGES as TRAINING_STAGES
from triage.modelops.retrain import STORE_STAGES, build_training_set, training_set_from_store
from triage.routing.labels import canonical_label
from triage.sample.generator import generate_sample
from triage.store import stored_complaints, upgrade
from triage.workbench import ingest_frame, misrouted, simulate_corrections


def opd_accuracy(model: TriageModel, frame: pd.DataFrame) -> pd.Series:
    """Per row: did the routing decision name the true OPD."""
    decisions = model.decide_frame(frame)
    return pd.Series(
        [
            canonical_label(d.opd or "") == canonical_label(t)
            for d, t in zip(decisions, frame["opd"], strict=True)
        ],
        index=frame.index,
    )


def closing_the_loop(rows: int, corrections: int, workdir: Path, seed: int) -> None:
    corpus = generate_sample(rows=rows, seed=seed).complaints
    n = len(corpus)
    history = corpus.iloc[: int(n * 0.4)]
    stream = corpus.iloc[int(n * 0.4) : int(n * 0.9)]
    test = corpus.iloc[int(n * 0.9) :]
    url = f"sqlite:///{workdir / 'loop.db'}"
    upgrade(url)
    started = time.perf_counter()
    before = train_model(history)
    print(f"first model on {len(history)} rows: {time.perf_counter() - started:.0f} s")
    ingest_frame(url, stream, before)
    stored = stored_complaints(url)
    wrong = misrouted(stored, stream)
    made = simulate_corrections(url, stream, corrections, seed=seed)
    stored = stored_complaints(url)
    corrected = stored[stored["corrected_at"].notna()]
    print(
        f"stored {len(stored)} routed complaints, {len(wrong)} misrouted; admins corrected "
        f"{made} (towards {corrected['corrected_opd'].nunique()} OPDs)"
    )
    found = build_training_set(stored)
    after = train_model(pd.concat([history, found.frame], ignore_index=True))
    control_set = build_training_set(stored[stored["corrected_at"].isna()])
    control = train_model(pd.concat([history, control_set.frame], ignore_index=True))
    touched = set(corrected["corrected_opd"].map(canonical_label))
    on_touched = test["opd"].map(canonical_label).isin(touched).to_numpy()
    table = {}
    for name, model in (("before", before), ("control", control), ("after", after)):
        right = opd_accuracy(model, test)
        table[name] = (right.mean(), right[on_touched].mean())
    print(
        f"\nscored on the newest {len(test)} complaints; {int(on_touched.sum())} of them belong "
        "to the corrected OPDs\n"
    )
    print("| model | training rows | OPD accuracy, all | OPD accuracy, corrected OPDs |")
    print("|---|---:|---:|---:|")
    sizes = {
        "before": len(history),
        "control": len(history) + len(control_set.frame),
        "after": len(history) + len(found.frame),
    }
    labels = {
        "before": "before (oldest 40%)",
        "control": "retrained without the corrections",
        "after": f"retrained with the {made} corrections",
    }
    for name, (overall, touched_acc) in table.items():
        print(f"| {labels[name]} | {sizes[name]} | {overall:.3f} | {touched_acc:.3f} |")
    per_opd = (
        pd.DataFrame(
            {
                "opd": test["opd"][on_touched],
                "before": opd_accuracy(before, test[on_touched]),
                "after": opd_accuracy(after, test[on_touched]),
            }
        )
        .groupby("opd")
        .agg(n=("before", "size"), before=("before", "mean"), after=("after", "mean"))
    )
    per_opd = per_opd[per_opd["n"] >= 10].sort_values("n", ascending=False)
    print("\n| corrected OPD (>= 10 test rows) | test rows | before | after |")
    print("|---|---:|---:|---:|")
    for opd, row in per_opd.iterrows():
        print(f"| {opd} | {int(row['n'])} | {row['before']:.3f} | {row['after']:.3f} |")


def full_retrain(rows: int, workdir: Path, seed: int) -> None:
    started = time.perf_counter()
    corpus = generate_sample(rows=rows, seed=seed).complaints
    url = f"sqlite:///{workdir / 'full.db'}"
    upgrade(url)
    ingest_frame(url, corpus, None)
    print(
        f"\nprepared a store of {rows} labelled complaints in {time.perf_counter() - started:.0f} s"
    )
    stages = [*STORE_STAGES, *TRAINING_STAGES]
    began: dict[str, float] = {}
    with stage_progress(stages) as progress:

        def timed(stage: str) -> None:
            began[stage] = time.perf_counter()
            progress(stage)

        start = time.perf_counter()
        found = training_set_from_store(url, progress=timed)
        model = train_model(found.frame, progress=timed)
        total = time.perf_counter() - start
    ends = [*list(began.values())[1:], start + total]
    holdout = model.metadata.metrics["holdout"] if model.metadata else {}
    print(f"\n| full retrain from the store, {rows} complaints | seconds |")
    print("|---|---:|")
    for (stage, at), end in zip(began.items(), ends, strict=True):
        print(f"| {stage} | {end - at:.1f} |")
    print(f"| **total** | **{total:.1f}** |")
    print(f"\ntraining rows {len(found.frame)}; hold-out OPD accuracy / macro-F1 "
          f"{holdout['opd']['accuracy']:.3f} / {holdout['opd']['macro_f1']:.3f}")  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000, help="sample size of the loop")
    parser.add_argument("--corrections", type=int, default=500, help="simulated corrections")
    parser.add_argument("--full-rows", type=int, default=100_000, help="rows of the full retrain")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--skip-loop", action="store_true")
    parser.add_argument("--skip-full", action="store_true")
    args = parser.parse_args()
    np.random.seed(args.seed)
    with tempfile.TemporaryDirectory(prefix="bench-retrain-") as tmp:
        if not args.skip_loop:
            closing_the_loop(args.rows, args.corrections, Path(tmp), args.seed)
        if not args.skip_full:
            full_retrain(args.full_rows, Path(tmp), args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
