"""The train / evaluate / predict commands, end to end on files, and their one-line errors."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from training.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_train_evaluate_predict(
    tmp_path: Path, corpus: pd.DataFrame, corpus_csv: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    model_dir = tmp_path / "models" / "v1"
    code, out, _ = run(capsys, "train", "--data", str(corpus_csv), "--out", str(model_dir))
    assert code == 0
    summary = json.loads(out)
    assert summary["version"] == "v1"
    assert summary["rows"] == len(corpus)
    assert (model_dir / "model.joblib").is_file()
    assert (model_dir / "metadata.json").is_file()

    plots = tmp_path / "plots"
    code, out, _ = run(
        capsys, "evaluate", "--model", str(model_dir), "--data", str(corpus_csv),
        "--plot-dir", str(plots),
    )  # fmt: skip
    assert code == 0
    report = json.loads(out)
    assert report["opd"]["accuracy"] > 0.8
    assert {"macro_f1", "per_class", "coverage"} <= set(report["topic"])
    assert (plots / "confusion-opd.png").stat().st_size > 1000

    unlabelled = tmp_path / "new.jsonl"
    rows = corpus[["id", "text", "kelurahan"]].head(5).copy()
    rows.loc[2, "text"] = "  "
    rows.to_json(unlabelled, orient="records", lines=True)
    result = tmp_path / "out.csv"
    code, out, _ = run(
        capsys, "predict", "--model", str(model_dir), "--input", str(unlabelled),
        "--output", str(result),
    )  # fmt: skip
    assert code == 0
    assert "1 without usable text" in out
    predicted = pd.read_csv(result)
    assert list(predicted["id"]) == list(rows["id"])
    assert {"opd", "opd_confidence", "topic", "topic_confidence", "needs_review"} <= set(
        predicted.columns
    )
    assert predicted.loc[2, "needs_review"]
    reviewed = predicted[predicted.needs_review & predicted.error.isna()]
    assert reviewed.review_reasons.notna().all()
    assert predicted[~predicted.needs_review].review_reasons.isna().all()
    assert predicted.loc[2, "error"] == "empty text"
    assert predicted["opd"].notna().sum() == 4


def test_train_time_window(
    tmp_path: Path, corpus_csv: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(
        capsys, "train", "--data", str(corpus_csv), "--out", str(tmp_path / "m"),
        "--until", "2024-02-15", "--holdout", "0",
    )  # fmt: skip
    assert code == 0
    assert json.loads(out)["rows"] == 46


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["train", "--data", "{missing}", "--out", "{tmp}/m"], "no such file"),
        (["train", "--data", "{empty}", "--out", "{tmp}/m"], "empty"),
        (["train", "--data", "{notext}", "--out", "{tmp}/m"], "missing text column"),
        (["train", "--data", "{csv}", "--out", "{tmp}/m", "--text-col", "isi"], "'isi'"),
        (["train", "--data", "{csv}", "--out", "{tmp}/m", "--since", "kemarin"], "not a date"),
        (["train", "--data", "{weird}", "--out", "{tmp}/m"], "unknown format"),
        (["train", "--data", "{truncated}", "--out", "{tmp}/m"], "cannot be read as excel"),
        (["evaluate", "--model", "{tmp}/none", "--data", "{csv}"], "no model.joblib"),
        (
            ["predict", "--model", "{tmp}/none", "--input", "{csv}", "--output", "x.txt"],
            ".csv or .jsonl",
        ),
        (
            ["predict", "--model", "{corrupt}", "--input", "{csv}", "--output", "{tmp}/o.csv"],
            "sha256",
        ),
        (["train", "--data", "{csv}", "--out", "{tmp}/m", "--opd-col", "opdd"], "--opd-col 'opdd'"),
        (
            [
                "predict",
                "--model",
                "{model}",
                "--input",
                "{csv}",
                "--output",
                "{tmp}/o.csv",
                "--title-col",
                "judul",
            ],
            "--title-col 'judul'",
        ),  # fmt: skip
        (["train", "--data", "{csv}", "--out", "{csv}"], "not a folder"),
        (["train", "--data", "{csv}", "--out", "{csv}/m"], "is not a folder"),
        (
            ["predict", "--model", "{model}", "--input", "{csv}", "--output", "{folder}"],
            "is a folder",
        ),
        (["evaluate", "--model", "{model}", "--data", "{csv}", "--plot-dir", "{csv}"], "folder"),
        (
            ["predict", "--model", "{model}", "--input", "{zip}", "--output", "{tmp}/o.csv"],
            "cannot be read as excel",
        ),  # fmt: skip
        (
            ["predict", "--model", "{listmeta}", "--input", "{csv}", "--output", "{tmp}/o.csv"],
            "expected a JSON object",
        ),
        (
            ["predict", "--model", "{badversions}", "--input", "{csv}", "--output", "{tmp}/o.csv"],
            "'library_versions' must be an object",
        ),
        (
            ["predict", "--model", "{edited}", "--input", "{csv}", "--output", "{tmp}/o.csv"],
            "it was edited after saving",
        ),
        (["evaluate", "--model", "{model}", "--data", "{blanktext}"], "none of the 2 rows"),
        (["train", "--data", "{tiny}", "--out", "{tmp}/m"], "no label occurs 10 times or more"),
    ],
)
def test_bad_input_is_one_line_and_exit_1(
    tmp_path: Path,
    corpus_csv: Path,
    saved_model_dir: Path,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    message: str,
) -> None:
    (tmp_path / "empty.csv").write_text("")
    (tmp_path / "notext.csv").write_text("isi,opd\nhalo,Dinas Sosial\n")
    (tmp_path / "weird.txt").write_text("x")
    workbook = tmp_path / "whole.xlsx"
    pd.DataFrame({"text": ["a"], "opd": ["b"]}).to_excel(workbook, index=False)
    (tmp_path / "truncated.xlsx").write_bytes(workbook.read_bytes()[:200])
    corrupt = tmp_path / "corrupt"
    corrupt.mkdir()
    (corrupt / "model.joblib").write_bytes(b"not a pickle")
    (corrupt / "metadata.json").write_text((saved_model_dir / "metadata.json").read_text())
    (tmp_path / "folder.csv").mkdir()
    (tmp_path / "blanktext.csv").write_text('text,opd\n" ",Dinas Sosial\n,Dinas Sosial\n')
    (tmp_path / "tiny.csv").write_text("text,opd\nlampu mati,Dishub\njalan rusak,DSDABM\n")
    with zipfile.ZipFile(tmp_path / "zip.xlsx", "w") as archive:
        archive.writestr("a.txt", "not a workbook")
    metadata = json.loads((saved_model_dir / "metadata.json").read_text())
    for name, text in [
        ("listmeta", "[]"),
        ("badversions", json.dumps({**metadata, "library_versions": ["numpy"]})),
        ("edited", json.dumps({**metadata, "policy": {**metadata["policy"], "opd_threshold": 0}})),
    ]:
        shutil.copytree(saved_model_dir, tmp_path / name)
        (tmp_path / name / "metadata.json").write_text(text)
    paths = {
        "model": saved_model_dir,
        "folder": tmp_path / "folder.csv",
        "zip": tmp_path / "zip.xlsx",
        "listmeta": tmp_path / "listmeta",
        "badversions": tmp_path / "badversions",
        "edited": tmp_path / "edited",
        "blanktext": tmp_path / "blanktext.csv",
        "tiny": tmp_path / "tiny.csv",
        "missing": tmp_path / "nope.csv",
        "empty": tmp_path / "empty.csv",
        "notext": tmp_path / "notext.csv",
        "weird": tmp_path / "weird.txt",
        "truncated": tmp_path / "truncated.xlsx",
        "csv": corpus_csv,
        "corrupt": corrupt,
        "tmp": tmp_path,
    }
    code, _, err = run(capsys, *[a.format(**paths) for a in argv])
    assert code == 1
    assert message in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("flag", "value", "message"),
    [
        ("--C", "0", "must be above 0"),
        ("--C", "nan", "finite"),
        ("--holdout", "nan", "finite"),
        ("--holdout", "1.5", "below 1"),
        ("--target-accuracy", "0", "above 0"),
    ],
)
def test_bad_numbers_are_usage_errors(
    tmp_path: Path,
    corpus_csv: Path,
    capsys: pytest.CaptureFixture[str],
    flag: str,
    value: str,
    message: str,
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["train", "--data", str(corpus_csv), "--out", str(tmp_path / "m"), flag, value])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err
    assert not (tmp_path / "m").exists()


def test_training_without_a_holdout_warns_about_the_threshold(
    tmp_path: Path, corpus_csv: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(
        capsys, "train", "--data", str(corpus_csv), "--out", str(tmp_path / "m"), "--holdout", "0"
    )
    assert code == 0
    assert json.loads(out)["holdout"] == {}
    assert "not chosen by evaluation" in err


def test_predict_reads_excel_as_lapor_exports_it(
    tmp_path: Path,
    corpus: pd.DataFrame,
    saved_model_dir: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    export = tmp_path / "lapor.xlsx"
    corpus[["id", "title", "text", "kecamatan", "kelurahan"]].head(6).to_excel(export, index=False)
    out = tmp_path / "routed.jsonl"
    code, _, err = run(
        capsys, "predict", "--model", str(saved_model_dir), "--input", str(export),
        "--output", str(out),
    )  # fmt: skip
    assert code == 0, err
    routed = pd.read_json(out, lines=True)
    assert list(routed["id"]) == list(corpus["id"].head(6))
    assert routed["opd"].notna().all()


def test_predict_reports_text_that_is_not_a_string(
    tmp_path: Path, saved_model_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "in.jsonl"
    rows = [{"text": "lampu jalan mati"}, {"text": 123}, {"text": ["banjir"]}, {"text": ""}]
    source.write_text("\n".join(json.dumps(row) for row in rows) + "\n")
    out = tmp_path / "out.jsonl"
    code, printed, _ = run(
        capsys, "predict", "--model", str(saved_model_dir), "--input", str(source),
        "--output", str(out),
    )  # fmt: skip
    assert code == 0
    assert "3 without usable text" in printed
    routed = pd.read_json(out, lines=True)
    assert list(routed["error"].fillna("")) == [
        "",
        "text is not a string but int",
        "text is not a string but list",
        "empty text",
    ]
    assert routed["opd"].notna().tolist() == [True, False, False, False]
