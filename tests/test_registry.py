"""The model registry: versions, model cards, promotion checks, rollback and crash safety."""

from __future__ import annotations

import re
import shutil
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from flask import Flask
from flask.testing import FlaskClient

from api import create_app, model_admin
from training.cli import main
from triage import TriageModel, find_active_model, save_model, train_model
from triage.errors import InputError, ModelError, ModelNotFoundError
from triage.modelops.model_card import bootstrap_intervals
from triage.modelops.promotion import HOLDOUT, Comparison, orphaned_labels
from triage.modelops.registry import (
    ACTIVE,
    HISTORY,
    PromotionRefusedError,
    active_version,
    history,
    list_models,
    promote,
    rollback,
)
from triage.modelops.versions import save_version
from triage.store import KeyStore, make_engine, upgrade


@pytest.fixture(scope="session")
def shuffled_model(corpus: pd.DataFrame) -> TriageModel:
    """A model trained on labels shuffled across rows: clearly worse, same label set."""
    rng = np.random.default_rng(0)
    broken = corpus.assign(opd=rng.permutation(corpus["opd"].to_numpy()))
    return train_model(broken)


@pytest.fixture
def registry(
    tmp_path: Path, corpus: pd.DataFrame, trained_model: TriageModel, shuffled_model: TriageModel
) -> tuple[Path, str, str]:
    """A registry with a good first version (active) and a worse second one."""
    root = tmp_path / "models"
    good = save_version(trained_model, root, corpus, source="test corpus").version
    bad = save_version(shuffled_model, root, corpus.iloc[::-1]).version
    return root, good, bad


def test_versions_are_named_by_date_and_data_and_carry_a_card(
    registry: tuple[Path, str, str], corpus: pd.DataFrame, trained_model: TriageModel
) -> None:
    root, good, bad = registry
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}-[0-9a-f]{6}", good)
    assert bad != good
    # Same data, same day: a suffix keeps both.
    assert save_version(trained_model, root, corpus).version == f"{good}-2"
    card = (root / good / "card.md").read_text(encoding="utf-8")
    for section in ("## Data", "## Labels", "## Evaluation", "weak classes", "Intended use"):
        assert section in card
    assert "test corpus" in card
    assert re.search(r"\| opd \| 1\.000 \(\d\.\d{3}–1\.000\)", card)
    held = pd.read_csv(root / good / HOLDOUT)
    # The latest 20% by date, as train_model held them out.
    assert list(held["id"]) == list(corpus["id"].iloc[-16:])


def test_training_never_changes_the_active_model(registry: tuple[Path, str, str]) -> None:
    root, good, bad = registry
    assert (root / ACTIVE).read_text().strip() == good
    assert find_active_model(root).name == good
    assert {(e.version, e.active) for e in list_models(root)} == {(good, True), (bad, False)}


def test_a_registry_without_pointer_keeps_serving_what_it_served(
    tmp_path: Path, trained_model: TriageModel, corpus: pd.DataFrame
) -> None:
    root = tmp_path / "models"
    save_model(trained_model, root / "sample-default")  # as `make model` does
    save_version(trained_model, root, corpus)
    assert (root / ACTIVE).read_text().strip() == "sample-default"
    assert find_active_model(root).name == "sample-default"


def test_a_clearly_worse_model_is_refused_unless_forced(registry: tuple[Path, str, str]) -> None:
    root, good, bad = registry
    with pytest.raises(PromotionRefusedError, match=r"macro-F1 .* more than 0\.02 below"):
        promote(root, bad)
    assert active_version(root) == good
    done = promote(root, bad, force=True)
    assert done.comparison is not None
    assert done.comparison.candidate_f1 < done.comparison.active_f1
    assert done.forced
    assert active_version(root) == bad


def test_orphaning_open_complaints_is_refused(
    registry: tuple[Path, str, str], trained_model: TriageModel
) -> None:
    root, good, bad = registry
    open_opds = {"Dinas Pendidikan": 3, "Kelurahan Dago": 2, "Dinas Perhubungan": 1}
    # Area offices are producible through the area class; an unknown agency is not.
    assert orphaned_labels(trained_model, open_opds) == {"Dinas Pendidikan": 3}
    with pytest.raises(PromotionRefusedError, match="3 open complaints .*Dinas Pendidikan"):
        promote(root, bad, open_opds=open_opds, margin=1.0)
    assert active_version(root) == good


