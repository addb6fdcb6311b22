"""How well decide_authority() says "not the city's business, but X's", and how fast.

    .venv/bin/python benchmarks/authority_eval.py [--data ../shared/data/surabaya-...csv]

Prints, for the written development cases and, separately, the held-out cases (written after
the lexicon was frozen): per body the external complaints found with the right body, and
overall the share of external complaints with the right body and of the city's own flagged
external.  Then microseconds per call, and, when the real data file exists, the share of it
flagged external per body.  Never prints a complaint text.
"""

from __future__ import annotations

import argparse
import csv
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

import pandas as pd

from triage.routing import decide_authority
from triage.text import tokens

CASES = Path(__file__).resolve().parents[1] / "tests/data"
DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared/data/surabaya-2022-01_2023-03.csv"


def report(name: str, cases: Sequence[dict[str, str]]) -> None:
    """Per-body and overall figures of one case set."""
    found: Counter[str] = Counter()
    total: Counter[str] = Counter()
    flagged = local = 0
    for case in cases:
        decision = decide_authority(case["text"])
        if case["expected_authority"] == "external":
            total[case["expected_body"]] += 1
            found[case["expected_body"]] += decision.external_body == case["expected_body"]
        else:
            local += 1
            flagged += decision.authority == "external"
    external = sum(total.values())
    print(f"\n{name}: {len(cases)} cases, {external} external, {local} the city's own")
    print(f"  {'body':<22} {'right body':>10}")
    for body in sorted(total):
        print(f"  {body:<22} {found[body]:>5}/{total[body]:<4}")
    right = sum(found.values())
    print(f"  external with the right body: {right}/{external} = {right / external:.1%}")
    print(f"  city's own flagged external:  {flagged}/{local} = {flagged / local:.1%}")


def _unstemmed_tokens(text: str) -> list[str]:
    # The normalisation decide_authority() starts with (the "-nya" fold aside).
    return tokens(text, stemming=False)


def microseconds_per_call(texts: Sequence[str], repeat: int) -> tuple[float, float]:
    """Best of five mean µs per decide_authority() call, and per normalisation alone.

    Caches are warm (the service's steady state); the best of five runs keeps other work on
    the machine out of the figure.
    """

    def best(function: Callable[[str], object]) -> float:
        for text in texts:
            function(text)
        runs = []
        for _ in range(5):
            start = time.perf_counter()
            for _ in range(repeat):
                for text in texts:
                    function(text)
            runs.append((time.perf_counter() - start) / (repeat * len(texts)) * 1e6)
        return min(runs)

    return best(decide_authority), best(_unstemmed_tokens)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    sets = {}
    for name in ("authority_cases.csv", "authority_heldout.csv"):
        with (CASES / name).open(encoding="utf-8", newline="") as handle:
            sets[name] = list(csv.DictReader(handle))
    report("development cases (authority_cases.csv)", sets["authority_cases.csv"])
    report("held-out cases (authority_heldout.csv)", sets["authority_heldout.csv"])
    written = [case["text"] for cases in sets.values() for case in cases]
    decide, tokenise = microseconds_per_call(written, args.repeat)
    print(f"\nwritten cases: {decide:.1f} µs per call, {tokenise:.1f} µs of it normalising")
    if not args.data.exists():
        print(f"no real data at {args.data.name}; skipped")
        return
    texts = pd.read_csv(args.data, usecols=["text"], dtype=str)["text"].fillna("").tolist()
    decisions = [decide_authority(text) for text in texts]
    bodies = Counter(d.external_body for d in decisions if d.authority == "external")
    flagged = sum(bodies.values())
    print(f"\nreal data: {len(texts):,} complaints, {flagged:,} flagged external")
    print(f"  = {flagged / len(texts):.1%}")
    for body, count in bodies.most_common():
        print(f"  {body:<22} {count:>5}")
    decide, tokenise = microseconds_per_call(texts, max(1, args.repeat // 10))
    print(f"real texts: {decide:.1f} µs per call, {tokenise:.1f} µs of it normalising")


if __name__ == "__main__":
    main()
