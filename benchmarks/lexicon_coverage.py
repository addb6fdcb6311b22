"""How much of real complaint text the slang lexicons resolve: indoNLP's against ours.

    .venv/bin/python benchmarks/lexicon_coverage.py [--data ../shared/data/surabaya-...csv]

Counts word tokens (after masking and elongation folding) that indoNLP's colloquial lexicon
rewrites, that the Triase domain list rewrites or protects, and where the two disagree.
Prints counts and the most frequent forms of each kind; never a complaint text.
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from pathlib import Path

import pandas as pd
from indoNLP.preprocessing import SLANG_DATA

from triage.text.normalization import _read_resource, fold_elongation, normalize

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared/data/surabaya-2022-01_2023-03.csv"
WORD = re.compile(r"[a-z]+")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args()
    texts = pd.read_csv(args.data, usecols=["text"], dtype=str)["text"].fillna("")
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(fold_elongation(w) for w in WORD.findall(normalize(text)))
    ours = {}
    for line in _read_resource("abbreviations.txt"):
        form, _, expansion = line.partition("\t")
        ours[form] = expansion
    indonlp = {k.lower(): v.lower() for k, v in SLANG_DATA.items()}
    total = sum(counts.values())
    by_indonlp = Counter({w: n for w, n in counts.items() if w in indonlp and w not in ours})
    by_ours = Counter({w: n for w, n in counts.items() if w in ours})
    overridden = Counter(
        {w: n for w, n in counts.items() if w in ours and w in indonlp and indonlp[w] != ours[w]}
    )
    print(f"word tokens: {total:,}; distinct: {len(counts):,}")
    print(
        f"rewritten by indoNLP only: {sum(by_indonlp.values()):,} tokens "
        f"({sum(by_indonlp.values()) / total:.1%}), {len(by_indonlp):,} distinct forms"
    )
    print(
        f"handled by the Triase domain list: {sum(by_ours.values()):,} tokens "
        f"({sum(by_ours.values()) / total:.1%}), {len(by_ours):,} distinct forms"
    )
    print(f"of which indoNLP would have rewritten differently: {sum(overridden.values()):,} tokens")
    print(
        "top indoNLP forms:", ", ".join(f"{w}→{indonlp[w]}" for w, _ in by_indonlp.most_common(15))
    )
    print(
        "top overrides:",
        ", ".join(f"{w}: {indonlp[w]}→{ours[w]}" for w, _ in overridden.most_common(10)),
    )


if __name__ == "__main__":
    main()
