"""Reading complaint tables from CSV, JSONL or Excel, with one clear error for each problem."""

from __future__ import annotations

import argparse
from pathlib import Path
from zipfile import BadZipFile

import pandas as pd

from triage import Columns, DataFileError, InputError

READERS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json", ".xlsx": "excel"}


def read_table(path: str | Path) -> pd.DataFrame:
    """Read a complaint table; every failure becomes a :class:`DataFileError`."""
    path = Path(path)
    if not path.is_file():
        raise DataFileError(f"{path}: no such file")
    kind = READERS.get(path.suffix.lower())
    if kind is None:
        raise DataFileError(
            f"{path}: unknown format {path.suffix!r}; use one of {', '.join(sorted(READERS))}"
        )
    if path.stat().st_size == 0:
        raise DataFileError(f"{path}: the file is empty")
    try:
        if kind == "csv":
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
        elif kind == "jsonl":
            frame = pd.read_json(path, lines=True, dtype=False)
        elif kind == "json":
            frame = pd.read_json(path, dtype=False)
        else:
            frame = pd.read_excel(path, dtype=str)
    except (ValueError, UnicodeDecodeError, pd.errors.ParserError, OSError, BadZipFile) as exc:
        # BadZipFile: an .xlsx that is not a whole zip archive (truncated or renamed).
        raise DataFileError(f"{path}: cannot be read as {kind}: {exc}") from exc
    except ImportError as exc:
        raise DataFileError(f"{path}: reading {kind} needs {exc.name}") from exc
    if frame.empty:
        raise DataFileError(f"{path}: no rows")
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame


def add_column_arguments(
    parser: argparse.ArgumentParser, labels: bool = True, window: bool = False
) -> None:
    """The column flags shared by train, evaluate and predict (and the date window)."""
    if window:
        parser.add_argument("--since", help="use only rows from this date on (YYYY-MM-DD)")
        parser.add_argument("--until", help="use only rows up to this date (YYYY-MM-DD)")
        parser.add_argument(
            "--target-accuracy", type=float, default=0.95, help="accuracy of auto-routed share"
        )
    parser.add_argument("--text-col", default="text", help="column with the complaint text")
    parser.add_argument("--title-col", default="title", help="column with the title (optional)")
    parser.add_argument("--date-col", default="created_at", help="column with the date (optional)")
    if labels:
        parser.add_argument("--opd-col", default="opd", help="column with the agency label")
        parser.add_argument("--topic-col", default="topic", help="column with the topic label")


def columns_from_args(args: argparse.Namespace) -> Columns:
    """Columns named on the command line."""
    return Columns(
        text=args.text_col,
        title=args.title_col,
        opd=getattr(args, "opd_col", None),
        topic=getattr(args, "topic_col", None),
        date=args.date_col,
    )


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
