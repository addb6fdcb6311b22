"""Speed of the triage pipeline on real complaints: training, classification, stemming.

    .venv/bin/python benchmarks/bench_pipeline.py [--data ../shared/data/surabaya-...csv]
                                                  [--repeats 3] [--checks]
                                                  [--registry 50 | --registry FILE]

Trains on 2022 (timed), saves the model, then measures in fresh single-core processes
(``--repeats`` of each; median and range shown): complaints routed per second from raw text
to RoutingDecision (both heads) with a cold process (only the word tables shipped inside
the model: the stems and character n-gram columns of its training words) and with every
cache emptied (each word stemmed and counted anew), and
first-pass stemming throughput on words never seen before against the naive way (Sastrawi's
``stem()`` called on each whole document).  ``--checks`` also routes, alternating with the
cold runs, with the conduct check and the authority decision switched off (patched out in
the benchmark process only), to show what the two checks cost; CPU seconds of the process
beside wall seconds, since a shared machine moves wall time more.  Prints a markdown
table; no complaint text.

``--registry`` trains the model with its registry layer (through Surabaya's registry) and
routes instead through another registry: a number builds one of that many agencies
(Surabaya's 36 and made-up ones for the rest, each holding one urusan); a path reads that
file.  Each fresh process then loads the model, reads the registry and routes 32,000
complaints (the 2023 ones over and over, in batches of 256), start-up included.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared/data/surabaya-2022-01_2023-03.csv"
SPLIT = "2023-01-01"


def _one_core() -> None:
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})


def _load(data: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    from triage import read_table

    frame = read_table(data)
    return frame[frame.created_at < SPLIT], frame[frame.created_at >= SPLIT]


def measure_classify(model_dir: str, data: str, mode: str) -> dict[str, float]:
    """In a fresh process: route the 2023 complaints in batches of 256 on one core."""
    _one_core()
    from triage import load_model
    from triage.text.normalization import clear_stem_cache

    _, test = _load(Path(data))
    model = load_model(model_dir)
    if mode == "unchecked":
        import triage.routing.decision as decision

        decision.detect_conduct = _no_conduct
        decision._refer = _no_referral
    if mode == "no-cache":
        clear_stem_cache()
        union = model.pipeline.named_steps["features"].named_steps["union"]
        for _, vectorizer in union.transformer_list:
            if hasattr(vectorizer, "forget_words"):
                vectorizer.forget_words()

    def one_pass() -> tuple[int, float, float]:
        started, cpu = time.perf_counter(), time.process_time()
        n = 0
        for start in range(0, len(test), 256):
            n += len(model.decide_frame(test.iloc[start : start + 256]))
        return n, time.perf_counter() - started, time.process_time() - cpu

    n, seconds, cpu_seconds = one_pass()
    _, warm_seconds, _ = one_pass()  # the same complaints again: every word cached
    return {
        "complaints": n,
        "per_second": n / seconds,
        "cpu_per_second": n / cpu_seconds,
        "warm_per_second": n / warm_seconds,
    }


REGISTRY_COMPLAINTS = 32_000


def build_registry(n_agencies: int, path: Path) -> Path:
    """Surabaya's registry with made-up agencies up to ``n_agencies``, written to ``path``."""
    from triage.tenants.registry import URUSAN, shipped_registry

    lines = shipped_registry("surabaya").to_csv().splitlines()
    codes = sorted(URUSAN)
    for i in range(max(0, n_agencies - (len(lines) - 1))):
        code = codes[i % len(codes)]
        description = f'"Layanan {URUSAN[code]} wilayah {i + 1}"'
        lines.append(f"Unit Layanan {i + 1},{code},{description},UL{i + 1}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def measure_registry(model_dir: str, data: str, registry_path: str) -> dict[str, float]:
    """In a fresh process: load, read the registry, route 32,000 complaints, on one core."""
    _one_core()
    _, test = _load(Path(data))
    started, cpu = time.perf_counter(), time.process_time()
    from triage import load_model
    from triage.model.registry_layer import registry_decisions, registry_layer
    from triage.tenants.registry import load_registry

    model = load_model(model_dir)
    agencies = len(model.labels["opd"])
    if registry_path != "-":  # "-": the model's own heads, for comparison
        registry = load_registry(registry_path)
        prepared = registry_layer(model).prepare(model, registry)
        agencies = len(registry.agencies)
    n = 0
    while n < REGISTRY_COMPLAINTS:
        for start in range(0, len(test), 256):
            batch = test.iloc[start : start + min(256, REGISTRY_COMPLAINTS - n)]
            if registry_path == "-":
                n += len(model.decide_frame(batch))
            else:
                n += len(registry_decisions(model, prepared, batch))
            if n >= REGISTRY_COMPLAINTS:
                break
    return {
        "complaints": n,
        "agencies": agencies,
        "per_second": n / (time.perf_counter() - started),
        "cpu_per_second": n / (time.process_time() - cpu),
    }


def _no_conduct(text: str, lexicon: object = None) -> None:
    return None


def _no_referral(decision: object, text: str, settings: object) -> object:
    return decision


def measure_stemming(data: str) -> dict[str, float]:
    """In a fresh process: first-pass stemming of the 2023 words, none seen before.

    Ours: our tokens (masked, slang expanded, stopwords dropped) through ``stem()``, whose
    per-token cache starts empty.  Naive: Sastrawi's ``stem()`` called on each whole
    document, as most projects do (its own normalisation, its own per-word cache).  Bare:
    Sastrawi's uncached ``Stemmer`` on every word, what a cache saves.
    """
    _one_core()
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    from triage.text.normalization import _stemmer, clear_stem_cache, stem, tokens

    _, test = _load(Path(data))
    docs = list(test.text)
    words = [tokens(doc, stemming=False) for doc in docs]
    n_words = sum(len(w) for w in words)
    _stemmer()  # building the dictionary is a one-off start-up cost, not throughput
    clear_stem_cache()
    started = time.perf_counter()
    for doc_words in words:
        for word in doc_words:
            stem(word)
    ours = time.perf_counter() - started

    naive_stemmer = StemmerFactory().create_stemmer()
    started = time.perf_counter()
    naive_words = sum(len(naive_stemmer.stem(doc).split()) for doc in docs)
    naive = time.perf_counter() - started

    bare_stemmer = naive_stemmer.delegatedStemmer
    sample = [word for doc_words in words[:200] for word in doc_words]
    started = time.perf_counter()
    for word in sample:
        bare_stemmer.stem(word)
    bare = time.perf_counter() - started
    return {
        "words": n_words,
        "distinct_words": len({w for doc_words in words for w in doc_words}),
        "ours_words_per_second": n_words / ours,
        "naive_words_per_second": naive_words / naive,
        "bare_words_per_second": len(sample) / bare,
        "ratio": (n_words / ours) / (naive_words / naive),
    }


def _child(function: str, *args: str) -> dict[str, float]:
    here = str(Path(__file__).parent)
    code = (
        f"import json, sys; sys.path.insert(0, {here!r}); import bench_pipeline as b; "
        f"print(json.dumps(b.{function}(*sys.argv[1:])))"
    )
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
    out = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, check=True, env=env
    )
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def _spread(rates: list[float]) -> str:
    """Median of the runs, with their range when there are several."""
    middle = f"{statistics.median(rates):,.0f} /s"
    return middle if len(rates) == 1 else f"{middle} ({min(rates):,.0f}–{max(rates):,.0f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument(
        "--repeats", type=int, default=3, help="fresh routing processes per mode (median shown)"
    )
    parser.add_argument(
        "--checks",
        action="store_true",
        help="also route with the conduct and authority checks off, to show their cost",
    )
    parser.add_argument(
        "--registry",
        help="route through a registry: a number of agencies to build, or a registry CSV",
    )
    args = parser.parse_args()
    if args.registry:
        registry_main(args)
        return
    from triage import Columns, save_model, train_model

    train, _ = _load(args.data)
    _one_core()
    started = time.perf_counter()
    model = train_model(train, Columns(title=None))
    train_seconds = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as tmp:
        model_dir = str(Path(tmp) / "bench")
        save_model(model, model_dir)
        runs = []
        unchecked = []
        for _ in range(args.repeats):
            runs.append(
                (
                    _child("measure_classify", model_dir, str(args.data), "cold"),
                    _child("measure_classify", model_dir, str(args.data), "no-cache"),
                )
            )
            if args.checks:
                unchecked.append(_child("measure_classify", model_dir, str(args.data), "unchecked"))
    stemming = _child("measure_stemming", str(args.data))
    cold = _spread([run["per_second"] for run, _ in runs])
    warm = _spread([run["warm_per_second"] for run, _ in runs])
    bare = _spread([run["per_second"] for _, run in runs])
    cpu = _spread([run["cpu_per_second"] for run, _ in runs])
    rows = [
        (f"training on {len(train):,} complaints (hold-out fit + refit)", f"{train_seconds:.1f} s"),
        ("routing, fresh process with the model's word tables", cold),
        ("the same, per CPU second of the process", cpu),
        ("routing, second pass, warm caches", warm),
        ("routing, fresh process, every cache empty", bare),
        ("first-pass stemming, ours", f"{stemming['ours_words_per_second']:,.0f} words/s"),
        (
            "first-pass, Sastrawi stem() per document",
            f"{stemming['naive_words_per_second']:,.0f} words/s",
        ),
        ("Sastrawi Stemmer, no cache", f"{stemming['bare_words_per_second']:,.0f} words/s"),
        ("stemming ratio ours / naive", f"{stemming['ratio']:.1f}x"),
        ("words stemmed (distinct)", f"{stemming['words']:,} ({stemming['distinct_words']:,})"),
    ]
    if unchecked:
        off = [run["per_second"] for run in unchecked]
        off_cpu = [run["cpu_per_second"] for run in unchecked]
        on_cpu = [run["cpu_per_second"] for run, _ in runs]
        rows[3:3] = [
            ("routing, fresh process, conduct and authority checks off", _spread(off)),
            ("the same, per CPU second of the process", _spread(off_cpu)),
            (
                "checks' cost (median CPU rate, off / on - 1)",
                f"{statistics.median(off_cpu) / statistics.median(on_cpu) - 1:+.1%}",
            ),
        ]
    print("| measure | figure |")
    print("|---|---|")
    for name, figure in rows:
        print(f"| {name} | {figure} |")


