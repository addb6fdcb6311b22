"""How well masking holds against obfuscation, and what it costs on real complaints.

    .venv/bin/python benchmarks/masking_probe.py [--cases 3000] [--seed 0]
                                                 [--data ../shared/data/surabaya-...csv]

Draws ``--cases`` complaints with one phone number, NIK or e-mail address hidden in them
(tests/pii_cases.py: separators, brackets, look-alike letters, digits of other scripts,
invisible characters, spelt-out [at] and [dot]) and counts those a reader could still
recover after ``mask_personal_data``, per kind and per obfuscation. It imports whichever
``triage`` is first on the path, so the same cases measure an older checkout too. With
``--data``: complaints masked per second (median of 5 passes), how many complaints
masking changes (and how many of those only lose invisible characters), placeholders.
Prints markdown tables; no complaint text.
"""

from __future__ import annotations

import argparse
import collections
import importlib.util
import statistics
import sys
import time
from pathlib import Path
from types import ModuleType

import pandas as pd
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

from triage.text import mask_personal_data


def _pii_cases() -> ModuleType:
    # Loaded by path: putting this checkout on sys.path would shadow the triage under test.
    path = Path(__file__).resolve().parents[1] / "tests" / "pii_cases.py"
    spec = importlib.util.spec_from_file_location("pii_cases", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules["pii_cases"] = module
    spec.loader.exec_module(module)
    return module


def probe(cases: int, seed_value: int) -> tuple[collections.Counter[str], ...]:
    pii = _pii_cases()
    drawn: collections.Counter[str] = collections.Counter()
    survived: collections.Counter[str] = collections.Counter()

    @seed(seed_value)
    @settings(
        max_examples=cases,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(st.sampled_from(["telepon", "nik", "email"]).flatmap(pii.complaints_with))
    def run(case: object) -> None:
        keys = [f"kind {case.kind}", *(f"with {o}" for o in case.obfuscations), "all"]  # type: ignore[attr-defined]
        drawn.update(keys)
        if pii.survives(case, mask_personal_data(case.text)):  # type: ignore[attr-defined]
            survived.update(keys)

    run()
    return drawn, survived


def real_data(path: Path) -> dict[str, float]:
    texts = list(pd.read_csv(path, dtype=str, keep_default_na=False).text)
    rates = []
    for _ in range(5):
        started = time.perf_counter()
        masked = [mask_personal_data(text) for text in texts]
        rates.append(len(texts) / (time.perf_counter() - started))
    changed = sum(a != b for a, b in zip(texts, masked, strict=True))
    # Only in checkouts that fold invisible characters: complaints that lost nothing else.
    fold = getattr(importlib.import_module("triage.text"), "fold_invisible", None)
    invisible = sum(a != b == fold(a) for a, b in zip(texts, masked, strict=True)) if fold else 0
    tokens = {
        t: sum(m.count(t) for m in masked) for t in ("[email]", "[url]", "[nik]", "[telepon]")
    }
    return {
        "complaints": len(texts),
        "per_second": statistics.median(rates),
        "changed": changed,
        "changed by invisible characters only": invisible,
        **tokens,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--data", type=Path)
    args = parser.parse_args()
    drawn, survived = probe(args.cases, args.seed)
    print("| cases | drawn | recoverable after masking |")
    print("|---|---|---|")
    for key in sorted(drawn, key=lambda k: (k != "all", k)):
        print(f"| {key} | {drawn[key]:,} | {survived[key]:,} |")
    if args.data:
        figures = real_data(args.data)
        print()
        print("| real complaints | figure |")
        print("|---|---|")
        for name, value in figures.items():
            print(f"| {name} | {value:,.0f} |")


if __name__ == "__main__":
    main()
