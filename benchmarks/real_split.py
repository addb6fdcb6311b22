"""Accuracy on real complaints: train on 2022, test on January–March 2023, ours beside a baseline.

    .venv/bin/python benchmarks/real_split.py [--data ../shared/data/surabaya-2022-01_2023-03.csv]

The baseline is the plain recipe the project measures itself against: TF-IDF of word 1–2 and
character 2–5 grams of the lower-cased raw text into a linear SVM, with every OPD (area offices
too) as its own class.  Prints a markdown table; never prints complaint texts.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.sparse import hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.svm import LinearSVC

from triage import Columns, read_table, train_model
from triage.routing.labels import canonical_label

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared/data/surabaya-2022-01_2023-03.csv"


def baseline_accuracy(train: pd.DataFrame, test: pd.DataFrame, label: str) -> float:
    """Plain TF-IDF + LinearSVC on lower-cased raw text, one class per label value."""
    known = train[label].notna()
    words = TfidfVectorizer(ngram_range=(1, 2), lowercase=True, sublinear_tf=True)
    chars = TfidfVectorizer(analyzer="char", ngram_range=(2, 5), lowercase=True, sublinear_tf=True)
    x_train = hstack(
        [words.fit_transform(train.text[known]), chars.fit_transform(train.text[known])]
    )
    svm = LinearSVC().fit(x_train, train[label][known])
    scored = test[label].notna()
    x_test = hstack([words.transform(test.text[scored]), chars.transform(test.text[scored])])
    predicted = svm.predict(x_test)
    truth = test[label][scored].to_numpy()
    return float(
        np.mean(
            [
                canonical_label(p) == canonical_label(t)
                for p, t in zip(predicted, truth, strict=True)
            ]
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--split", default="2023-01-01", help="first day of the test period")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")
    args = parser.parse_args()
    frame = read_table(args.data)
    train = frame[frame.created_at < args.split]
    test = frame[frame.created_at >= args.split]
    rows = {}
    started = time.perf_counter()
    model = train_model(train, Columns(title=None))
    train_seconds = time.perf_counter() - started
    decisions = model.decide_frame(test)
    reports = model.evaluate(test, decisions=decisions)
    for head in ("opd", "topic"):
        rows[head] = {
            "baseline_accuracy": round(baseline_accuracy(train, test, head), 4),
            "triase_accuracy": reports[head].accuracy,
            "triase_macro_f1": reports[head].macro_f1,
            "coverage_at_95": reports[head].coverage.coverage,
            "threshold_at_95": reports[head].coverage.threshold,
        }
    policy_threshold = model.policy.opd_threshold
    auto = np.array([not d.needs_review for d in decisions])
    right = np.array(
        [
            canonical_label(d.opd or "") == canonical_label(t)
            for d, t in zip(decisions, test.opd, strict=True)
        ]
    )
    summary = {
        "train_rows": len(train),
        "test_rows": len(test),
        "train_seconds": round(train_seconds, 1),
        "heads": rows,
        "policy_threshold_from_2022_holdout": policy_threshold,
        "auto_routed_share_2023": round(float(auto.mean()), 4),
        "auto_routed_accuracy_2023": round(float(right[auto].mean()), 4) if auto.any() else None,
    }
    print("| head | baseline accuracy | Triase accuracy | Triase macro-F1 | coverage at 95% |")
    print("|---|---|---|---|---|")
    for head, r in rows.items():
        print(
            f"| {head} | {r['baseline_accuracy']:.3f} | {r['triase_accuracy']:.3f} | "
            f"{r['triase_macro_f1']:.3f} | {r['coverage_at_95']:.1%} |"
        )
    print(
        f"\nWith the threshold chosen on the 2022 hold-out ({policy_threshold:.3f}), "
        f"{summary['auto_routed_share_2023']:.1%} of the 2023 complaints are routed automatically "
        f"at {summary['auto_routed_accuracy_2023']:.1%} accuracy. Training: {train_seconds:.0f} s."
    )
    if args.json:
        args.json.write_text(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
