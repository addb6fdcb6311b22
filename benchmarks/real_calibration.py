"""Does the review threshold keep its promise on later months?  Month by month, on real data.

    .venv/bin/python benchmarks/real_calibration.py \\
        [--data ../shared/data/surabaya-2022-01_2023-03.csv] \\
        [--origins 2022-07-01 2022-10-01 2023-01-01]

For each origin: train on every complaint before it (the default 20% time hold-out chooses the
threshold), then route each of the three months after it and report, per month, the share
routed without review and the accuracy of that share, under both rules: ``measured`` (the
lowest threshold whose hold-out accuracy reaches 95%, the rule before) and ``lower_bound``
(the lowest whose 95% Clopper-Pearson lower bound reaches 95%, the default).  One training
per origin serves both: the measured threshold is the hold-out's own coverage threshold.
Prints a markdown table; never prints complaint texts.
"""

from __future__ import annotations

import argparse
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from triage import Columns, train_model
from triage.routing.labels import canonical_label

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared/data/surabaya-2022-01_2023-03.csv"


def routed(model: object, month: pd.DataFrame, threshold: float) -> tuple[float, float, int]:
    """Share auto-routed, its accuracy, and the month's size, at ``threshold``."""
    model.policy = replace(model.policy, opd_threshold=threshold)  # type: ignore[attr-defined]
    decisions = model.decide_frame(month)  # type: ignore[attr-defined]
    auto = np.array([not d.needs_review for d in decisions])
    right = np.array(
        [
            canonical_label(d.opd or "") == canonical_label(t)
            for d, t in zip(decisions, month.opd, strict=True)
        ]
    )
    accuracy = float(right[auto].mean()) if auto.any() else float("nan")
    return float(auto.mean()), accuracy, len(month)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--origins", nargs="+", default=["2022-07-01", "2022-10-01", "2023-01-01"])
    parser.add_argument("--months", type=int, default=3)
    args = parser.parse_args()
    frame = pd.read_csv(args.data, dtype=str, keep_default_na=False, na_values=[""])
    stamps = pd.to_datetime(frame.created_at)
    print("| origin | month | complaints | rule | threshold | auto-routed | accuracy |")
    print("|---|---|---|---|---|---|---|")
    totals: dict[str, list[tuple[float, float, int]]] = {"measured": [], "lower_bound": []}
    for origin in args.origins:
        start = pd.Timestamp(origin)
        model = train_model(frame[stamps < start], Columns(title=None))
        assert model.metadata is not None
        thresholds = {
            "measured": model.metadata.metrics["holdout"]["opd"]["coverage"]["threshold"],
            "lower_bound": model.metadata.metrics["review_threshold"]["threshold"],
        }
        for step in range(args.months):
            first = start + pd.DateOffset(months=step)
            month = frame[(stamps >= first) & (stamps < first + pd.DateOffset(months=1))]
            if month.empty:
                continue
            for rule, threshold in thresholds.items():
                share, accuracy, n = routed(model, month, threshold)
                totals[rule].append((share, accuracy, n))
                print(
                    f"| {origin} | {first:%Y-%m} | {n} | {rule} | {threshold:.3f} | "
                    f"{share:.1%} | {accuracy:.1%} |"
                )
    for rule, rows in totals.items():
        months_under = sum(1 for _, a, _ in rows if a < 0.95)
        n = sum(r[2] for r in rows)
        share = sum(s * k for s, _, k in rows) / n
        accuracy = sum(s * a * k for s, a, k in rows) / sum(s * k for s, _, k in rows)
        print(
            f"\n{rule}: {share:.1%} auto-routed at {accuracy:.1%} over {len(rows)} months; "
            f"{months_under} month(s) under 95%"
        )


if __name__ == "__main__":
    main()
