"""Retraining from the store: which stored complaints become training rows, with which labels."""

from __future__ import annotations

import copy
import datetime as dt
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from training.cli import main
from triage import RoutingPolicy, TriageModel
from triage.errors import InputError
from triage.modelops.retrain import (
    STORE_STAGES,
    build_training_set,
    parse_since,
    training_set_from_store,
)
from triage.store import (
    ComplaintStore,
    NewComplaint,
    NewPrediction,
    StoreError,
    make_engine,
    open_complaint_opds,
    stored_complaints,
    upgrade,
)
from triage.workbench import ingest_frame, misrouted, simulate_corrections

NOW = dt.datetime(2024, 3, 31, 12, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("store") / "template.db"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture
def url(tmp_path: Path, migrated: Path) -> str:
    shutil.copyfile(migrated, tmp_path / "store.db")
    return f"sqlite:///{tmp_path / 'store.db'}"


def _add(store: ComplaintStore, key: str, text: str, opd: str, review: bool, conf: float) -> int:
    record, _ = store.add(
        NewComplaint(source="t", external_id=key, text=text, created_at=NOW),
        NewPrediction("v1", opd, conf, "Topik", 0.9, review, 1.0),
    )
    return record.id


@pytest.fixture
def filled(url: str) -> str:
    """Six complaints: routed, corrected (twice), confirmed, waiting, and a duplicate."""
    store = ComplaintStore(make_engine(url))
    _add(store, "1", "lampu jalan mati", "Dinas Perhubungan", False, 0.97)
    wrong = _add(store, "2", "sampah menumpuk hubungi 081234567890", "Dinas Perhubungan", True, 0.4)
    store.correct(wrong, corrected_by="a", opd="Dinas Sosial")
    store.correct(wrong, corrected_by="b", opd="Dinas Lingkungan Hidup", topic="Sampah")
    right = _add(store, "3", "jalan berlubang", "Dinas Bina Marga", True, 0.5)
    store.correct(right, corrected_by="a", opd="Dinas Bina Marga")
    _add(store, "4", "bansos belum cair", "Dinas Sosial", True, 0.3)
    _add(store, "5", "lampu jalan mati", "Dinas Perhubungan", False, 0.95)
    _add(store, "6", "pju padam", "Dinas Perhubungan", False, 0.55)
    store.dispose()
    return url


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("30d", dt.datetime(2024, 3, 1, 12, tzinfo=dt.UTC)),
        ("2w", dt.datetime(2024, 3, 17, 12, tzinfo=dt.UTC)),
        ("2024-03-01", dt.datetime(2024, 2, 29, 17, tzinfo=dt.UTC)),  # Jakarta midnight
    ],
)
def test_parse_since(text: str, expected: dt.datetime) -> None:
    assert parse_since(text, NOW) == expected


@pytest.mark.parametrize("text", ["kemarin", "30", "-3d", "2024-13-01"])
def test_parse_since_refuses(text: str) -> None:
    with pytest.raises(InputError, match="not a date"):
        parse_since(text, NOW)


def test_corrections_win_waiting_complaints_are_left_out_and_duplicates_kept_once(
    filled: str,
) -> None:
    found = build_training_set(stored_complaints(filled))
    rows = {r.text: (r.opd, r.topic) for r in found.frame.itertuples()}
    assert rows == {
        "lampu jalan mati": ("Dinas Perhubungan", "Topik"),
        "sampah menumpuk hubungi [telepon]": ("Dinas Lingkungan Hidup", "Sampah"),
        "jalan berlubang": ("Dinas Bina Marga", "Topik"),
        "pju padam": ("Dinas Perhubungan", "Topik"),
    }
    assert found.summary() == {
        "stored": 6, "corrected": 2, "auto_routed": 3, "unlabelled": 1, "duplicates": 1,
        "rows": 4,
    }  # fmt: skip
    assert open_complaint_opds(filled) == {"Dinas Sosial": 1}


@pytest.mark.parametrize(
    ("corrected_only", "min_confidence", "texts"),
    [
        (True, 0.0, {"sampah menumpuk hubungi [telepon]", "jalan berlubang"}),
        (False, 0.9, {"sampah menumpuk hubungi [telepon]", "jalan berlubang", "lampu jalan mati"}),
    ],
)
def test_auto_routed_rows_can_be_left_out_or_held_to_a_higher_bar(
    filled: str, corrected_only: bool, min_confidence: float, texts: set[str]
) -> None:
    found = build_training_set(
        stored_complaints(filled), corrected_only=corrected_only, min_confidence=min_confidence
    )
    assert set(found.frame["text"]) == texts


