"""Bukan wewenang through the product: the routing decision, the model, `triage predict`,
the store's stats and the digest."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import Engine, inspect, text

from tests.api.databases import BACKENDS, migrated_database
from training.cli import main
from triage import TriageModel
from triage.errors import InputError
from triage.routing import AuthoritySettings, RoutingPolicy, decide, load_local_exceptions
from triage.store import (
    ComplaintStore,
    NewComplaint,
    NewPrediction,
    StatsStore,
    make_engine,
    upgrade,
)
from triage.store.database import downgrade
from triage.trends.digest import build_digest, render_html, render_markdown

LABELS = ["Dinas Perhubungan", "Kelurahan (wilayah pelapor)"]
POWER_CUT = "listrik padam sejak pagi dari pln belum ada petugas"
SMA = "pendaftaran ppdb sma negeri zonasi tidak adil"


def _decide(text: str, **kwargs: object) -> object:
    return decide(np.array([0.9, 0.1]), LABELS, None, [], RoutingPolicy(0.5), text=text, **kwargs)


def test_an_external_complaint_goes_to_no_city_agency() -> None:
    decision = _decide(POWER_CUT)
    assert (decision.authority, decision.external_body) == ("external", "PLN")
    assert decision.opd is None
    assert decision.needs_review
    # The model's suggestion stays for a reviewer who disagrees with the authority decision.
    assert decision.alternatives[0].label == "Dinas Perhubungan"
    assert decision.referral is not None
    assert decision.referral.name == "PT PLN (Persero)"
    assert "123" in decision.referral.contact
    assert "'listrik padam'" in decision.referral.reason
    assert any(r.startswith("bukan wewenang: 'listrik padam'") for r in decision.reasons)
    assert decision.to_dict()["referral"]["body"] == "PLN"


def test_a_local_complaint_is_unchanged() -> None:
    decision = _decide("lampu jalan mati")
    assert (decision.opd, decision.needs_review) == ("Dinas Perhubungan", False)
    assert (decision.authority, decision.external_body, decision.referral) == ("local", "", None)


def test_the_tenant_level_and_exceptions_are_passed_on(tmp_path: Path) -> None:
    assert _decide(SMA).external_body == "PROV_PENDIDIKAN"
    province = _decide(SMA, authority=AuthoritySettings("provinsi"))
    assert (province.authority, province.opd) == ("local", "Dinas Perhubungan")
    path = tmp_path / "exceptions.csv"
    path.write_text("kind,value,authority\nbody,PLN,local\n", encoding="utf-8")
    own = AuthoritySettings("kota", load_local_exceptions(path))
    assert _decide(POWER_CUT, authority=own).authority == "local"


def test_an_unknown_level_fails_when_the_settings_are_made() -> None:
    with pytest.raises(InputError, match="tenant level 'desa'"):
        AuthoritySettings("desa")


def test_the_model_refers_and_evaluates_external_complaints(trained_model: TriageModel) -> None:
    power, lamp = trained_model.decide([{"text": POWER_CUT}, {"text": "lampu pju mati"}])
    assert (power.authority, power.opd, power.needs_review) == ("external", None, True)
    assert lamp.authority == "local"
    # Labelled with the body's name, a referral counts as right in the evaluation.
    frame = pd.DataFrame({"text": [POWER_CUT], "opd": ["PT PLN (Persero)"]})
    (decision,) = trained_model.decide_frame(frame)
    assert trained_model.head_predictions(frame, [decision])["opd"].correct.tolist() == [True]


def test_decisions_are_the_same_in_chunks(trained_model: TriageModel) -> None:
    import triage.model.triage_model as module

    frame = pd.DataFrame({"text": [POWER_CUT, "lampu pju mati", SMA, "sampah menumpuk"] * 3})
    whole = trained_model.decide_frame(frame)
    old, module._CHUNK = module._CHUNK, 5
    try:
        assert trained_model.decide_frame(frame) == whole
    finally:
        module._CHUNK = old


def test_predict_writes_authority_columns(
    tmp_path: Path, saved_model_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "in.csv"
    pd.DataFrame({"id": ["a", "b", "c"], "text": [POWER_CUT, "lampu pju mati", SMA]}).to_csv(
        source, index=False
    )
    out = tmp_path / "out.csv"
    argv = ["predict", "--model", str(saved_model_dir), "--input", str(source)]
    assert main([*argv, "--output", str(out)]) == 0
    result = pd.read_csv(out, keep_default_na=False)
    assert result["authority"].tolist() == ["external", "local", "external"]
    assert result["external_body"].tolist() == ["PLN", "", "PROV_PENDIDIKAN"]
    assert main([*argv, "--output", str(out), "--level", "provinsi"]) == 0
    assert pd.read_csv(out, keep_default_na=False)["external_body"].tolist() == ["PLN", "", ""]
    bad = tmp_path / "bad.csv"
    bad.write_text("kind,value,authority\nbody,MARS,local\n", encoding="utf-8")
    capsys.readouterr()
    assert main([*argv, "--output", str(out), "--exceptions", str(bad)]) != 0
    assert "unknown body 'MARS'" in capsys.readouterr().err


@pytest.fixture(params=BACKENDS)
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with migrated_database(request.param, tmp_path) as found:
        yield found


def _store(engine: Engine) -> None:
    store = ComplaintStore(engine)
    when = datetime(2026, 1, 5, 3, tzinfo=UTC)
    for i, body in enumerate(["PLN", "PLN", "SAMSAT", ""]):
        store.add(
            NewComplaint(source="t", external_id=str(i), text="x", created_at=when),
            NewPrediction(
                model_version="v1",
                opd=None if body else "Dinas Perhubungan",
                opd_confidence=0.9,
                topic=None,
                topic_confidence=None,
                needs_review=bool(body),
                latency_ms=1.0,
                authority="external" if body else "local",
                external_body=body,
            ),
        )
    record = store.find("t", "0")
    assert record is not None
    assert record.prediction is not None
    assert (record.prediction.authority, record.prediction.external_body) == ("external", "PLN")


def test_stats_and_digest_count_external_complaints_per_body(engine: Engine) -> None:
    _store(engine)
    stats = StatsStore(engine).stats()
    assert stats.external == 3
    assert [(b.body, b.complaints) for b in stats.per_external_body] == [
        ("PLN", 2),
        ("SAMSAT", 1),
    ]
    assert stats.to_dict()["per_external_body"][0]["name"] == "PT PLN (Persero)"
    digest = build_digest(engine, as_of=datetime(2026, 1, 7).date())
    assert digest.external == 3
    markdown = render_markdown(digest)
    assert "3 for bodies outside the city" in markdown
    assert "| PT PLN (Persero) | 2 |" in markdown
    assert "<td>PT PLN (Persero)</td><td>2</td>" in render_html(digest)


def test_migration_0005_keeps_existing_predictions(url: str) -> None:
    engine = make_engine(url)
    try:
        _store(engine)
        engine.dispose()
        downgrade(url, "0003")
        columns = {c["name"] for c in inspect(engine).get_columns("predictions")}
        assert not {"authority", "external_body"} & columns
        engine.dispose()
        upgrade(url)
        with engine.connect() as connection:
            rows = connection.execute(
                text("SELECT authority, external_body FROM predictions ORDER BY id")
            ).all()
        # Predictions stored before the authority decision read as local.
        assert [tuple(row) for row in rows] == [("local", "")] * 4
    finally:
        engine.dispose()
