"""What the analysts' commands share: column and date-window flags, output checks, number types.

Reading the tables themselves is the library's job (:func:`triage.read_table`).
"""

from __future__ import annotations

import argparse
import math
import tempfile
from pathlib import Path

import pandas as pd

from triage import Columns, InputError
from triage.tenants.registry import AgencyRegistry, load_registry, shipped_registry


def add_column_arguments(
    parser: argparse.ArgumentParser, labels: bool = True, window: bool = False
) -> None:
    """The column flags shared by train, evaluate and predict (and the date window)."""
    if window:
        parser.add_argument("--since", help="use only rows from this date on (YYYY-MM-DD)")
        parser.add_argument("--until", help="use only rows up to this date (YYYY-MM-DD)")
        parser.add_argument(
            "--target-accuracy",
            type=accuracy,
            default=0.95,
            help="accuracy the auto-routed share must reach (0.95)",
        )
    # No defaults here: columns_from_args fills them in, and a column named with a flag must
    # exist (check_named_columns), while a default one may be absent.
    parser.add_argument("--text-col", help="column with the complaint text (text)")
    parser.add_argument("--title-col", help="column with the title, optional (title)")
    parser.add_argument("--date-col", help="column with the date, optional (created_at)")
    if labels:
        parser.add_argument("--opd-col", help="column with the agency label (opd)")
        parser.add_argument("--topic-col", help="column with the topic label (topic)")


# Each field of Columns that a --<field>-col flag names.
_COLUMN_FIELDS: tuple[str, ...] = ("text", "title", "date", "opd", "topic")


def columns_from_args(args: argparse.Namespace) -> Columns:
    """Columns named on the command line, the defaults of :class:`Columns` for the rest.

    A command without label flags (predict) has no label columns.
    """
    defaults = Columns()
    return Columns(
        text=args.text_col or defaults.text,
        title=args.title_col or defaults.title,
        opd=(args.opd_col or defaults.opd) if hasattr(args, "opd_col") else None,
        topic=(args.topic_col or defaults.topic) if hasattr(args, "topic_col") else None,
        date=args.date_col or defaults.date,
    )


def check_named_columns(args: argparse.Namespace, frame: pd.DataFrame) -> None:
    """Refuse a column named with a flag that the table lacks.

    A default column may be absent (a file without titles); a named one is a typo that would
    otherwise pass silently, e.g. a misspelt ``--opd-col`` trains a model without OPD head.
    """
    named = {field: getattr(args, f"{field}_col", None) for field in _COLUMN_FIELDS}
    missing = [
        f"--{field}-col {name!r}"
        for field, name in named.items()
        if name is not None and name not in frame.columns
    ]
    if missing:
        present = ", ".join(map(str, frame.columns))
        raise InputError(f"no such column: {', '.join(missing)}; columns are: {present}")


def filter_dates(
    frame: pd.DataFrame, column: str | None, since: str | None, until: str | None
) -> pd.DataFrame:
    """Rows whose date falls in [since, until] (inclusive days); bad dates are an InputError."""
    if not since and not until:
        return frame
    if not column or column not in frame.columns:
        raise InputError(f"--since/--until need a date column; {column!r} is not in the data")
    dates = pd.to_datetime(frame[column], errors="coerce", format="mixed")
    keep = dates.notna()
    for bound, name in ((since, "--since"), (until, "--until")):
        if not bound:
            continue
        try:
            when = pd.Timestamp(bound)
        except ValueError as exc:
            raise InputError(f"{name} {bound!r} is not a date (use YYYY-MM-DD)") from exc
        if name == "--since":
            keep &= dates >= when
        else:
            keep &= dates < when + pd.Timedelta(days=1)
    selected = frame[keep.to_numpy()]
    if selected.empty:
        raise InputError(f"no rows between {since or 'the start'} and {until or 'the end'}")
    return selected


def check_writable(value: str | Path, flag: str, *, directory: bool = False) -> Path:
    """Refuse, before any work, an output path that cannot be written.

    The nearest existing folder on the way to ``value`` must accept a new entry (tried with
    a temporary folder, removed at once): a model trained for minutes is not lost to a typo.
    """
    path = Path(value)
    if directory and path.exists() and not path.is_dir():
        raise InputError(f"{flag} {path}: exists and is not a folder")
    if not directory and path.is_dir():
        raise InputError(f"{flag} {path}: is a folder, not a file")
    start = path if directory else path.parent
    existing = next(p for p in (start, *start.parents) if p.exists())
    if not existing.is_dir():
        raise InputError(f"{flag} {path}: {existing} is not a folder")
    try:
        Path(tempfile.mkdtemp(prefix=".triage-probe-", dir=existing)).rmdir()
    except OSError as exc:
        raise InputError(f"{flag} {path}: cannot write in {existing} ({exc.strerror})") from None
    return path


def positive_float(value: str) -> float:
    """argparse type: a finite number above zero."""
    number = _finite(value)
    if number <= 0:
        raise argparse.ArgumentTypeError(f"must be above 0, got {value}")
    return number


def share(value: str) -> float:
    """argparse type: a finite number in [0, 1)."""
    number = _finite(value)
    if not 0 <= number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 0 and below 1, got {value}")
    return number


def _finite(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None
    if not math.isfinite(number):
        raise argparse.ArgumentTypeError(f"must be a finite number, got {value}")
    return number


def accuracy(value: str) -> float:
    """argparse type: a finite number above 0 and at most 1."""
    number = _finite(value)
    if not 0 < number <= 1:
        raise argparse.ArgumentTypeError(f"must be above 0 and at most 1, got {value}")
    return number


def named_registry(args: argparse.Namespace) -> AgencyRegistry | None:
    """The agency registry named by ``--tenant`` (a shipped one) or ``--registry FILE``, read
    and validated; None when neither is given."""
    if getattr(args, "tenant", None):
        return shipped_registry(args.tenant)
    if getattr(args, "registry", None):
        return load_registry(args.registry)
    return None