def test_text_stored_around_the_api_is_masked_again(url: str, trained_model: TriageModel) -> None:
    frame = pd.DataFrame(
        {"id": ["x"], "created_at": ["2024-03-01T10:00:00"], "text": ["wa saya 081234567890"]}
    )
    ingest_frame(url, frame, trained_model)
    # A bulk load that skipped masking: the training set must not carry the number.
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "UPDATE complaints SET text = 'wa 081234567890', status = 'routed', opd = 'Dinas X'"
        )
    engine.dispose()
    found = build_training_set(stored_complaints(url))
    assert list(found.frame["text"]) == ["wa [telepon]"]


@pytest.mark.parametrize(
    ("titles", "kept", "dtype"),
    [
        # With other titles present pandas keeps the column as strings, missing as NaN.
        (pd.Series(["wa 081234567890", None]), ["'wa [telepon]'", "nan"], "str"),
        (pd.Series([None, None]), ["None", "None"], "object"),
        # Rows picked from a column that has titles elsewhere: NaN in, None out.
        (pd.Series([np.nan, np.nan], dtype="str"), ["None", "None"], "object"),
    ],
)
def test_missing_titles_stay_missing_as_none_unless_the_column_holds_strings(
    titles: pd.Series, kept: list[str], dtype: str
) -> None:
    stored = pd.DataFrame(
        {
            "created_at": pd.to_datetime([NOW, NOW + dt.timedelta(hours=1)]),
            "kecamatan": ["Coblong"] * 2,
            "kelurahan": ["Dago"] * 2,
            "title": titles,
            "text": ["lampu jalan mati", "jalan berlubang"],
            "status": ["routed"] * 2,
            "opd": ["Dinas Perhubungan", "Dinas Bina Marga"],
            "topic": ["Lampu", "Jalan"],
            "opd_confidence": [0.9, 0.9],
            "corrected_opd": [None, None],
            "corrected_topic": [None, None],
            "corrected_at": pd.to_datetime([None, None], utc=True),
        }
    )
    title = build_training_set(stored).frame["title"]
    assert title.map(repr).tolist() == kept
    assert str(title.dtype) == dtype


def test_bulk_ingest_refuses_an_empty_text(url: str, trained_model: TriageModel) -> None:
    frame = pd.DataFrame(
        {
            "id": ["ok", "blank"],
            "created_at": ["2024-03-01T10:00:00"] * 2,
            "text": ["lampu jalan mati", None],
        }
    )
    with pytest.raises(InputError, match="'blank'.*empty"):
        ingest_frame(url, frame, trained_model)
    assert stored_complaints(url).empty


def test_window_and_empty_store(filled: str) -> None:
    later = NOW + dt.timedelta(days=1)
    assert stored_complaints(filled, since=later).empty
    with pytest.raises(InputError, match="no labelled complaints since"):
        training_set_from_store(filled, since=later)


def test_reading_the_store_reports_its_stages(filled: str) -> None:
    seen: list[str] = []
    training_set_from_store(filled, progress=seen.append)
    assert seen == list(STORE_STAGES)


def test_train_from_the_store_after_simulated_reviews(
    url: str,
    tmp_path: Path,
    corpus: pd.DataFrame,
    trained_model: TriageModel,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # A 16-row hold-out cannot promise 95% accuracy, so the toy model's own threshold sends
    # everything to review; routing at 0.5 fills the store with auto-routed complaints.
    router = copy.copy(trained_model)
    router.policy = RoutingPolicy(opd_threshold=0.5)
    ingest_frame(url, corpus, router)
    stored = stored_complaints(url)
    assert len(stored) == len(corpus)
    assert set(stored["model_version"]) == {trained_model.version}
    truth = corpus.assign(opd=corpus["opd"].where(corpus.index % 7 != 0, "Dinas Sosial"))
    wrong = misrouted(stored, truth)
    assert len(wrong) >= len(corpus) // 7
    assert simulate_corrections(url, truth, 5) == 5
    assert len(misrouted(stored_complaints(url), truth)) == len(wrong) - 5

    models = tmp_path / "models"
    argv = ["train", "--from-db", "--database-url", url, "--models-dir", str(models)]
    assert main([*argv, "--random-split"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["from_db"]["corrected"] == 5
    assert summary["from_db"]["rows"] == summary["rows"]
    card = (models / summary["version"] / "card.md").read_text(encoding="utf-8")
    assert "5 corrected" in card
    assert "random-based hold-out" in card
    assert main(["train", "--models-dir", str(models)]) == 1
    assert "give --data FILE, --from-db, or both" in capsys.readouterr().err


@pytest.mark.parametrize("read", [stored_complaints, open_complaint_opds])
def test_unmigrated_store_names_the_fix(tmp_path: Path, read: Callable[[str], object]) -> None:
    with pytest.raises(StoreError, match="run `triage db upgrade`"):
        read(f"sqlite:///{tmp_path / 'empty.db'}")