def test_promote_then_roll_back_step_by_step(registry: tuple[Path, str, str]) -> None:
    root, good, bad = registry
    third = root / "third"
    shutil.copytree(root / good, third)
    promote(root, bad, margin=1.0)
    promote(root, "third", margin=1.0)
    assert rollback(root).version == bad
    assert rollback(root).version == good
    with pytest.raises(InputError, match="nothing to roll back to"):
        rollback(root)
    assert [line[1:3] for line in history(root)][-2:] == [("rollback", bad), ("rollback", good)]


@pytest.mark.parametrize("name", [HISTORY, ACTIVE])
def test_a_garbled_registry_file_is_reported_and_left_alone(
    registry: tuple[Path, str, str], name: str
) -> None:
    root, _, bad = registry
    garbled = b"2024-01-01\tpromote\t\xff\t\n"
    (root / name).write_bytes(garbled)
    with pytest.raises(ModelError, match="is not UTF-8 text"):
        promote(root, bad, margin=1.0, force=True)
    with pytest.raises(ModelError, match="is not UTF-8 text"):
        rollback(root)
    assert (root / name).read_bytes() == garbled


def test_a_crash_before_the_pointer_moves_leaves_the_old_model_active(
    registry: tuple[Path, str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root, good, bad = registry
    import triage.modelops.registry as registry_module

    real = registry_module._atomic_write

    def crash_on_active(path: Path, data: bytes) -> None:
        if path.name == ACTIVE:
            raise KeyboardInterrupt  # the process dies between HISTORY and ACTIVE
        real(path, data)

    monkeypatch.setattr(registry_module, "_atomic_write", crash_on_active)
    with pytest.raises(KeyboardInterrupt):
        promote(root, bad, margin=1.0)
    monkeypatch.undo()
    assert active_version(root) == good
    assert bad in (root / HISTORY).read_text()  # written, but not committed
    assert [line[2] for line in history(root)] == [good]
    with pytest.raises(InputError, match="nothing to roll back to"):
        rollback(root)


def test_a_promotion_checked_against_a_model_no_longer_active_is_refused(
    registry: tuple[Path, str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root, good, bad = registry
    import triage.modelops.registry as registry_module

    shutil.copytree(root / good, root / "third")
    real = registry_module.compare_models

    def another_admin_promotes_meanwhile(*args: object, **kwargs: object) -> Comparison:
        registry_module._commit(root, "promote", "third")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(registry_module, "compare_models", another_admin_promotes_meanwhile)
    with pytest.raises(InputError, match="changed during the checks"):
        promote(root, bad, margin=1.0)
    assert active_version(root) == "third"


@pytest.mark.parametrize(
    ("version", "error"),
    [("nope", ModelNotFoundError), ("../models", ModelNotFoundError), ("", ModelNotFoundError)],
)
def test_unknown_versions_are_refused(
    registry: tuple[Path, str, str], version: str, error: type[Exception]
) -> None:
    with pytest.raises(error):
        promote(registry[0], version)


@pytest.mark.parametrize(
    ("candidate", "active", "margin", "acceptable"),
    [(0.80, 0.81, 0.02, True), (0.79, 0.81, 0.02, True), (0.78, 0.81, 0.02, False),
     (0.90, 0.81, 0.0, True), (0.80, 0.81, 0.0, False)],
)  # fmt: skip
def test_margin(candidate: float, active: float, margin: float, acceptable: bool) -> None:
    assert Comparison("x", 10, candidate, active, margin).acceptable is acceptable


def _report(n: int, accuracy: float) -> dict[str, object]:
    half = n // 2
    per_class = {
        "a": {"precision": accuracy, "recall": accuracy, "f1": accuracy, "support": half},
        "b": {"precision": accuracy, "recall": accuracy, "f1": accuracy, "support": n - half},
    }
    return {"n": n, "accuracy": accuracy, "macro_f1": accuracy, "per_class": per_class}


@pytest.mark.parametrize(("n", "accuracy"), [(40, 0.8), (400, 0.8), (400, 0.6), (4000, 0.9)])
def test_bootstrap_intervals_hold_the_estimate_and_narrow_with_more_rows(
    n: int, accuracy: float
) -> None:
    ci = bootstrap_intervals(_report(n, accuracy))
    wider = bootstrap_intervals(_report(n // 4, accuracy))
    for metric in ("accuracy", "macro_f1"):
        low, high = ci[metric]
        assert low < accuracy < high
        # A binomial interval is about 4 standard errors wide.
        assert high - low == pytest.approx(4 * (accuracy * (1 - accuracy) / n) ** 0.5, rel=0.35)
        assert wider[metric][1] - wider[metric][0] > high - low


def test_models_command(
    registry: tuple[Path, str, str], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    root, good, bad = registry
    assert main(["models", "--models-dir", str(root), "list"]) == 0
    listed = capsys.readouterr().out
    assert f"* {good}" in listed
    assert f"  {bad}" in listed
    assert main(["models", "--models-dir", str(root), "show", good]) == 0
    assert capsys.readouterr().out.startswith(f"# Model card: {good}")
    db = f"sqlite:///{tmp_path / 'missing' / 'store.db'}"
    code = main(["models", "--models-dir", str(root), "promote", bad, "--database-url", db])
    err = capsys.readouterr().err
    assert code == 1
    assert err.count("\n") == 1
    assert "cannot check open complaints" in err
    argv = ["models", "--models-dir", str(root), "promote", bad, "--database-url", db, "--force"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert f"promoted: {bad} is active (was {good})" in out
    assert "forced past" in out
    assert main(["models", "--models-dir", str(root), "rollback"]) == 0
    assert f"rolled back: {good} is active" in capsys.readouterr().out


@pytest.fixture
def service(
    registry: tuple[Path, str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[Flask, str]:
    """The API on the registry (good model active), checking ACTIVE on every request."""
    url = f"sqlite:///{tmp_path / 'store.db'}"
    upgrade(url)
    monkeypatch.setattr(model_admin, "CHECK_SECONDS", 0.0)
    config = {"TESTING": True, "DATABASE_URL": url, "MODELS_DIR": str(registry[0])}
    app = create_app({**config, "AUTH": True, "RATE_LIMIT_PER_MINUTE": 0, "LOG_LEVEL": "ERROR"})
    store = KeyStore(make_engine(url))
    return app, store.create("admin", "admin")[1]


def _classify(client: FlaskClient, key: str) -> tuple[int, str | None]:
    response = client.post(
        "/v1/classify", json={"text": "lampu jalan mati"}, headers={"X-API-Key": key}
    )
    return response.status_code, (response.get_json() or {}).get("model_version")


def test_the_service_follows_promotions_without_a_restart(
    registry: tuple[Path, str, str], service: tuple[Flask, str]
) -> None:
    root, good, bad = registry
    app, key = service
    client = app.test_client()
    assert _classify(client, key) == (200, good)
    promote(root, bad, force=True)
    assert _classify(client, key) == (200, bad)
    assert client.get("/openapi.json").get_json()["info"]["version"] == bad
    rollback(root)
    assert _classify(client, key) == (200, good)


def test_no_request_fails_while_models_switch(
    registry: tuple[Path, str, str], service: tuple[Flask, str]
) -> None:
    root, good, bad = registry
    app, key = service
    results: list[tuple[int, str | None]] = []

    def hammer() -> None:
        client = app.test_client()
        results.extend(_classify(client, key) for _ in range(25))

    threads = [threading.Thread(target=hammer) for _ in range(2)]
    for thread in threads:
        thread.start()
    for _ in range(2):
        promote(root, bad, force=True)
        time.sleep(0.05)
        rollback(root)
    for thread in threads:
        thread.join()
    assert len(results) == 50
    assert {status for status, _ in results} == {200}
    assert {version for _, version in results} <= {good, bad}


def test_reload_endpoint(
    registry: tuple[Path, str, str], service: tuple[Flask, str], tmp_path: Path
) -> None:
    root, good, bad = registry
    app, key = service
    client = app.test_client()
    store = KeyStore(make_engine(app.extensions["triage"].settings.database_url))
    reader = store.create("reader", "read")[1]
    assert client.post("/v1/model/reload", headers={"X-API-Key": reader}).status_code == 403
    assert client.post("/v1/model/reload").status_code == 401
    body = client.post("/v1/model/reload", headers={"X-API-Key": key}).get_json()
    assert body == {"previous": good, "version": good, "changed": False}
    paths = client.get("/openapi.json").get_json()["paths"]
    assert "post" in paths["/v1/model/reload"]
    # A promoted artifact that fails its hash check: the old model keeps serving.
    promote(root, bad, force=True)
    (root / bad / "model.joblib").write_bytes(b"tampered")
    response = client.post("/v1/model/reload", headers={"X-API-Key": key})
    assert response.status_code == 409
    assert "previous model keeps serving" in response.get_json()["detail"]
    assert _classify(client, key) == (200, good)
