"""An SP4N-LAPOR! export (xlsx or csv) as validated rows, or the list of rows it cannot read.

Column names compare case- and space-insensitively.  Dates are Asia/Jakarta wall time (as the
export shows them, or as Excel datetimes) and come back in UTC.  LAPOR!'s Status becomes a
:class:`triage.casework.lifecycle.State` (see :data:`STATUS_STATES`).  The reporter's identity
columns an export may carry ("Nama Pelapor", "No HP", "Email", ...) are read only to mask
their values in the title and text, and are never returned.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path

import pandas as pd

from triage.casework.lifecycle import State
from triage.errors import DataFileError
from triage.periods import LOCAL_TIME
from triage.tables import read_table
from triage.text.masking import holds_personal_data, mask_personal_data

SOURCE = "lapor"
# Field -> the column's name in the export.
COLUMNS: dict[str, str] = {
    "tracking_id": "Tracking ID",
    "title": "Judul Laporan",
    "text": "Isi Laporan Awal",
    "created_at": "Tanggal/Waktu Laporan Masuk",
    "category": "Kategori",
    "klasifikasi": "Klasifikasi Laporan",
    "agency": "Instansi Terdisposisi",
    "status": "Status",
    "anonim": "Anonim",
    "rahasia": "Rahasia",
    "kecamatan": "Kecamatan",
    "kelurahan": "Kelurahan",
}
OPTIONAL = frozenset({"kecamatan", "kelurahan"})
# The two columns that tell a LAPOR! export from our own complaint tables.
SIGNATURE = ("tracking_id", "text")
# Reporter identity an export may carry: read to mask in the text, never kept.  Name columns
# become "[nama]", contact columns "[kontak]".
NAME_COLUMNS = ("Nama Pelapor", "Nama", "Pelapor")
CONTACT_COLUMNS = (
    "No HP",
    "No. HP",
    "Nomor HP",
    "No Telepon",
    "Telepon",
    "Email",
    "E-mail",
    "NIK",
    "Alamat",
    "Alamat Pelapor",
)
NAME_TOKEN, CONTACT_TOKEN = "[nama]", "[kontak]"
# Bad rows listed in an error before "and N more".
SHOWN_ERRORS = 20


class Klasifikasi(StrEnum):
    """What a LAPOR! report is: only a pengaduan is a complaint to route."""

    PENGADUAN = "pengaduan"
    ASPIRASI = "aspirasi"
    PERMINTAAN_INFORMASI = "permintaan_informasi"


S = State
# LAPOR!'s Status (lower case, single spaces) -> our lifecycle state.
STATUS_STATES: dict[str, State] = {
    "belum terverifikasi": S.BELUM_TERVERIFIKASI,
    "menunggu kelengkapan": S.MENUNGGU_KELENGKAPAN,
    "menunggu kelengkapan data": S.MENUNGGU_KELENGKAPAN,
    "terverifikasi": S.TERVERIFIKASI,
    "belum terdisposisi": S.TERVERIFIKASI,
    "terdisposisi": S.TERDISPOSISI,
    "belum ditindaklanjuti": S.TERDISPOSISI,
    "proses": S.DITINDAKLANJUTI,
    "diproses": S.DITINDAKLANJUTI,
    "sedang diproses": S.DITINDAKLANJUTI,
    "ditindaklanjuti": S.DITINDAKLANJUTI,
    "selesai": S.SELESAI,
    "arsip": S.DIARSIPKAN,
    "diarsipkan": S.DIARSIPKAN,
    "ditutup sistem": S.DITUTUP_SISTEM,
    "ditutup oleh sistem": S.DITUTUP_SISTEM,
}
_KLASIFIKASI = {
    "pengaduan": Klasifikasi.PENGADUAN,
    "aspirasi": Klasifikasi.ASPIRASI,
    "permintaaninformasi": Klasifikasi.PERMINTAAN_INFORMASI,
}
_YES = frozenset({"ya", "y", "yes", "true", "1"})
_NO = frozenset({"tidak", "t", "no", "n", "false", "0"})
_DATE_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d-%m-%Y %H:%M:%S",
    "%d-%m-%Y %H:%M",
    "%Y-%m-%d",
    "%d/%m/%Y",
    "%d-%m-%Y",
)
# Excel's day 0 (with its 1900 leap-year bug folded in) and the serials of 2000 and 2100.
_EXCEL_EPOCH = datetime(1899, 12, 30)
_EXCEL_SERIALS = (36526.0, 73051.0)
_SERIAL = re.compile(r"\d{5}(?:\.\d+)?")


@dataclass(frozen=True)
class LaporRow:
    """One readable report of the export: masked text, the time in UTC, its lifecycle state."""

    row: int
    tracking_id: str
    title: str | None
    text: str
    created_at: datetime
    topic: str | None
    klasifikasi: Klasifikasi
    agency: str | None
    lapor_status: str
    state: State
    anonim: bool
    rahasia: bool
    kecamatan: str | None
    # Optional in an export; without it an imported complaint can be a duplicate but never
    # join an incident (which needs the kelurahan).
    kelurahan: str | None = None


@dataclass(frozen=True)
class RowError:
    """A row that cannot be read, by its spreadsheet row number (the header is row 1)."""

    row: int
    message: str

    def __str__(self) -> str:
        return f"row {self.row}: {self.message}"


class LaporFileError(DataFileError):
    """An export with rows that cannot be read; ``errors`` holds every one of them."""

    def __init__(self, path: str | Path, errors: Sequence[RowError]) -> None:
        self.errors = tuple(errors)
        super().__init__(describe_errors(path, self.errors))


def describe_errors(path: str | Path, errors: Sequence[RowError]) -> str:
    """The message for bad rows: a count, then up to :data:`SHOWN_ERRORS` of them."""
    shown = [f"  {error}" for error in errors[:SHOWN_ERRORS]]
    if len(errors) > SHOWN_ERRORS:
        shown.append(f"  and {len(errors) - SHOWN_ERRORS} more")
    noun = "row" if len(errors) == 1 else "rows"
    return "\n".join([f"{path}: {len(errors)} {noun} cannot be read; nothing was loaded", *shown])


def column_key(name: object) -> str:
    """A column name as compared: lower case, without any spaces."""
    return re.sub(r"\s+", "", str(name)).casefold()


def is_lapor_export(columns: Iterable[object]) -> bool:
    """Whether a table with these columns is a LAPOR! export (it has Tracking ID and Isi)."""
    keys = {column_key(c) for c in columns}
    return all(column_key(COLUMNS[field]) in keys for field in SIGNATURE)


def read_lapor(path: str | Path) -> tuple[LaporRow, ...]:
    """Read and check a whole LAPOR! export.

    Parameters
    ----------
    path : str or Path
        An ``.xlsx`` or ``.csv`` export.

    Returns
    -------
    tuple of LaporRow
        Every row, in file order.

    Raises
    ------
    DataFileError
        When the file cannot be read or lacks a column (one line naming it);
        :class:`LaporFileError` listing the rows that cannot be read.
    """
    return lapor_rows(read_table(path), path)


def lapor_rows(frame: pd.DataFrame, path: str | Path = "export") -> tuple[LaporRow, ...]:
    """The rows of an export already read as text (see :func:`read_lapor`)."""
    columns = _find_columns(frame.columns, path)
    identity = _identity_columns(frame.columns)
    rows: list[LaporRow] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    for position, record in enumerate(frame.to_dict("records")):
        number = position + 2
        values = {field: _cell(record.get(name)) for field, name in columns.items()}
        if not any(values.values()):
            continue  # a blank row between reports, as spreadsheets leave them
        secrets = {token: [_cell(record.get(n)) for n in names] for token, names in identity}
        try:
            row = _row(number, values, secrets)
        except _BadRow as exc:
            errors.append(RowError(number, str(exc)))
            continue
        first = seen.setdefault(row.tracking_id, number)
        if first != number:
            errors.append(RowError(number, f"Tracking ID repeats row {first}"))
            continue
        rows.append(row)
    if errors:
        raise LaporFileError(path, errors)
    return tuple(rows)


class _BadRow(Exception):
    """Why one row cannot be read (becomes a RowError)."""


def _find_columns(present: Iterable[object], path: str | Path) -> dict[str, str]:
    by_key = {column_key(c): str(c) for c in present}
    found, missing = {}, []
    for field, name in COLUMNS.items():
        column = by_key.get(column_key(name))
        if column is not None:
            found[field] = column
        elif field not in OPTIONAL:
            missing.append(name)
    if missing:
        noun = "column" if len(missing) == 1 else "columns"
        raise DataFileError(
            f"{path}: not a complete SP4N-LAPOR! export: missing {noun} "
            f"{', '.join(map(repr, missing))}"
        )
    return found


def _identity_columns(present: Iterable[object]) -> list[tuple[str, list[str]]]:
    by_key = {column_key(c): str(c) for c in present}
    groups = ((NAME_TOKEN, NAME_COLUMNS), (CONTACT_TOKEN, CONTACT_COLUMNS))
    return [
        (token, [by_key[column_key(n)] for n in names if column_key(n) in by_key])
        for token, names in groups
    ]


def _cell(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value).strip()


def _row(number: int, values: Mapping[str, str], secrets: Mapping[str, list[str]]) -> LaporRow:
    tracking_id = values["tracking_id"]
    if not tracking_id:
        raise _BadRow("Tracking ID is empty")
    if len(tracking_id) > 128 or holds_personal_data(tracking_id):
        raise _BadRow("Tracking ID is not an id (too long, or holds personal data)")
    text = _masked(values["text"], secrets)
    if not text:
        raise _BadRow(f"{COLUMNS['text']} is empty")
    status = re.sub(r"\s+", " ", values["status"]).casefold()
    if status not in STATUS_STATES:
        raise _BadRow(f"unknown Status {_shown(values['status'])}")
    klasifikasi = _KLASIFIKASI.get(column_key(values["klasifikasi"]))
    if klasifikasi is None:
        raise _BadRow(
            f"unknown Klasifikasi Laporan {_shown(values['klasifikasi'])}; "
            "expected Pengaduan, Aspirasi or Permintaan Informasi"
        )
    return LaporRow(
        row=number,
        tracking_id=tracking_id,
        title=_masked(values["title"], secrets) or None,
        text=text,
        created_at=_parse_time(values["created_at"]),
        topic=values["category"] or None,
        klasifikasi=klasifikasi,
        agency=values["agency"] or None,
        lapor_status=values["status"],
        state=STATUS_STATES[status],
        anonim=_flag("Anonim", values["anonim"]),
        rahasia=_flag("Rahasia", values["rahasia"]),
        kecamatan=mask_personal_data(values.get("kecamatan", "")) or None,
        kelurahan=mask_personal_data(values.get("kelurahan", "")) or None,
    )


def _shown(value: str) -> str:
    """A cell quoted in an error: masked and cut short, since it may be anything."""
    value = mask_personal_data(value)
    return repr(value if len(value) <= 40 else value[:40] + "...") if value else "(empty)"


def _masked(value: str, secrets: Mapping[str, list[str]]) -> str:
    """Free text with personal data masked, then the reporter's own name and contacts."""
    value = mask_personal_data(value)
    for token, found in secrets.items():
        for secret in sorted((s for s in found if len(s) >= 3), key=len, reverse=True):
            value = re.sub(rf"(?<!\w){re.escape(secret)}(?!\w)", token, value, flags=re.I)
    return value.strip()


def _flag(name: str, value: str) -> bool:
    key = value.casefold()
    if key in _YES:
        return True
    if key in _NO:
        return False
    raise _BadRow(f"{name} must be Ya or Tidak, not {_shown(value)}")


def _parse_time(value: str) -> datetime:
    """A LAPOR! date in Asia/Jakarta wall time (text or an Excel serial) as UTC; _BadRow else."""
    text = value.strip()
    if not text:
        raise _BadRow(f"{COLUMNS['created_at']} is empty")
    local: datetime | None = None
    if _SERIAL.fullmatch(text) and _EXCEL_SERIALS[0] <= float(text) < _EXCEL_SERIALS[1]:
        local = _EXCEL_EPOCH + timedelta(days=float(text))
        local = local.replace(microsecond=0)
    for pattern in _DATE_FORMATS if local is None else ():
        try:
            local = datetime.strptime(text, pattern)
            break
        except ValueError:
            continue
    if local is None:
        raise _BadRow(
            f"{COLUMNS['created_at']} {_shown(text)} is not a date "
            "(e.g. 2023-01-31 14:05:00 or 31/01/2023 14:05)"
        )
    return local.replace(tzinfo=LOCAL_TIME).astimezone(UTC)
