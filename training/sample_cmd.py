"""``triage sample``: write the synthetic Bandung complaint corpus and its spike ground truth."""

from __future__ import annotations

import argparse
import logging
import time
from pathlib import Path
from typing import Any

from training.arguments import check_writable
from triage.errors import InputError
from triage.sample.generator import generate_sample, write_sample

log = logging.getLogger(__name__)


def register(subparsers: Any) -> None:
    """Add the ``sample`` sub-command."""
    parser = subparsers.add_parser(
        "sample",
        help="generate a labelled synthetic complaint corpus",
        description=(
            "Write FILE.csv (id, created_at, channel, kecamatan, kelurahan, title, text, opd, "
            "topic) and the injected spikes beside it as FILE.spikes.csv."
        ),
    )
    parser.add_argument("--out", type=Path, required=True, metavar="FILE.csv")
    parser.add_argument("--rows", type=int, default=10000, help="number of complaints")
    parser.add_argument("--seed", type=int, default=0, help="random seed (same seed, same file)")
    parser.add_argument("--start", default="2022-01-01", help="first day, YYYY-MM-DD")
    parser.add_argument("--end", default="2024-12-31", help="last day, YYYY-MM-DD")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Generate and write the corpus; return the exit code."""
    if args.out.suffix.lower() != ".csv":
        raise InputError(f"--out must name a .csv file, not {args.out.name!r}")
    check_writable(args.out, "--out")
    began = time.perf_counter()
    corpus = generate_sample(rows=args.rows, seed=args.seed, start=args.start, end=args.end)
    log.info("generated %d rows in %.1f s", len(corpus.complaints), time.perf_counter() - began)
    out, spikes = write_sample(corpus, args.out)
    print(
        f"wrote {len(corpus.complaints)} complaints to {out} "
        f"and {len(corpus.spikes)} spikes to {spikes}"
    )
    return 0
