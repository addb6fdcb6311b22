"""The weekly digest and the ``triage alerts refresh`` / ``triage digest`` commands."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine

from tests.alert_seed import AS_OF, LAST_WEEK, auto_routed_share, seed, seeded_copy
from tests.api.databases import migrated_database
from training.cli import main
from triage.errors import CalendarError, InputError
from triage.store import make_engine, upgrade
from triage.store.alerts import AlertStore
from triage.trends import compliance_report
from triage.trends.digest import (
    Digest,
    GroupCount,
    build_digest,
    related_lines,
    render_html,
    render_markdown,
)
from triage.trends.refresh import refresh_alerts

WEEK_BEFORE = (AS_OF - timedelta(days=13), AS_OF - timedelta(days=7))


@pytest.fixture
def url(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> str:
    return seeded_copy(tmp_path_factory, tmp_path)


@pytest.fixture
def digest(engine: Engine) -> Digest:
    return build_digest(engine, days=7, as_of=AS_OF)


def test_digest_lists_the_spike_of_the_week_once(digest: Digest) -> None:
    assert (digest.start, digest.end) == (AS_OF - timedelta(days=6), AS_OF)
    # The flood raised three alerts (Banjir, Coblong, Banjir in Coblong): one item.
    assert digest.alerts_total == digest.open_alerts == 1
    (flood,) = digest.alerts
    assert flood.group_values == {"topic": "Banjir", "kecamatan": "Coblong"}
    assert [r.group_values for r in flood.related] == [
        {"topic": "Banjir"},
        {"kecamatan": "Coblong"},
    ]
    assert digest.auto_routed_share == pytest.approx(auto_routed_share(digest.start, AS_OF), 1e-3)


def test_digest_counts_top_topics_against_the_week_before(digest: Digest) -> None:
    assert digest.top_topics[0].name == "Banjir"
    assert digest.top_topics[0].count == 28
    assert digest.top_areas[0] == GroupCount("Coblong", 29, digest.top_areas[0].previous)
    assert digest.complaints == sum(row.count for row in digest.top_topics)


def test_an_older_week_has_no_alerts(engine: Engine) -> None:
    quiet = build_digest(engine, days=7, as_of=WEEK_BEFORE[1])
    assert (quiet.alerts, quiet.alerts_total) == ((), 0)
    assert "No spike alerts in this period." in render_markdown(quiet)
    share = auto_routed_share(quiet.start, quiet.end)
    assert f"{quiet.complaints} complaints; {share:.0%} routed automatically; 0 alert(s)" in (
        render_markdown(quiet)
    )


@pytest.mark.parametrize(
    ("days", "max_alerts", "top"), [(0, 20, 5), (367, 20, 5), (7, 0, 5), (7, 20, 0)]
)
def test_bad_digest_arguments(engine: Engine, days: int, max_alerts: int, top: int) -> None:
    with pytest.raises(InputError):
        build_digest(engine, days=days, max_alerts=max_alerts, top=top)


@pytest.mark.parametrize("as_of", [date(1, 1, 1), date(9999, 12, 31)])
def test_days_past_the_calendar_are_refused(engine: Engine, as_of: date) -> None:
    with pytest.raises(InputError, match="between 1970 and 9000"):
        build_digest(engine, as_of=as_of)


def test_markdown_has_sentence_numbers_related_alerts_and_examples(digest: Digest) -> None:
    text = render_markdown(digest)
    first = digest.alerts[0]
    city, area = first.related
    assert f"1. **{first.summary}** (open, alert #{first.id})" in text
    assert f"observed 26 vs expected {first.expected:.1f}" in text
    assert (
        f"   - also lifts: city-wide Banjir 28 vs {city.expected:.1f} expected (#{city.id}); "
        f"all complaints in Kecamatan Coblong 29 vs {area.expected:.1f} expected (#{area.id})\n"
    ) in text
    assert f"example complaints: {', '.join(first.example_ids)}" in text
    assert "| Banjir | 28 |" in text
    indonesian = render_markdown(digest, "id")
    assert first.summary_id in indonesian
    assert "pengaduan" in first.summary_id
    expected = f"{city.expected:.1f}".replace(".", ",")
    assert f"juga menaikkan: Banjir se-kota 28 vs perkiraan {expected} (#{city.id})" in indonesian
    assert "semua pengaduan di Kecamatan Coblong 29 vs perkiraan" in indonesian
    assert "<li>also lifts: city-wide Banjir 28 vs" in render_html(digest)


def test_related_lines_name_the_places_and_the_top_few(digest: Digest) -> None:
    flood = digest.alerts[0]
    city = flood.related[0]
    places = tuple(
        replace(
            city,
            id=10 + i,
            relation="where",
            group_values={"topic": "Banjir", "kecamatan": place},
            observed=9.0 - i,
            expected=1.0,
        )
        for i, place in enumerate(("Andir", "Coblong", "Lengkong", "Regol", "Sukajadi"))
    )
    headline = replace(flood, group_values={"topic": "Banjir"}, related=places)
    assert related_lines(headline) == [
        "where: Kecamatan Andir 9 vs 1.0 expected (#10); Kecamatan Coblong 8 vs 1.0 expected "
        "(#11); Kecamatan Lengkong 7 vs 1.0 expected (#12); and 2 more"
    ]
    assert related_lines(headline, "id")[0].startswith("lokasi: Kecamatan Andir 9 vs perkiraan 1,0")
    assert related_lines(replace(headline, related=())) == []


def test_html_escapes_names(digest: Digest) -> None:
    hostile = GroupCount("<script>alert(1)</script> | x", 1, 0)
    page = render_html(Digest(**{**digest.__dict__, "top_topics": (hostile,)}))
    assert "<script>" not in page
    assert "&lt;script&gt;" in page
    assert (
        render_markdown(Digest(**{**digest.__dict__, "top_topics": (hostile,)})).count("\\|") == 1
    )


def test_cli_refresh_is_idempotent_then_digest_writes_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    seed(url)
    refresh = ["alerts", "refresh", "--as-of", AS_OF.isoformat(), "--database-url", url]
    assert main(refresh) == 0
    assert "3 recent alert(s), 3 new, 0 updated" in capsys.readouterr().out
    assert main([*refresh, "--group", "topic"]) == 0
    out = capsys.readouterr().out
    assert "1 recent alert(s), 0 new, 1 updated" in out
    # One spike: one headline, its city-wide and kecamatan-wide alerts on the line beneath.
    assert "1 open headline alert(s)" in out
    assert "  also lifts: city-wide Banjir 28 vs" in out
    for fmt in ("md", "html"):
        output = tmp_path / f"digest.{fmt}"
        digest = ["digest", "--since", "1w", "--as-of", AS_OF.isoformat(), "--format", fmt]
        assert main([*digest, "--output", str(output), "--database-url", url]) == 0
        text = output.read_text(encoding="utf-8")
        assert f"week of {LAST_WEEK.isoformat()}" in text
        assert "also lifts: city-wide Banjir 28 vs" in text
    assert text.startswith("<!DOCTYPE html>")


@pytest.mark.parametrize(
    "argv",
    [
        ["digest", "--since", "0d"],
        ["digest", "--since", "week"],
        ["digest", "--as-of", "2024-02-30"],
        ["digest", "--format", "pdf"],
        ["digest", "--sla-verify-days", "0"],
        ["digest", "--sla-resolve-days", "two weeks"],
        ["alerts", "refresh", "--group", "street"],
        ["alerts", "refresh", "--lookback", "-1d"],
    ],
)
def test_cli_refuses_bad_arguments(argv: list[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(argv)
    assert stopped.value.code == 2


def test_a_bad_service_sla_setting_is_one_line(
    url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TRIAGE_SLA_VERIFY_DAYS", "abc")
    assert main(["digest", "--database-url", url]) == 1
    error = capsys.readouterr().err
    assert error == (
        "triage digest: error: TRIAGE_SLA_VERIFY_DAYS: expected a whole number of days "
        "1 to 366, not 'abc'\n"
    )
    # An option given on the command line needs no service setting.
    assert main(["digest", "--sla-verify-days", "3", "--database-url", url]) == 0


def test_cli_refuses_a_day_past_the_calendar(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["alerts", "refresh", "--as-of", "0001-01-01", "--database-url", url]) == 1
    assert "between 1970 and 9000" in capsys.readouterr().err


def test_cli_explains_an_unmigrated_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    upgrade(url, "0001")
    assert main(["digest", "--database-url", url]) == 1
    error = capsys.readouterr().err.strip()
    assert error.endswith("run `triage db upgrade`")
    assert "\n" not in error
    assert main(["alerts", "refresh", "--alpha", "0.7", "--database-url", url]) == 1


def test_refresh_acknowledge_and_digest_on_postgresql(tmp_path: Path) -> None:
    with migrated_database("postgresql", tmp_path) as url:
        seed(url)
        engine = make_engine(url)
        try:
            store = AlertStore(engine)
            assert refresh_alerts(store, as_of=AS_OF).inserted == 3
            (top,) = store.list_page(headlines=True).items
            assert len(top.related) == 2
            store.acknowledge(top.id, "pg", "checked")
            again = refresh_alerts(store, as_of=AS_OF)
            assert (again.inserted, again.updated, again.related) == (0, 3, 2)
            assert store.get(top.id).status == "acknowledged"
            assert store.get(top.id).series["dates"][-1] == LAST_WEEK.isoformat()
            assert store.list_page("open").total == 0
            digest = build_digest(engine, as_of=AS_OF)
            assert (digest.alerts_total, digest.open_alerts) == (1, 0)
            assert digest.top_topics[0] == GroupCount("Banjir", 28, digest.top_topics[0].previous)
        finally:
            engine.dispose()


def test_cli_does_not_create_a_missing_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'typo.db'}"
    assert main(["digest", "--database-url", url]) == 1
    assert "triage db upgrade" in capsys.readouterr().err
    assert not (tmp_path / "typo.db").exists()


def test_digest_shows_last_months_compliance_and_oldest_overdue(
    url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    common = ["digest", "--as-of", AS_OF.isoformat(), "--database-url", url]
    assert main([*common, "--overdue", "2"]) == 0
    text = capsys.readouterr().out
    section = text.split("## SLA compliance: complaints received in 2024-05")[1]
    # Nothing in the seeded store was ever verified: every May complaint is late by June's end.
    assert "(judged 2024-06-30 23:59 Asia/Jakarta)" in section
    assert "| Dinas Lingkungan Hidup | 28 | 0.0% | 0.0% | 0 | 0.0% | – | 28 |" in section
    line = next(x for x in section.splitlines() if x.startswith("- **Dinas Lingkungan Hidup**"))
    assert line.count("(belum_terverifikasi)") == 2
    assert line.endswith("; and 26 more")
    late = [int(n) for n in re.findall(r"(\d+) working day\(s\) late", line)]
    assert len(late) == 2
    assert late[0] >= late[1]
    # A longer resolution promise leaves May's resolution clocks running on 30 June.
    assert main([*common, "--overdue", "0", "--sla-resolve-days", "60"]) == 0
    longer = capsys.readouterr().out
    assert "| Dinas Lingkungan Hidup | 28 | 0.0% | 0.0% | 0 | – | – | 28 |" in longer
    assert "- **Dinas Lingkungan Hidup**: 28 overdue\n" in longer
    assert main([*common, "--overdue", "-1"]) == 1
    assert "--overdue must be between 0 and 500" in capsys.readouterr().err


def test_a_month_without_complaints_and_one_the_calendar_lacks(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = build_digest(engine, as_of=date(2021, 12, 10))
    assert empty.compliance is not None
    assert empty.compliance.agencies == ()
    assert "No complaints received in 2021-11." in render_markdown(empty)
    assert "<p>No complaints received in 2021-11.</p>" in render_html(empty)

    def uncovered(*_: object, **__: object) -> None:
        raise CalendarError("the holiday calendar lists no cuti bersama for 2031")

    monkeypatch.setattr(compliance_report, "compliance_by_month", uncovered)
    noted = build_digest(engine, as_of=AS_OF)
    assert "Not counted: the holiday calendar lists no cuti bersama" in render_markdown(noted)
