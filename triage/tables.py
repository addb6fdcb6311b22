"""Reading complaint tables (CSV, JSON Lines, JSON, Excel), with one clear error per problem."""

from __future__ import annotations

from pathlib import Path
from zipfile import BadZipFile

import pandas as pd

from triage.errors import DataFileError

# File suffix -> the reader used for it.
READERS: dict[str, str] = {
    ".csv": "csv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
    ".xlsx": "excel",
}


def read_table(path: str | Path) -> pd.DataFrame:
    """Read a complaint table, every cell as text.

    Parameters
    ----------
    path : str or Path
        A ``.csv``, ``.jsonl`` / ``.ndjson``, ``.json`` or ``.xlsx`` file (see :data:`READERS`).
        CSV and Excel cells are read as strings; an empty CSV cell is missing (NaN), so an
        empty title is told apart from the text ``"NA"``.

    Returns
    -------
    DataFrame
        The rows, with column names stripped of surrounding spaces.

    Raises
    ------
    DataFileError
        When the file is missing, empty, of an unknown format, unreadable as its format
        (e.g. a truncated workbook), needs a reader that is not installed, or has no rows.
    """
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
    except (
        ValueError,
        UnicodeDecodeError,
        pd.errors.ParserError,
        OSError,
        BadZipFile,
        KeyError,
    ) as exc:
        # BadZipFile: an .xlsx that is not a whole zip archive (truncated or renamed);
        # KeyError: a zip archive without the parts of a workbook.
        raise DataFileError(f"{path}: cannot be read as {kind}: {exc}") from exc
    except ImportError as exc:
        raise DataFileError(f"{path}: reading {kind} needs {exc.name}") from exc
    if frame.empty:
        raise DataFileError(f"{path}: no rows")
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame
