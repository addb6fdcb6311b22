"""``triage tenants`` and the ``--tenant`` of every operator command: one tenant's command
never reads, moves, counts or alerts on another tenant's complaints."""

from __future__ import annotations

import argparse
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.alert_seed import AS_OF, seeded_copy
from training.cli import build_parser, main
from triage.store import (
    DEFAULT_TENANT_ID,
    AlertStore,
    ComplaintStore,
    KeyStore,
    NewComplaint,
    NewPrediction,
    TenantStore,
    make_engine,
    upgrade,
)

REGISTRY = (
    "# Kota Samarinda, written for the tests\n"
    "opd,urusan,description,aliases\n"
    "Dinas Pekerjaan Umum dan Penataan Ruang,1.03,jalan dan drainase,DPUPR;PUPR\n"
    "Dinas Perhubungan,2.15,lampu jalan dan parkir,Dishub\n"
)
GAZETTEER = "kecamatan,kelurahan\nSamarinda Ulu,Air Hitam\nSamarinda Ulu,Dadi Mulya\n"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'triage.db'}"
    upgrade(url)
    return url


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    paths = {"registry": tmp_path / "registry.csv", "gazetteer": tmp_path / "wilayah.csv"}
    paths["registry"].write_text(REGISTRY, encoding="utf-8")
    paths["gazetteer"].write_text(GAZETTEER, encoding="utf-8")
    return paths


def add_samarinda(capsys: pytest.CaptureFixture[str], url: str, files: dict[str, Path]) -> int:
    code, out, err = run(
        capsys,
        "tenants", "add", "samarinda",
        "--registry", str(files["registry"]),
        "--gazetteer", str(files["gazetteer"]),
        "--display-name", "Kota Samarinda",
        "--database-url", url,
    )  # fmt: skip
    assert (code, err) == (0, "")
    assert "added tenant 'samarinda' (Kota Samarinda, kota) with 2 agencies" in out
    engine = make_engine(url)
    try:
        return TenantStore(engine).get_tenant("samarinda").id
    finally:
        engine.dispose()


def test_add_list_and_show(
    capsys: pytest.CaptureFixture[str], url: str, files: dict[str, Path]
) -> None:
    add_samarinda(capsys, url, files)
    code, out, _ = run(capsys, "tenants", "list", "--database-url", url)
    assert code == 0
    assert [line.split("\t")[:3] for line in out.splitlines()] == [
        ["bandung", "Kota Bandung", "kota"],
        ["samarinda", "Kota Samarinda", "kota"],
    ]
    code, out, _ = run(capsys, "tenants", "show", "samarinda", "--database-url", url)
    assert code == 0
    assert "registry: 2 agencies, digest " in out
    assert "gazetteer: 1 kecamatan, 2 kelurahan" in out
    assert "keys: 0 active" in out
    assert "complaints: 0" in out
    assert "  Dinas Pekerjaan Umum dan Penataan Ruang (DPUPR, PUPR)\t1.03" in out
    code, out, _ = run(capsys, "tenants", "show", "bandung", "--database-url", url)
    assert "gazetteer: 30 kecamatan, 151 kelurahan" in out


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("opd,urusan,description\nDinas A,9.99,x\n", "line 2: unknown urusan code 9.99"),
        ("opd,urusan\nDinas A,1.03\n", "description"),
        ("opd,urusan,description\nDinas A,1.03,x\nDinas A,1.04,y\n", "line 3: 'Dinas A'"),
        ("opd,urusan,description\nDinas A,1.03,\n", "line 2: empty description"),
    ],
)
def test_a_bad_registry_is_one_line_and_writes_nothing(
    capsys: pytest.CaptureFixture[str], url: str, tmp_path: Path, content: str, message: str
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(content, encoding="utf-8")
    code, out, err = run(
        capsys, "tenants", "add", "x", "--registry", str(bad), "--database-url", url
    )
    assert code == 1
    assert out == ""
    assert err.count("\n") == 1
    assert message in err
    assert "Traceback" not in err
    engine = make_engine(url)
    try:
        assert [t.name for t in TenantStore(engine).list_tenants()] == ["bandung"]
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("--gazetteer", "{tmp}/none.csv"), "no such file"),
        (("--gazetteer", "{registry}"), "no column kecamatan"),
        (("--level", "kota"), ""),
    ],
)
def test_a_bad_gazetteer_or_name_writes_nothing(
    capsys: pytest.CaptureFixture[str],
    url: str,
    files: dict[str, Path],
    tmp_path: Path,
    argv: tuple[str, ...],
    message: str,
) -> None:
    extra = [a.format(tmp=tmp_path, registry=files["registry"]) for a in argv]
    # "bandung" exists already: the last case is refused for its name.
    name = "bandung" if not message else "x"
    code, _, err = run(
        capsys,
        "tenants", "add", name, "--registry", str(files["registry"]), *extra,
        "--database-url", url,
    )  # fmt: skip
    assert code == 1
    assert err.count("\n") == 1
    assert (message or "exists already") in err
    engine = make_engine(url)
    try:
        assert len(TenantStore(engine).list_tenants()) == 1
    finally:
        engine.dispose()


