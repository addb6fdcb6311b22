"""The national registry of external bodies: who holds the affairs a city does not.

Shipped as ``triage/resources/external_bodies.csv`` (``key,name,holds,contact,level``); a
malformed row raises :class:`~triage.errors.DataFileError` naming the file and the row, and
nothing of that file is returned.
"""

from __future__ import annotations

import csv
import functools
import re
import types
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from triage.errors import DataFileError

LEVELS = frozenset({"national", "provincial", "state_enterprise", "joint", "private"})
_COLUMNS = ("key", "name", "holds", "contact", "level")
_KEY = re.compile(r"[A-Z][A-Z0-9_]*")
REGISTRY_FILE = "external_bodies.csv"


@dataclass(frozen=True)
class ExternalBody:
    """One body outside the city government, as citizens should be told about it.

    Attributes
    ----------
    key : str
        Stable identifier, upper case (``"PLN"``, ``"PROV_PENDIDIKAN"``).
    name : str
        The body's name as a citizen would recognise it.
    holds : str
        The affairs it holds, in a few words.
    contact : str
        How citizens reach it.
    level : str
        One of ``national``, ``provincial``, ``state_enterprise``, ``joint``, ``private``;
        a ``provinsi`` tenant holds the ``provincial`` ones itself.
    """

    key: str
    name: str
    holds: str
    contact: str
    level: str


def data_rows(
    text: str, source: str, columns: tuple[str, ...]
) -> Iterator[tuple[int, dict[str, str]]]:
    """Rows of a small CSV data file as (line number, row), after its ``#`` comment lines.

    Raises :class:`DataFileError` naming ``source`` when the header is not ``columns`` or a
    row has another number of fields; values are stripped of surrounding spaces.
    """
    # Each line is parsed alone, so that an error names the row as an editor shows it (a
    # quoted field may not span lines in these files).
    rows: list[tuple[int, list[str]]] = []
    for line_no, line in enumerate(text.splitlines(), 1):
        if line.strip() and not line.startswith("#"):
            try:
                rows.append((line_no, next(csv.reader([line], strict=True))))
            except csv.Error as exc:
                raise DataFileError(f"{source}, line {line_no}: {exc}") from exc
    if not rows:
        raise DataFileError(f"{source}: no header row")
    (header_no, header_fields), *body = rows
    header = tuple(field.strip().lower() for field in header_fields)
    if header != columns:
        raise DataFileError(
            f"{source}, line {header_no}: header must be {','.join(columns)}, "
            f"not {','.join(header)}"
        )
    for line_no, fields in body:
        if len(fields) != len(columns):
            raise DataFileError(
                f"{source}, line {line_no}: {len(fields)} fields, expected {len(columns)}"
            )
        yield line_no, {c: f.strip() for c, f in zip(columns, fields, strict=True)}


def read_data_text(path: str | Path | None, default: str) -> tuple[str, str]:
    """Text and display name of ``path``, or of the packaged resource ``default``."""
    if path is None:
        return resources.files("triage.resources").joinpath(default).read_text("utf-8"), default
    try:
        return Path(path).read_text(encoding="utf-8"), str(path)
    except (OSError, UnicodeDecodeError) as exc:
        raise DataFileError(f"{path}: cannot read ({exc.__class__.__name__})") from exc


def load_external_bodies(path: str | Path | None = None) -> Mapping[str, ExternalBody]:
    """Read and validate a registry of external bodies.

    Parameters
    ----------
    path : str or Path, optional
        A registry CSV; the one shipped with Triase when omitted.

    Returns
    -------
    Mapping of str to ExternalBody
        Bodies by key, in file order.

    Raises
    ------
    DataFileError
        The file cannot be read, its header is wrong, or a row has a bad key, an empty
        field, an unknown level or a key already seen; the message names the row.
    """
    text, source = read_data_text(path, REGISTRY_FILE)
    bodies: dict[str, ExternalBody] = {}
    for line_no, row in data_rows(text, source, _COLUMNS):
        where = f"{source}, line {line_no}"
        if not _KEY.fullmatch(row["key"]):
            raise DataFileError(f"{where}: key {row['key']!r} is not upper-case A-Z, 0-9, _")
        if row["key"] in bodies:
            raise DataFileError(f"{where}: key {row['key']} appears twice")
        empty = [c for c in _COLUMNS if not row[c]]
        if empty:
            raise DataFileError(f"{where}: empty {', '.join(empty)}")
        if row["level"] not in LEVELS:
            raise DataFileError(
                f"{where}: level {row['level']!r} is not one of {', '.join(sorted(LEVELS))}"
            )
        bodies[row["key"]] = ExternalBody(**row)
    if not bodies:
        raise DataFileError(f"{source}: no bodies")
    return types.MappingProxyType(bodies)


@functools.cache
def default_external_bodies() -> Mapping[str, ExternalBody]:
    """The shipped registry, read and validated once per process."""
    return load_external_bodies()
