"""``triage spikes`` end to end on tiny files: both input forms, output format, bad input."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from training import cli

WEEKS = [5, 6, 4, 5, 7, 5, 6, 4, 5, 6, 5, 4, 6, 5, 5, 6, 4, 5, 30, 34, 5]
COLUMNS = ["group", "date", "observed", "expected", "upperbound", "score", "alert_id"]


@pytest.fixture(autouse=True)
def only_spikes_command(monkeypatch: pytest.MonkeyPatch) -> None:
    # The other sub-commands are not under test here; main() is, with its error handling.
    monkeypatch.setattr(cli, "COMMAND_MODULES", ("training.spikes_cmd",))


@pytest.fixture
def complaints_csv(tmp_path: Path) -> Path:
    rows = [
        {
            "id": f"{topic}-{week}-{i}",
            "created_at": f"{pd.Timestamp('2023-01-04') + pd.Timedelta(weeks=week):%Y-%m-%d} 08:15",
            "topic": topic,
            "kecamatan": "Coblong",
            "text": "banjir genangan" if topic == "banjir" else "jalan rusak",
        }
        for topic in ("banjir", "jalan")
        for week, n in enumerate(WEEKS if topic == "banjir" else WEEKS[:18] + [5, 6, 5])
        for i in range(n)
    ]
    path = tmp_path / "complaints.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


def test_complaints_file_gives_one_row_per_alerting_week(
    complaints_csv: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "alerts.csv"
    argv = ["spikes", "--input", str(complaints_csv), "--output", str(out)]
    code = cli.main([*argv, "--group-col", "topic", "--group-col", "kecamatan"])
    assert code == 0
    alerts = pd.read_csv(out)
    assert list(alerts.columns) == COLUMNS
    assert alerts["group"].tolist() == ["banjir|Coblong", "banjir|Coblong"]
    assert alerts["date"].tolist() == ["2023-05-08", "2023-05-15"]
    assert alerts["observed"].tolist() == [30, 34]
    assert alerts["alert_id"].nunique() == 1
    printed = capsys.readouterr().out
    assert "1 alert(s)" in printed
    assert "banjir in Kecamatan Coblong: 64 complaints in the 2 weeks" in printed


def test_precounted_file_is_summed(tmp_path: Path) -> None:
    dates = pd.date_range("2023-01-02", periods=len(WEEKS), freq="7D")
    path = tmp_path / "counts.csv"
    pd.DataFrame({"date": dates.strftime("%Y-%m-%d"), "topic": "banjir", "n": WEEKS}).to_csv(
        path, index=False
    )
    out = tmp_path / "alerts.csv"
    argv = ["spikes", "--input", str(path), "--output", str(out), "--count-col", "n"]
    assert cli.main([*argv, "--group-col", "topic"]) == 0
    alerts = pd.read_csv(out)
    assert alerts["date"].tolist() == ["2023-05-08", "2023-05-15"]
    assert set(alerts["group"]) == {"banjir"}


def test_quiet_file_writes_an_empty_table(tmp_path: Path) -> None:
    path = tmp_path / "counts.jsonl"
    dates = pd.date_range("2023-01-02", periods=20, freq="7D").strftime("%Y-%m-%d")
    pd.DataFrame({"date": dates, "count": 5}).to_json(path, orient="records", lines=True)
    out = tmp_path / "alerts.csv"
    assert cli.main(["spikes", "--input", str(path), "--output", str(out)]) == 0
    assert list(pd.read_csv(out).columns) == COLUMNS
    assert pd.read_csv(out).empty


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--group-col", "opd"], "missing column"),
        (["--date-col", "text"], "unparsable dates"),
        (["--alpha", "2"], "--alpha"),
        (["--since", "someday"], "cannot parse"),
    ],
)
def test_bad_input_is_one_line_and_exit_1(
    complaints_csv: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    extra: list[str],
    message: str,
) -> None:
    argv = ["spikes", "--input", str(complaints_csv), "--output", str(tmp_path / "a.csv")]
    assert cli.main([*argv, *extra]) == 1
    error = capsys.readouterr().err
    assert error.startswith("triage spikes: error:")
    assert message in error
    assert error.count("\n") == 1


def test_missing_input_file_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["spikes", "--input", str(tmp_path / "none.csv"), "--output", str(tmp_path / "a.csv")]
    assert cli.main(argv) == 1
    assert "no such file" in capsys.readouterr().err


@pytest.mark.parametrize("content", [b"PK\x03\x04not a zip archive", b"garbage"])
def test_broken_excel_file_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes
) -> None:
    path = tmp_path / "complaints.xlsx"
    path.write_bytes(content)
    argv = ["spikes", "--input", str(path), "--output", str(tmp_path / "a.csv")]
    assert cli.main(argv) == 1
    error = capsys.readouterr().err
    assert error.startswith(f"triage spikes: error: {path}: cannot be read as excel")
    assert error.count("\n") == 1