def test_a_bad_slug_is_refused(
    capsys: pytest.CaptureFixture[str], url: str, files: dict[str, Path]
) -> None:
    code, _, err = run(
        capsys, "tenants", "add", "Kota Samarinda", "--registry", str(files["registry"]),
        "--database-url", url,
    )  # fmt: skip
    assert code == 1
    assert "is not a slug" in err


def test_configure_validates_settings_and_keeps_the_old_ones_on_error(
    capsys: pytest.CaptureFixture[str], url: str, files: dict[str, Path], tmp_path: Path
) -> None:
    add_samarinda(capsys, url, files)
    settings = tmp_path / "settings.json"
    good = {"sla": {"verification_days": 2, "resolution_days": 10}, "sensitivity": {"Banjir": 0.05}}
    settings.write_text(json.dumps(good), encoding="utf-8")
    code, out, _ = run(
        capsys, "tenants", "configure", "samarinda", "--settings", str(settings),
        "--database-url", url,
    )  # fmt: skip
    assert code == 0
    code, out, _ = run(capsys, "tenants", "show", "samarinda", "--database-url", url)
    assert "sla: verification 2 working days, follow-up 5 working days, resolution 10 days" in out
    for bad, message in [
        ({"sla": {"verification_days": 0}}, "sla.verification_days must be a positive whole"),
        ({"sla": {"verification_days": True}}, "sla.verification_days must be a positive whole"),
        ({"sla": {"weekend_days": 1}}, "unknown sla key 'weekend_days'"),
        ({"sensitivity": {"Banjir": 0.7}}, "sensitivity.Banjir: alpha must be between 0 and 0.5"),
        ({"sensitivity": {"Banjir": "high"}}, "alpha must be a number"),
        ({"sensitivity": ["Banjir"]}, "sensitivity must be an object"),
        ({"models_dir": ""}, "models_dir must be a non-empty path"),
        ({"colour": "red"}, "unknown key 'colour'"),
        ([1, 2], "expected a JSON object"),
    ]:
        settings.write_text(json.dumps(bad), encoding="utf-8")
        code, _, err = run(
            capsys, "tenants", "configure", "samarinda", "--settings", str(settings),
            "--database-url", url,
        )  # fmt: skip
        assert (code, err.count("\n")) == (1, 1), bad
        assert message in err, (bad, err)
    settings.write_text("{not json", encoding="utf-8")
    code, _, err = run(
        capsys, "tenants", "configure", "samarinda", "--settings", str(settings),
        "--database-url", url,
    )  # fmt: skip
    assert code == 1
    assert "not JSON" in err
    engine = make_engine(url)
    try:
        assert TenantStore(engine).get_tenant("samarinda").settings == good
    finally:
        engine.dispose()


# -- --tenant on every operator command ---------------------------------------------------------

# Each sub-command that takes --tenant, with the arguments it needs beside it.
TENANT_COMMANDS: dict[tuple[str, ...], tuple[str, ...]] = {
    ("keys", "create"): ("--name", "x", "--role", "read"),
    ("keys", "revoke"): ("--name", "x"),
    ("keys", "list"): (),
    ("alerts",): ("refresh", "--as-of", AS_OF.isoformat()),
    ("digest",): ("--as-of", AS_OF.isoformat()),
    ("complaints", "transition"): ("--id", "1", "--to", "terverifikasi"),
    ("complaints", "events"): ("--id", "1"),
    ("import", "lapor"): ("export.csv",),
}
# The operators' commands that act on the store's schema or on the tenants themselves.
NOT_PER_TENANT = {("db",), ("tenants", "add"), ("tenants", "list"), ("tenants", "show")}
NOT_PER_TENANT |= {("tenants", "configure")}


Command = tuple[argparse.ArgumentParser, object]


def _commands(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = (), func: object = None
) -> dict[tuple[str, ...], Command]:
    """Every leaf sub-command with the function that runs it (set on it or on a parent)."""
    func = parser.get_default("func") or func
    subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subs:
        return {path: (parser, func)}
    found: dict[tuple[str, ...], Command] = {}
    for name, sub in subs[0].choices.items():
        found.update(_commands(sub, (*path, name), func))
    return found


def test_every_operator_command_on_stored_data_takes_a_tenant() -> None:
    ops = {
        path: parser
        for path, (parser, func) in _commands(build_parser()).items()
        if getattr(func, "__module__", "").startswith("ops.")
    }
    with_tenant = {
        path
        for path, parser in ops.items()
        if any("--tenant" in action.option_strings for action in parser._actions)
    }
    assert with_tenant == set(TENANT_COMMANDS), "add the new command to TENANT_COMMANDS"
    assert set(ops) - with_tenant == NOT_PER_TENANT


