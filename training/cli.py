"""The ``triage`` command: one sub-command per job, each defined in its own module."""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence

from triage.errors import TriageError

# Each module exposes ``register(subparsers)``, which adds its sub-command and sets
# ``func(args) -> int`` as the parser default.  build_parser imports them all: a module that
# fails to import stops every command, as the CLI tests would show.  Named by string so that
# training/ (the analysts' commands) and ops/ (the operators') never import each other.
COMMAND_MODULES: tuple[str, ...] = (
    "training.sample_cmd",
    "training.train_cmd",
    "training.evaluate_cmd",
    "training.predict_cmd",
    "training.spikes_cmd",
    "ops.db_cmd",
    "ops.keys_cmd",
    "ops.alerts_cmd",
    "ops.digest_cmd",
    "ops.complaints_cmd",
    "ops.tenants_cmd",
    "ops.import_cmd",
    "training.models_cmd",
    "training.drift_cmd",
    "training.incidents_cmd",
)


def build_parser() -> argparse.ArgumentParser:
    """Build the top-level parser with every registered sub-command."""
    parser = argparse.ArgumentParser(
        prog="triage", description="Triage Indonesian public-service complaints."
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the process exit code (0 ok, 1 failed, 2 bad usage)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args))
    except (TriageError, OSError) as exc:
        # OSError: what the early checks of paths cannot foresee (a full disk, a folder
        # removed meanwhile) still ends in one line.
        print(f"triage {args.command}: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"triage {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
