"""How well assess_urgency() flags emergencies for 112, and what the intake flags cost.

    PYTHONPATH=. .venv/bin/python benchmarks/urgency_eval.py [--data ../shared/data/surabaya-...csv]

Prints, for each case set (tests/data/urgency_dev.csv, tests/data/urgency_round3.csv, the old
tests/data/urgency_cases.csv splits, the frozen tests/data/urgency_heldout.csv), the
emergencies flagged and the routine complaints flagged, per category with ``--by-kind``. Then,
over the real data when the file exists (else over the case texts), microseconds per complaint
for urgency and for completeness: the best of ``--passes`` passes, each text's words already
normalised by the router as in ``/v1/classify`` (``--cold`` clears that cache first), and a
short hash of all verdicts so that a speed change can be shown not to change results. Prints no
complaint text unless ``--misses`` is given for a development set (never for held-out).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from triage.casework.completeness import assess_completeness
from triage.casework.urgency import assess_urgency
from triage.text.normalization import normalized_words

DATA = Path(__file__).resolve().parents[1] / "tests/data"
DEFAULT_REAL = Path(__file__).resolve().parents[2] / "shared/data/surabaya-2022-01_2023-03.csv"
SETS = {
    "dev (new)": (DATA / "urgency_dev.csv", None),
    "round 3": (DATA / "urgency_round3.csv", None),
    "old dev": (DATA / "urgency_cases.csv", "dev"),
    "old held-out": (DATA / "urgency_cases.csv", "heldout"),
    "held-out (new, frozen)": (DATA / "urgency_heldout.csv", None),
}


def _rows(path: Path, split: str | None) -> list[dict[str, str]]:
    if not path.is_file():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        return [r for r in csv.DictReader(handle) if split is None or r.get("split") == split]


def evaluate(by_kind: bool, misses: bool) -> None:
    for name, (path, split) in SETS.items():
        rows = _rows(path, split)
        if not rows:
            continue
        hit: Counter[str] = Counter()
        total: Counter[str] = Counter()
        for row in rows:
            flagged = assess_urgency(row["text"]).urgent
            key = f"{row['expected']}:{row.get('kind', '')}" if by_kind else row["expected"]
            total[key] += 1
            hit[key] += flagged
            wrong = flagged != (row["expected"] == "urgent")
            if misses and wrong and "held-out" not in name:
                print(f"  miss [{name}] {row['expected']}: {row['text']}")
        e_total = sum(v for k, v in total.items() if k.startswith("urgent"))
        e_hit = sum(v for k, v in hit.items() if k.startswith("urgent"))
        r_total = sum(v for k, v in total.items() if k.startswith("routine"))
        r_hit = sum(v for k, v in hit.items() if k.startswith("routine"))
        print(
            f"{name}: emergencies flagged {e_hit}/{e_total} ({e_hit / e_total:.1%}), "
            f"routine flagged {r_hit}/{r_total} ({r_hit / r_total:.1%})"
        )
        if by_kind:
            for key in sorted(total):
                print(f"    {key}: {hit[key]}/{total[key]} flagged")


def cost(texts: list[str], kelurahan: list[str | None], passes: int, cold: bool) -> None:
    clock = time.perf_counter

    def timed(check: Callable[[str, str | None], object]) -> tuple[float, list[object]]:
        best, verdicts = float("inf"), []
        for _ in range(passes):
            spent, verdicts = 0.0, []
            for text, place in zip(texts, kelurahan, strict=True):
                if not cold:
                    # The router has just read this text: its words are in the cache.
                    normalized_words(text)
                started = clock()
                verdicts.append(check(text, place))
                spent += clock() - started
            best = min(best, spent)
        return 1e6 * best / len(texts), verdicts

    u, urgency = timed(lambda text, _: assess_urgency(text))
    c, completeness = timed(lambda text, place: assess_completeness(text, kelurahan=place))
    verdicts = [(v.level, v.category, v.evidence) for v in urgency]  # type: ignore[attr-defined]
    missing = [list(v.missing) for v in completeness]  # type: ignore[attr-defined]
    digest = hashlib.sha256(json.dumps([verdicts, missing]).encode()).hexdigest()[:12]
    flagged = sum(v[0] == "urgent" for v in verdicts)
    print(
        f"{len(texts)} texts: urgency {u:.0f} µs, completeness {c:.0f} µs per complaint "
        f"(best of {passes}{', cold' if cold else ''}); {flagged} flagged urgent; "
        f"verdicts {digest}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_REAL)
    parser.add_argument("--passes", type=int, default=3)
    parser.add_argument("--cold", action="store_true", help="no router-normalised words")
    parser.add_argument("--by-kind", action="store_true")
    parser.add_argument("--misses", action="store_true", help="print dev-set misses")
    parser.add_argument("--no-cost", action="store_true")
    args = parser.parse_args()
    evaluate(args.by_kind, args.misses)
    if args.no_cost:
        return
    if args.data.is_file():
        frame = pd.read_csv(args.data)
        texts = frame["text"].fillna("").astype(str).tolist()
        kelurahan = frame["kelurahan"].where(frame["kelurahan"].notna(), None).tolist()
    else:
        texts = [r["text"] for path, split in SETS.values() for r in _rows(path, split)]
        kelurahan = [None] * len(texts)
    cost(texts, kelurahan, args.passes, args.cold)


if __name__ == "__main__":
    main()
