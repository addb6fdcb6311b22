"""How far the real-data goals are from what the labels allow: two measurements beside the split.

    .venv/bin/python benchmarks/real_ceiling.py [--data ../shared/data/surabaya-2022-01_2023-03.csv]

1. The same model trained on a random sample of all fifteen months and tested on the rest, with
   as many test rows as the time split has: the accuracy the model reaches when the routing
   habits of the test months are also in its training rows (no drift between the two).
2. Label agreement between near-identical complaints: every complaint paired with its nearest
   other complaint by cosine similarity of character 3–5-grams of the lower-cased text; among
   pairs at or above a similarity, the share routed to the same OPD and given the same topic.
   A text-only router cannot beat that agreement on such pairs, whatever the model.

Prints a markdown table; never prints complaint texts.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.neighbors import NearestNeighbors

from triage import Columns, read_table, train_model
from triage.routing.labels import canonical_label

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared/data/surabaya-2022-01_2023-03.csv"
SIMILARITIES = (0.95, 0.9, 0.8)


def accuracies(train: pd.DataFrame, test: pd.DataFrame) -> dict[str, float]:
    """OPD and topic accuracy of the product's model trained on ``train``, scored on ``test``."""
    model = train_model(train, Columns(title=None))
    return {head: report.accuracy for head, report in model.evaluate(test).items()}


def near_duplicate_agreement(frame: pd.DataFrame) -> list[dict[str, float]]:
    """For each similarity, the pairs at or above it and how often their labels agree."""
    vectors = TfidfVectorizer(
        analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, min_df=2
    ).fit_transform(frame.text.fillna("").str.lower())
    distance, index = (
        NearestNeighbors(n_neighbors=2, metric="cosine").fit(vectors).kneighbors(vectors)
    )
    # The nearest row is usually the row itself; take the nearest row that is another one.
    other = np.where(index[:, 0] == np.arange(len(frame)), index[:, 1], index[:, 0])
    similarity = 1 - np.where(index[:, 0] == np.arange(len(frame)), distance[:, 1], distance[:, 0])
    opd = frame.opd.map(canonical_label).to_numpy()
    topic = frame.topic.to_numpy()
    text = frame.text.fillna("").str.lower().str.strip().to_numpy()
    when = pd.to_datetime(frame.created_at).to_numpy()
    rows = []
    for threshold in SIMILARITIES:
        pairs = np.flatnonzero(similarity >= threshold)
        both_topics = pairs[pd.notna(topic[pairs]) & pd.notna(topic[other[pairs]])]
        rows.append(
            {
                "similarity": threshold,
                "complaints": len(pairs),
                "same_opd": round(float(np.mean(opd[pairs] == opd[other[pairs]])), 4),
                "same_topic": round(
                    float(np.mean(topic[both_topics] == topic[other[both_topics]])), 4
                ),
                "same_text": round(float(np.mean(text[pairs] == text[other[pairs]])), 4),
                "median_hours_apart": round(
                    float(
                        np.median(np.abs(when[pairs] - when[other[pairs]]) / np.timedelta64(1, "h"))
                    ),
                    1,
                ),
            }
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--split", default="2023-01-01", help="first day of the test period")
    parser.add_argument("--seeds", type=int, default=3, help="random splits to average")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")
    args = parser.parse_args()
    frame = read_table(args.data)
    later = frame.created_at >= args.split
    started = time.perf_counter()
    by_time = accuracies(frame[~later], frame[later])
    shuffled = []
    for seed in range(args.seeds):
        test = frame.sample(n=int(later.sum()), random_state=seed)
        shuffled.append(accuracies(frame.drop(index=test.index), test))
    random_split = {
        head: [round(float(np.mean(v)), 4), round(min(v), 4), round(max(v), 4)]
        for head, v in pd.DataFrame(shuffled).items()
    }
    agreement = near_duplicate_agreement(frame)
    summary = {
        "time_split": by_time,
        "random_split_mean_min_max": random_split,
        "near_duplicates": agreement,
        "seconds": round(time.perf_counter() - started),
    }
    print(f"| split ({int(later.sum())} test complaints) | OPD accuracy | topic accuracy |")
    print("|---|---|---|")
    print(
        f"| by time: train before {args.split}, test after | {by_time['opd']:.3f} | "
        f"{by_time['topic']:.3f} |"
    )
    opd, topic = random_split["opd"], random_split["topic"]
    print(
        f"| random, {args.seeds} seeds (mean, range) | {opd[0]:.3f} ({opd[1]:.3f}–{opd[2]:.3f}) "
        f"| {topic[0]:.3f} ({topic[1]:.3f}–{topic[2]:.3f}) |"
    )
    print(
        "\n| nearest other complaint at cosine ≥ | complaints | same OPD | same topic "
        "| the very same text | median hours apart |"
    )
    print("|---|---|---|---|---|---|")
    for row in agreement:
        print(
            f"| {row['similarity']} | {row['complaints']} | {row['same_opd']:.3f} | "
            f"{row['same_topic']:.3f} | {row['same_text']:.1%} | {row['median_hours_apart']} |"
        )
    if args.json:
        args.json.write_text(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
