"""Reading complaint tables: every format, and one DataFileError for each way a file is bad."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from triage import DataFileError, read_table

ROWS = [{"id": "1", "text": "jalan rusak", "title": "NA"}, {"id": "2", "text": "banjir"}]


def write(path: Path) -> Path:
    frame = pd.DataFrame(ROWS)
    if path.suffix == ".csv":
        frame.to_csv(path, index=False)
    elif path.suffix in (".jsonl", ".ndjson"):
        frame.to_json(path, orient="records", lines=True)
    elif path.suffix == ".json":
        frame.to_json(path, orient="records")
    else:
        frame.to_excel(path, index=False)
    return path


@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".ndjson", ".json", ".xlsx"])
def test_every_format_reads_the_same_rows(tmp_path: Path, suffix: str) -> None:
    frame = read_table(write(tmp_path / f"complaints{suffix}"))
    assert list(frame.columns) == ["id", "text", "title"]
    assert frame["text"].tolist() == ["jalan rusak", "banjir"]
    assert str(frame["id"].iloc[0]) == "1"


def test_csv_keeps_text_that_looks_missing_and_blanks_as_missing(tmp_path: Path) -> None:
    frame = read_table(write(tmp_path / "complaints.csv"))
    assert frame["title"].iloc[0] == "NA"
    assert pd.isna(frame["title"].iloc[1])


def test_column_names_are_stripped(tmp_path: Path) -> None:
    path = tmp_path / "complaints.csv"
    path.write_text(" id , text \n1,jalan rusak\n", encoding="utf-8")
    assert list(read_table(path).columns) == ["id", "text"]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.csv", None, "no such file"),
        ("complaints.txt", b"id,text\n1,a\n", "unknown format '.txt'"),
        ("empty.csv", b"", "the file is empty"),
        ("header.csv", b"id,text\n", "no rows"),
        ("broken.xlsx", b"PK\x03\x04 not a workbook", "cannot be read as excel"),
        ("broken.json", b"{not json", "cannot be read as json"),
        ("latin.csv", b"id,text\n1,\xe9\xff\n", "cannot be read as csv"),
    ],
)
def test_bad_files_are_data_file_errors(
    tmp_path: Path, name: str, content: bytes | None, message: str
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(DataFileError, match=message):
        read_table(path)
