"""``triage db`` and ``triage keys``."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from ops import db_cmd, keys_cmd
from triage.errors import InputError
from triage.store import Database, KeyStore, StoreError, make_engine


def run(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="triage")
    subparsers = parser.add_subparsers(dest="command")
    db_cmd.register(subparsers)
    keys_cmd.register(subparsers)
    args = parser.parse_args(argv)
    result: int = args.func(args)
    return result


@pytest.fixture
def url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'var' / 'triage.db'}"


def test_db_upgrade_then_current(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("db", "current", "--database-url", url) == 1
    assert run("db", "upgrade", "--database-url", url) == 0
    assert run("db", "upgrade", "--database-url", url) == 0
    assert run("db", "current", "--database-url", url) == 0
    assert f"at revision {Database.head_revision()}" in capsys.readouterr().out


def test_db_upgrade_to_an_unknown_revision_is_an_input_error(url: str) -> None:
    with pytest.raises(InputError, match="'zzz'"):
        run("db", "upgrade", "--revision", "zzz", "--database-url", url)


def test_database_url_defaults_to_the_environment(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRIAGE_DATABASE_URL", url)
    assert run("db", "upgrade") == 0
    assert Path(url.removeprefix("sqlite:///")).exists()


def test_keys_create_prints_the_key_once(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    run("db", "upgrade", "--database-url", url)
    capsys.readouterr()
    assert run("keys", "create", "--name", "lapor", "--role", "ingest", "--database-url", url) == 0
    printed = capsys.readouterr()
    key = printed.out.strip()
    assert key.startswith("trs_")
    assert len(key) > 40
    engine = make_engine(url)
    assert KeyStore(engine).authenticate(key).role == "ingest"
    engine.dispose()
    run("keys", "list", "--database-url", url)
    listing = capsys.readouterr().out
    assert "lapor\tingest" in listing
    assert key not in listing
    assert run("keys", "revoke", "--name", "lapor", "--database-url", url) == 0
    run("keys", "list", "--database-url", url)
    assert "revoked" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "migrate", "error"),
    [
        # No store yet: refused, and none is created (run `triage db upgrade` first).
        (("keys", "create", "--name", "x", "--role", "admin"), False, StoreError),
        (("keys", "create", "--name", " ", "--role", "admin"), True, InputError),
        (("keys", "revoke", "--name", "nobody"), True, LookupError),
    ],
)
def test_keys_errors_are_triage_errors(
    url: str, argv: tuple[str, ...], migrate: bool, error: type[Exception]
) -> None:
    if migrate:
        run("db", "upgrade", "--database-url", url)
    with pytest.raises(error):
        run(*argv, "--database-url", url)


def test_unknown_role_is_a_usage_error(url: str) -> None:
    with pytest.raises(SystemExit):
        run("keys", "create", "--name", "x", "--role", "root", "--database-url", url)


def test_cli_registers_both_commands() -> None:
    from training.cli import COMMAND_MODULES

    assert {"ops.db_cmd", "ops.keys_cmd"} <= set(COMMAND_MODULES)
