"""Routing through a city's registry: the function layer learnt through one registry routes
to the agencies of another, moved by their descriptions and aliases."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

from training.cli import main
from triage import InputError, TriageModel, load_model, save_model, train_model
from triage.model.function_layer import FunctionLayer, agency_functions, label_functions
from triage.model.registry_layer import fit_registry_layer, registry_layer
from triage.routing.labels import AREA_KELURAHAN
from triage.tenants.registry import parse_registry, shipped_registry
from triage.tenants.registry_routing import route_with_registry

# The registry of the conftest corpus's city.
SOURCE = """opd,urusan,description,aliases
Dinas Sumber Daya Air dan Bina Marga,1.03,"Jalan rusak dan berlubang, aspal, saluran",DSDABM
Dinas Perhubungan,2.15,"Lampu penerangan jalan, lalu lintas, parkir",Dishub
Dinas Lingkungan Hidup,2.11,"Sampah, TPS, kebersihan, bau",DLH
Kelurahan,7.01,"Surat pengantar, RT dan RW, keterangan domisili",Lurah
"""

# Another city: other names, one affair split between two agencies, one affair no training
# city had (2.23, perpustakaan).
TARGET = """opd,urusan,description,aliases
Dinas Bina Marga,1.03,"Jalan berlubang, aspal rusak, jalan ambles dan retak",DBM
Dinas Pengairan,1.03,"Saluran air, got, banjir, sungai",DPAIR
Dinas Perhubungan Kota,2.15,"Lampu jalan PJU mati, lalu lintas",
Dinas Kebersihan,2.11,"Sampah menumpuk, tumpukan sampah, TPS, bau sampah",DK
Kelurahan,7.01,"Surat pengantar RT, urusan surat keterangan, pengurus RW",
Dinas Perpustakaan,2.23,"Perpustakaan keliling, buku bacaan, taman baca",Dispusip
"""


@pytest.fixture(scope="module")
def model(corpus: pd.DataFrame) -> TriageModel:
    trained = train_model(corpus)
    trained.registry_layer = fit_registry_layer(trained, corpus, parse_registry(SOURCE, "source"))
    return trained


def _route(model: TriageModel, registry_text: str, texts: list[str]) -> list:
    records = [{"text": t, "kecamatan": "Lowokwaru", "kelurahan": "Tlogomas"} for t in texts]
    return route_with_registry(model, parse_registry(registry_text, "target"), records)


def test_agency_functions_split_area_offices_by_level() -> None:
    assert agency_functions("Kelurahan", ("7.01",)) == ("7.01/kelurahan",)
    assert agency_functions("Dinas X", ("1.03", "7.01")) == (
        "1.03",
        "7.01/kecamatan",
        "7.01/kelurahan",
    )
    registry = parse_registry(SOURCE, "source")
    assert label_functions(["Kelurahan Babatan", "Dinas Perhubungan", "PLN", None], registry) == [
        ("7.01/kelurahan",),
        ("2.15",),
        None,
        None,
    ]


def test_function_layer_is_a_well_behaved_estimator() -> None:
    X = np.eye(6)
    functions = [("1.03",), ("1.03",), ("2.11",), ("2.11",), ("1.03", "2.11"), ("2.15",)]
    layer = FunctionLayer(C=1.0)
    assert clone(layer).get_params() == {"C": 1.0, "temperature": 1.0}
    assert layer.fit(X, functions) is layer
    proba = layer.predict_proba(X)
    assert proba.shape == (6, 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert list(layer.predict(X[:1])) == ["1.03"]
    with pytest.raises(InputError, match="fewer than two functions"):
        FunctionLayer().fit(X[:2], functions[:2])


def test_it_routes_only_to_the_registry_s_agencies(model: TriageModel) -> None:
    texts = ["jalan berlubang parah", "sampah blm diangkut", "lampu pju mati", "minta surat rt"]
    names = set(parse_registry(TARGET, "target").names) - {"Kelurahan"} | {"Kelurahan Tlogomas"}
    for decision in _route(model, TARGET, texts):
        assert decision.opd is None or decision.opd in names
        assert {a.label for a in decision.alternatives} <= names
    decisions = _route(model, TARGET, texts)
    assert [d.alternatives[0].label for d in decisions] == [
        "Dinas Bina Marga",
        "Dinas Kebersihan",
        "Dinas Perhubungan Kota",
        "Kelurahan Tlogomas",
    ]


def test_descriptions_split_an_affair_between_its_holders(model: TriageModel) -> None:
    swapped = TARGET.replace("Dinas Bina Marga,", "Dinas Tmp,").replace(
        "Dinas Pengairan,", "Dinas Bina Marga,"
    )
    swapped = swapped.replace("Dinas Tmp,", "Dinas Pengairan,")
    text = ["jalan berlubang parah dan aspal rusak"]
    assert _route(model, TARGET, text)[0].alternatives[0].label == "Dinas Bina Marga"
    # The same descriptions under the other names: the complaint follows the description.
    assert _route(model, swapped, text)[0].alternatives[0].label == "Dinas Pengairan"


def test_an_alias_in_the_text_moves_the_decision(model: TriageModel) -> None:
    plain = _route(model, TARGET, ["jalan berlubang, saluran mampet"])[0]
    named = _route(model, TARGET, ["jalan berlubang, saluran mampet, tolong DPAIR"])[0]
    share = {d: {a.label: a.confidence for a in d.alternatives} for d in (plain, named)}
    # A road complaint naming the drainage office: the named office becomes a real contender.
    assert share[plain].get("Dinas Pengairan", 0.0) < 0.05
    assert share[named].get("Dinas Pengairan", 0.0) > 0.3


def test_an_agency_no_training_city_had_still_gets_complaints(model: TriageModel) -> None:
    decision = _route(model, TARGET, ["perpustakaan keliling Dispusip tidak datang"])[0]
    assert decision.alternatives[0].label == "Dinas Perpustakaan"


def test_a_registry_it_was_not_calibrated_on_routes_more_carefully(model: TriageModel) -> None:
    layer = registry_layer(model)
    source = layer.prepare(model, parse_registry(SOURCE, "source"))
    target = layer.prepare(model, parse_registry(TARGET, "target"))
    assert layer.policy_for(source) == layer.policy
    assert layer.policy_for(target).opd_threshold >= max(layer.policy.opd_threshold, 0.99)


def test_bad_input_is_a_one_line_error(model: TriageModel, trained_model: TriageModel) -> None:
    with pytest.raises(InputError, match="complaint 0: 'text' must be a non-empty string"):
        _route(model, TARGET, [" "])
    with pytest.raises(InputError, match="has no registry layer"):
        route_with_registry(trained_model, parse_registry(TARGET, "t"), [{"text": "x"}])
    only_novel = "opd,urusan,description\nBadan Arsip,2.24,arsip kota\n"
    with pytest.raises(InputError, match="no agency of the registry holds an urusan"):
        _route(model, only_novel, ["arsip hilang"])


def test_the_layer_is_saved_and_loaded_with_the_model(
    model: TriageModel, tmp_path: Path, corpus: pd.DataFrame
) -> None:
    save_model(model, tmp_path / "v1")
    loaded = load_model(tmp_path / "v1")
    texts = ["jalan berlubang parah", "pju gak nyala", "perpustakaan Dispusip"]
    assert _route(loaded, TARGET, texts) == _route(model, TARGET, texts)
    assert loaded.metadata is not None


@pytest.fixture(scope="module")
def registry_model(tmp_path_factory: pytest.TempPathFactory, corpus_csv: Path) -> Path:
    source = tmp_path_factory.mktemp("reg") / "source.csv"
    source.write_text(SOURCE, encoding="utf-8")
    out = tmp_path_factory.mktemp("models") / "with-layer"
    assert (
        main(["train", "--data", str(corpus_csv), "--registry", str(source), "--out", str(out)])
        == 0
    )
    return out


def test_train_with_a_registry_records_the_layer(registry_model: Path) -> None:
    model = load_model(registry_model)
    assert model.registry_layer is not None
    assert model.metadata is not None
    assert "review_threshold" in model.metadata.metrics["registry_layer"]


def test_plain_train_has_no_layer(saved_model_dir: Path, trained_model: TriageModel) -> None:
    assert trained_model.registry_layer is None
    assert trained_model.metadata is not None
    assert "registry_layer" not in trained_model.metadata.metrics
    assert load_model(saved_model_dir).registry_layer is None


def test_predict_routes_to_the_registry(
    registry_model: Path, corpus_csv: Path, tmp_path: Path
) -> None:
    target = tmp_path / "target.csv"
    target.write_text(TARGET, encoding="utf-8")
    out = tmp_path / "out.csv"
    args = ["predict", "--model", str(registry_model), "--input", str(corpus_csv)]
    assert main([*args, "--registry", str(target), "--output", str(out)]) == 0
    result = pd.read_csv(out)
    assert {"opd", "opd_confidence", "topic", "needs_review", "authority"} <= set(result.columns)
    allowed = set(parse_registry(TARGET, "t").names) | {"Kelurahan Cipaganti"}
    assert set(result.opd.dropna()) <= allowed


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--tenant", "atlantis"], "no shipped registry for 'atlantis'"),
        (["--registry", "REG"], "unknown urusan code 9.99"),
        (["--registry", "MISSING"], "cannot read"),
    ],
)
def test_predict_refuses_a_bad_registry_in_one_line(
    registry_model: Path,
    corpus_csv: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    flags: list[str],
    message: str,
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("opd,urusan,description\nX,9.99,foo\n", encoding="utf-8")
    flags = [{"REG": str(bad), "MISSING": str(tmp_path / "none.csv")}.get(f, f) for f in flags]
    out = tmp_path / "out.csv"
    args = ["predict", "--model", str(registry_model), "--input", str(corpus_csv)]
    assert main([*args, *flags, "--output", str(out)]) == 1
    err = capsys.readouterr().err.strip()
    assert message in err
    assert len(err.splitlines()) == 1
    assert not out.exists()


def test_predict_with_a_registry_needs_a_model_with_a_layer(
    saved_model_dir: Path, corpus_csv: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["predict", "--model", str(saved_model_dir), "--input", str(corpus_csv)]
    assert main([*args, "--tenant", "surabaya", "--output", str(tmp_path / "o.csv")]) == 1
    assert "has no registry layer" in capsys.readouterr().err


def test_train_with_an_unknown_tenant_fails_before_training(
    corpus_csv: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "m"
    args = ["train", "--data", str(corpus_csv), "--tenant", "atlantis", "--out", str(out)]
    assert main(args) == 1
    assert "no shipped registry for 'atlantis'" in capsys.readouterr().err
    assert not out.exists()


def test_the_surabaya_registry_has_both_area_offices() -> None:
    registry = shipped_registry("surabaya")
    areas = [a.opd for a in registry.agencies if "7.01" in a.urusan]
    assert areas == ["Kecamatan", "Kelurahan"]
    assert AREA_KELURAHAN.startswith("Kelurahan")
    assert replace(registry, source="x").names == registry.names
