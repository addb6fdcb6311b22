"""A labelled table for training: our own complaint tables as they are, a LAPOR! export
translated into the training columns."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from triage.periods import LOCAL_TIME
from triage.sources.lapor import LaporRow, is_lapor_export, lapor_rows
from triage.tables import read_table

# The training columns a LAPOR! export becomes (the defaults of triage.Columns, and more).
TRAINING_COLUMNS = ("id", "created_at", "title", "text", "kecamatan", "opd", "topic", "klasifikasi")


def read_labelled_table(path: str | Path) -> pd.DataFrame:
    """Read a training table; a LAPOR! export (told by its columns) comes translated.

    A LAPOR! export becomes ``title`` = Judul Laporan, ``text`` = Isi Laporan Awal (the model
    reads them as one text), ``opd`` = Instansi Terdisposisi, ``topic`` = Kategori,
    ``created_at`` in Asia/Jakarta time without offset (as in our complaint files), and
    ``klasifikasi``; every report class is kept, the reporter's identity never.

    Raises
    ------
    DataFileError
        As :func:`triage.read_table`, and for an export that lacks a column or has rows that
        cannot be read (:class:`triage.sources.lapor.LaporFileError`).
    """
    frame = read_table(path)
    if not is_lapor_export(frame.columns):
        return frame
    return training_frame(lapor_rows(frame, path))


def training_frame(rows: Sequence[LaporRow]) -> pd.DataFrame:
    """LAPOR! rows in the training columns (see :func:`read_labelled_table`)."""
    records = [
        {
            "id": row.tracking_id,
            "created_at": row.created_at.astimezone(LOCAL_TIME).strftime("%Y-%m-%dT%H:%M:%S"),
            "title": row.title,
            "text": row.text,
            "kecamatan": row.kecamatan,
            "opd": row.agency,
            "topic": row.topic,
            "klasifikasi": row.klasifikasi.value,
        }
        for row in rows
    ]
    return pd.DataFrame(records, columns=list(TRAINING_COLUMNS))