def registry_main(args: argparse.Namespace) -> None:
    """Train with the registry layer, then route 32,000 complaints through ``--registry``."""
    from triage import Columns, save_model, train_model
    from triage.model.registry_layer import fit_registry_layer
    from triage.tenants.registry import shipped_registry

    train, _ = _load(args.data)
    _one_core()
    started = time.perf_counter()
    model = train_model(train, Columns(title=None))
    model.registry_layer = fit_registry_layer(model, train, shipped_registry("surabaya"))
    train_seconds = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as tmp:
        model_dir = str(Path(tmp) / "bench")
        save_model(model, model_dir)
        path = Path(args.registry)
        if args.registry.isdigit():
            path = build_registry(int(args.registry), Path(tmp) / "registry.csv")
        runs, plain = [], []
        for _ in range(args.repeats):  # alternating, so that a busy machine slows both
            runs.append(_child("measure_registry", model_dir, str(args.data), str(path)))
            plain.append(_child("measure_registry", model_dir, str(args.data), "-"))
    agencies = int(runs[0]["agencies"])
    print("| measure | figure |")
    print("|---|---|")
    print(f"| training with the registry layer on {len(train):,} complaints | "
          f"{train_seconds:.1f} s |")  # fmt: skip
    rate = _spread([r["per_second"] for r in runs])
    print(f"| routing {REGISTRY_COMPLAINTS:,} complaints through a {agencies}-agency registry, "
          f"fresh process, start-up included | {rate} |")  # fmt: skip
    print(f"| the same, per CPU second | {_spread([r['cpu_per_second'] for r in runs])} |")
    print(f"| the model's own heads, same complaints and process | "
          f"{_spread([r['per_second'] for r in plain])} |")  # fmt: skip
    print(f"| the same, per CPU second | {_spread([r['cpu_per_second'] for r in plain])} |")


if __name__ == "__main__":
    main()