@pytest.mark.parametrize("command", list(TENANT_COMMANDS), ids=" ".join)
def test_an_unknown_tenant_is_one_line_and_exit_1(
    capsys: pytest.CaptureFixture[str], url: str, command: tuple[str, ...]
) -> None:
    code, out, err = run(
        capsys, *command, *TENANT_COMMANDS[command], "--tenant", "atlantis", "--database-url", url
    )
    assert code == 1
    assert out == ""
    assert err == f"triage {command[0]}: error: unknown tenant 'atlantis'; known: bandung\n"


@pytest.fixture
def two_cities(
    capsys: pytest.CaptureFixture[str],
    tmp_path_factory: pytest.TempPathFactory,
    tmp_path: Path,
    files: dict[str, Path],
) -> tuple[str, int]:
    """Bandung with the seeded flood history and its alerts; Samarinda with one complaint."""
    url = seeded_copy(tmp_path_factory, tmp_path)
    other = add_samarinda(capsys, url, files)
    engine = make_engine(url)
    try:
        ComplaintStore(engine, tenant_id=other).add(
            NewComplaint(
                source="lapor",
                external_id="S-1",
                text="lampu jalan mati",
                created_at=datetime(AS_OF.year, AS_OF.month, AS_OF.day, 3, tzinfo=UTC),
            ),
            NewPrediction("m", "Dinas Perhubungan", 0.9, "PJU", 0.9, False, 1.0),
        )
    finally:
        engine.dispose()
    return url, other


def test_keys_belong_to_the_tenant_named(
    capsys: pytest.CaptureFixture[str], two_cities: tuple[str, int]
) -> None:
    url, other = two_cities
    code, key, _ = run(
        capsys, "keys", "create", "--name", "lapor", "--role", "ingest", "--tenant", "samarinda",
        "--database-url", url,
    )  # fmt: skip
    assert code == 0
    engine = make_engine(url)
    try:
        assert KeyStore(engine).authenticate(key.strip()).tenant_id == other
    finally:
        engine.dispose()
    assert run(capsys, "keys", "list", "--database-url", url)[1] == ""
    assert run(capsys, "keys", "list", "--tenant", "samarinda", "--database-url", url)[1]
    # Bandung has no client of that name: revoking it there changes nothing of Samarinda's.
    assert run(capsys, "keys", "revoke", "--name", "lapor", "--database-url", url)[0] == 1
    out = run(capsys, "keys", "list", "--tenant", "samarinda", "--database-url", url)[1]
    assert out.rstrip().endswith("active")


def test_complaint_commands_do_not_reach_another_tenants_complaint(
    capsys: pytest.CaptureFixture[str], two_cities: tuple[str, int]
) -> None:
    url, _ = two_cities
    # Complaint 1 is Bandung's (seeded first).
    for action in (("transition", "--to", "terverifikasi"), ("events",)):
        code, _, err = run(
            capsys, "complaints", action[0], "--id", "1", *action[1:], "--tenant", "samarinda",
            "--database-url", url,
        )  # fmt: skip
        assert code == 1
        assert err == "triage complaints: error: no complaint with id 1\n"
    engine = make_engine(url)
    try:
        assert ComplaintStore(engine).get(1).state == "belum_terverifikasi"
    finally:
        engine.dispose()
    code, out, _ = run(
        capsys, "complaints", "transition", "--id", "1", "--to", "terverifikasi",
        "--database-url", url,
    )  # fmt: skip
    assert code == 0
    assert "belum_terverifikasi -> terverifikasi" in out


def test_alerts_and_digest_count_only_the_tenants_complaints(
    capsys: pytest.CaptureFixture[str], two_cities: tuple[str, int]
) -> None:
    url, other = two_cities
    as_of = ("--as-of", AS_OF.isoformat())
    code, out, _ = run(
        capsys, "alerts", "refresh", *as_of, "--tenant", "samarinda", "--database-url", url
    )
    assert code == 0
    assert out.startswith("1 complaints up to")
    assert "0 open headline alert(s)" in out
    engine = make_engine(url)
    try:
        assert AlertStore(engine, tenant_id=other).list_page("all").total == 0
        assert AlertStore(engine, tenant_id=DEFAULT_TENANT_ID).list_page("all").total > 0
    finally:
        engine.dispose()
    code, out, _ = run(capsys, "digest", *as_of, "--tenant", "samarinda", "--database-url", url)
    assert code == 0
    assert "0 alert(s)" in out
    code, theirs, _ = run(capsys, "digest", *as_of, "--database-url", url)
    assert "0 alert(s)" not in theirs
