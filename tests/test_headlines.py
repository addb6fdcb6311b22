"""Per-topic sensitivity of ``triage alerts refresh`` (a ``topic,alpha`` CSV)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.alert_seed import AS_OF, seed
from training.cli import main
from triage.errors import DataFileError, InputError
from triage.store import make_engine
from triage.store.alerts import AlertStore
from triage.trends.detectors import EarsC, SeasonalNB
from triage.trends.refresh import refresh_alerts
from triage.trends.sensitivity import (
    parse_sensitivity,
    read_sensitivity,
    split_topics,
    with_alpha,
)


def test_parse_reads_topics_and_alphas() -> None:
    text = "topic,alpha\nBanjir dan Genangan,0.05\n\n Sampah , 0.001\n"
    assert parse_sensitivity(text) == {"Banjir dan Genangan": 0.05, "Sampah": 0.001}
    assert split_topics({"a": 0.05, "b": 0.001, "c": 0.05}) == {
        0.001: frozenset({"b"}),
        0.05: frozenset({"a", "c"}),
    }


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "no rows"),
        ("name,alpha\nBanjir,0.1\n", "line 1 must be the header"),
        ("topic,alpha\nBanjir\n", "line 2: expected 'topic,alpha', got 1 cells"),
        ("topic,alpha\n,0.1\n", "line 2: the topic is empty"),
        ("topic,alpha\nBanjir,often\n", "line 2: alpha 'often' is not a number"),
        ("topic,alpha\nBanjir,0.7\n", "line 2: alpha must be between 0 and 0.5, got 0.7"),
        ("topic,alpha\nBanjir,0\n", "alpha must be between 0 and 0.5"),
        ("topic,alpha\nBanjir,nan\n", "alpha must be between 0 and 0.5"),
        ("topic,alpha\nBanjir,0.1\nBanjir,0.2\n", "line 3: topic 'Banjir' is listed twice"),
    ],
)
def test_bad_sensitivity_is_one_line_error(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message) as raised:
        parse_sensitivity(text, "s.csv")
    assert "\n" not in str(raised.value)
    assert str(raised.value).startswith("s.csv: ")


def test_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match="no such file"):
        read_sensitivity(tmp_path / "missing.csv")
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"topic,alpha\n\xff\xfe,0.1\n")
    with pytest.raises(DataFileError, match="cannot read it as UTF-8"):
        read_sensitivity(binary)


def test_with_alpha_keeps_the_other_settings() -> None:
    changed = with_alpha(SeasonalNB(holidays=True, span=1), 0.05)
    assert changed == SeasonalNB(alpha=0.05, holidays=True, span=1)
    assert with_alpha(EarsC(), 0.01) == EarsC(alpha=0.01)
    with pytest.raises(InputError, match="between 0 and 0.5"):
        with_alpha(SeasonalNB(), 0.9)


def _groups(url: str, sensitivity: dict[str, float] | None) -> tuple[set[str], tuple[str, ...]]:
    engine = make_engine(url)
    try:
        store = AlertStore(engine)
        summary = refresh_alerts(store, as_of=AS_OF, sensitivity=sensitivity)
        page = store.list_page("open", limit=50, active_since=None, headlines=False)
    finally:
        engine.dispose()
    return {f"{','.join(a.group_columns)}={a.group_key}" for a in page.items}, summary.warnings


def test_a_topic_alpha_applies_to_the_topic_group_sets_only(tmp_path: Path) -> None:
    default_url = f"sqlite:///{tmp_path / 'default.db'}"
    strict_url = f"sqlite:///{tmp_path / 'strict.db'}"
    seed(default_url)
    seed(strict_url)
    default, _ = _groups(default_url, None)
    assert default == {
        "topic=Banjir",
        "kecamatan=Coblong",
        "topic,kecamatan=Banjir|Coblong",
    }
    # A very sensitive setting for the steady Sampah series makes it alarm, city-wide and
    # per kecamatan; the kecamatan's all-topics series mixes topics and keeps the detector's
    # alpha, and the flood alerts stay as they were.
    eager, warnings = _groups(strict_url, {"Sampah": 0.45, "Kebakaran": 0.05})
    added = eager - default
    assert default <= eager
    assert "topic=Sampah" in added
    assert added <= {
        "topic=Sampah",
        "topic,kecamatan=Sampah|Coblong",
        "topic,kecamatan=Sampah|Sukajadi",
    }
    assert "sensitivity: no complaints of topic 'Kebakaran'" in warnings


def test_cli_sensitivity_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    seed(url)
    settings = tmp_path / "sensitivity.csv"
    settings.write_text("topic,alpha\nSampah,0.45\n", encoding="utf-8")
    argv = ["alerts", "refresh", "--as-of", AS_OF.isoformat(), "--database-url", url]
    assert main(argv) == 0
    assert "3 recent alert(s), 3 new" in capsys.readouterr().out
    assert main([*argv, "--sensitivity", str(settings)]) == 0
    assert "0 new, 3 updated" not in capsys.readouterr().out
    settings.write_text("topic,alpha\nBanjir,2\n", encoding="utf-8")
    assert main([*argv, "--sensitivity", str(settings)]) == 1
    error = capsys.readouterr().err.strip()
    assert error.endswith("line 2: alpha must be between 0 and 0.5, got 2")
    assert "\n" not in error
    assert main([*argv, "--sensitivity", str(tmp_path / "none.csv")]) == 1
    assert "no such file" in capsys.readouterr().err
