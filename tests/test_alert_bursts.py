"""Bursts in ``triage alerts refresh``: stored once as alerts of kind "burst", updated by later
refreshes, one headline with the weekly alerts of the same incident, per-topic sensitivity,
bad input on the burst path, and migration 0010 both ways.

The history is the alert seed's (130 weeks, a flood in Coblong in the last week) with a burst
of 40 flood complaints in six hours in Coblong on the Wednesday of that week.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import insert, inspect, select, text

from tests.alert_seed import AS_OF, JAKARTA, LAST_WEEK, complaint_rows, seed
from tests.api.databases import BACKENDS, migrated_database
from training.cli import main
from triage.errors import InputError
from triage.store import make_engine, upgrade
from triage.store.alerts import AlertRecord, AlertRow, AlertStore
from triage.store.database import downgrade
from triage.store.schema import Complaint
from triage.trends.refresh import describe_burst, refresh_alerts
from triage.trends.relations import Incident, relate_kinds
from triage.trends.scan import BurstAlert, HourlyScan, scan_alerts
from triage.trends.sensitivity import scaled_alpha

BURST_DAY = LAST_WEEK + timedelta(days=2)
BURST_START = datetime.combine(BURST_DAY, datetime.min.time()).replace(hour=14, tzinfo=JAKARTA)
BURST = 40


def burst_rows(
    first_id: int,
    n: int = BURST,
    topic: str = "Banjir",
    start: datetime = BURST_START,
    hours: int = 6,
) -> list[dict[str, object]]:
    """``n`` complaints of ``topic`` in Coblong over ``hours`` hours from ``start`` (default:
    six hours from 14:00 of the burst day)."""
    rows = []
    for k in range(n):
        local = start + timedelta(minutes=k * 60 * hours // n)
        rows.append(
            {
                "id": first_id + k,
                "source": "seed",
                "external_id": str(first_id + k),
                "created_at": local.astimezone(UTC),
                "received_at": local.astimezone(UTC),
                "kecamatan": "Coblong",
                "text": "air setinggi lutut di underpass coblong",
                "status": "routed",
                "opd": "Dinas Sumber Daya Air",
                "topic": topic,
            }
        )
    return rows


def history(n: int = BURST, topic: str = "Banjir", **when: object) -> list[dict[str, object]]:
    rows = complaint_rows()
    return rows + burst_rows(len(rows) + 1, n, topic, **when)  # type: ignore[arg-type]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[AlertStore]:
    url = f"sqlite:///{tmp_path / 'bursts.db'}"
    seed(url, history())
    engine = make_engine(url)
    yield AlertStore(engine)
    engine.dispose()


def _at(hours_after_start: int) -> pd.Timestamp:
    return pd.Timestamp(BURST_START.replace(tzinfo=None)) + pd.Timedelta(hours=hours_after_start)


def _bursts(store: AlertStore) -> list[AlertRecord]:
    return [a for a in store.list_page("all", limit=100).items if a.kind == "burst"]


def test_a_burst_is_stored_within_hours_and_once_across_refreshes(store: AlertStore) -> None:
    first = refresh_alerts(store, as_of=BURST_DAY, scan=HourlyScan(), now=_at(3))
    assert first.bursts >= 1
    assert first.new_bursts == first.bursts
    stored = _bursts(store)
    assert {a.group_key for a in stored} >= {"Banjir|Coblong"}
    (burst,) = [a for a in stored if a.group_key == "Banjir|Coblong"]
    assert (burst.freq, burst.method, burst.status) == ("H", "scan", "open")
    assert burst.window_start is not None
    assert burst.window_end is not None
    start = burst.window_start.astimezone(JAKARTA)
    assert BURST_START <= start <= BURST_START + timedelta(hours=3)
    assert burst.observed > burst.upperbound >= 9
    assert burst.summary.startswith("Burst: Banjir in Kecamatan Coblong: ")
    assert burst.summary_id.startswith("Lonjakan cepat: Banjir di Kecamatan Coblong: ")
    assert burst.example_ids
    assert burst.series["dates"][0].endswith(":00")
    # An hour later the burst has grown: the same rows are updated, none added.
    again = refresh_alerts(store, as_of=BURST_DAY, scan=HourlyScan(), now=_at(4))
    assert again.new_bursts == 0
    assert again.bursts >= first.bursts
    later = _bursts(store)
    assert len({(a.group_columns, a.group_key) for a in later}) == len(later)
    (grown,) = [a for a in later if a.group_key == "Banjir|Coblong"]
    assert grown.id == burst.id
    assert grown.window_end is not None
    assert grown.window_end >= burst.window_end
    assert grown.observed >= burst.observed


def test_a_burst_and_the_weekly_alerts_it_causes_are_one_headline(store: AlertStore) -> None:
    refresh_alerts(store, as_of=BURST_DAY, scan=HourlyScan(), now=_at(6))
    # The week ends; the weekly model sees the same flood.
    summary = refresh_alerts(store, as_of=AS_OF, scan=HourlyScan())
    assert summary.detected == 3
    page = store.list_page("all", limit=100, headlines=True)
    (headline,) = page.items
    assert (headline.kind, headline.group_key) == ("burst", "Banjir|Coblong")
    weekly = [r for r in headline.related if r.kind == "spike"]
    assert {r.group_key for r in weekly} == {"Banjir", "Coblong", "Banjir|Coblong"}
    assert {r.relation for r in weekly if r.group_key == "Banjir|Coblong"} == {"same"}
    assert all(r.relation == "context" for r in headline.related if r.kind == "burst")
    # Acknowledging the headline acknowledges the weekly alerts of the incident too.
    store.acknowledge(headline.id, by="manager")
    assert store.list_page("open").total == 0


def test_without_the_scan_weekly_alerts_stay_as_they_were(store: AlertStore) -> None:
    summary = refresh_alerts(store, as_of=AS_OF)
    assert (summary.bursts, summary.new_bursts) == (0, 0)
    assert not _bursts(store)
    (headline,) = store.list_page("all", headlines=True).items
    assert headline.kind == "spike"


def test_relate_kinds_needs_nested_groups_and_near_days() -> None:
    def incident(
        i: int, kind: str, first: date, last: date, began: str = "", **values: str
    ) -> Incident:
        return Incident(i, kind, frozenset(values.items()), first, last, began)

    week = date(2024, 7, 1)
    headlines = [
        incident(1, "spike", week, week + timedelta(days=6), topic="Banjir", kecamatan="A"),
        incident(
            2, "burst", week + timedelta(days=2), week + timedelta(days=2), "b", topic="Banjir"
        ),
        incident(
            3, "burst", week - timedelta(days=3), week - timedelta(days=3), "a", kecamatan="A"
        ),
        # Another topic, or a burst long before: other incidents.
        incident(4, "burst", week, week, "c", topic="Sampah", kecamatan="A"),
        incident(5, "burst", week - timedelta(days=30), week, "d", topic="Banjir"),
        incident(6, "spike", week + timedelta(days=14), week + timedelta(days=20), topic="Sampah"),
    ]
    # The earliest burst of the incident heads it; the other burst and the spike go under it.
    assert relate_kinds(headlines) == {1: 3, 2: 3}


def test_a_topic_sensitivity_applies_to_bursts(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'small.db'}"
    # Twelve Sampah complaints in the 09:00 hour, when Coblong's Sampah complaints usually
    # come (about one every other day): just below the bar of a scan at alpha 1e-12.
    seed(url, history(n=12, topic="Sampah", start=BURST_START.replace(hour=9), hours=1))
    engine = make_engine(url)
    try:
        store = AlertStore(engine)
        plain = refresh_alerts(store, as_of=BURST_DAY, scan=HourlyScan(alpha=1e-12), now=_at(8))
        assert plain.bursts == 0
        eager = refresh_alerts(
            store,
            as_of=BURST_DAY,
            scan=HourlyScan(alpha=1e-12),
            now=_at(8),
            sensitivity={"Sampah": 0.45},
        )
        groups = {a.group_key for a in _bursts(store)}
        assert eager.bursts >= 1
        # The kecamatan's all-topics series mixes topics and keeps the scan's alpha.
        assert groups == {"Sampah|Coblong"}
    finally:
        engine.dispose()
    assert scaled_alpha(HourlyScan(), 0.05, 0.01).alpha == pytest.approx(5e-6)
    with pytest.raises(InputError, match="between 0 and 0.5"):
        scaled_alpha(HourlyScan(alpha=0.1), 0.45, 0.01)


# -- bad input on the burst path --------------------------------------------------------------


def test_a_short_history_is_a_stated_warning(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'short.db'}"
    seed(url, burst_rows(1))
    engine = make_engine(url)
    try:
        summary = refresh_alerts(AlertStore(engine), as_of=BURST_DAY, scan=HourlyScan())
    finally:
        engine.dispose()
    assert summary.bursts == 0
    (warning,) = [w for w in summary.warnings if w.startswith("bursts: ")]
    assert "not enough history for the hourly scan" in warning
    assert "\n" not in warning


def test_no_complaints_is_a_stated_warning(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    upgrade(url)
    engine = make_engine(url)
    try:
        summary = refresh_alerts(AlertStore(engine), as_of=BURST_DAY, scan=HourlyScan())
    finally:
        engine.dispose()
    assert "bursts: no complaints to scan" in summary.warnings


@pytest.mark.parametrize(
    ("created_at", "message"),
    [
        (["2024-07-01 08:00", "not a time"], "created_at"),
        (["2024-07-01 08:00", "2024-07-01 09:00"], "not enough history"),
    ],
)
def test_bad_complaint_rows_are_one_line_errors(created_at: list[str], message: str) -> None:
    data = pd.DataFrame({"created_at": created_at, "topic": ["Banjir"] * len(created_at)})
    as_of = pd.Timestamp("2024-07-02 00:00")
    with pytest.raises(InputError, match=message) as raised:
        scan_alerts(data, [("topic",)], as_of, as_of - pd.Timedelta(hours=24))
    assert "\n" not in str(raised.value)


def test_cli_prints_bursts_and_refuses_a_bad_burst_alpha(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    seed(url, history())
    argv = ["alerts", "refresh", "--as-of", AS_OF.isoformat(), "--database-url", url]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "recent burst(s)" in out
    assert "1 open headline alert(s)" in out
    assert "- #" in out
    assert "Burst: Banjir in Kecamatan Coblong" in out
    assert main([*argv, "--no-bursts"]) == 0
    assert "burst(s)" not in capsys.readouterr().out
    assert main([*argv, "--burst-alpha", "0"]) == 1
    error = capsys.readouterr().err.strip()
    assert error.endswith("--burst-alpha must be between 0 and 0.5, got 0.0")
    assert "\n" not in error


def test_describe_burst_in_both_languages() -> None:
    burst = BurstAlert(
        ("topic",),
        "Air PDAM",
        pd.Timestamp("2024-08-13 08:00"),
        pd.Timestamp("2024-08-13 14:00"),
        pd.Timestamp("2024-08-13 13:00"),
        6,
        40.0,
        0.45,
        9.0,
        1e-12,
        3,
        {},
    )
    assert describe_burst(burst) == (
        "Burst: Air PDAM: 40 complaints in 6 hours to 2024-08-13 14:00, where 0.5 were "
        "expected (upper bound 9)"
    )
    assert describe_burst(burst, "id") == (
        "Lonjakan cepat: Air PDAM: 40 pengaduan dalam 6 jam sampai 2024-08-13 14:00, padahal "
        "perkiraan 0,5 (batas atas 9)"
    )


# -- migration 0010 ---------------------------------------------------------------------------


@pytest.mark.parametrize("backend", BACKENDS)
def test_migration_0010_keeps_alerts_both_ways(backend: str, tmp_path: Path) -> None:
    with migrated_database(backend, tmp_path) as url:
        engine = make_engine(url)
        try:
            with engine.begin() as connection:
                connection.execute(insert(Complaint), history()[-BURST:])
            store = AlertStore(engine)
            now = datetime(2024, 7, 3, tzinfo=UTC)
            with store.session(write=True) as session:
                session.add_all(
                    [_row("Banjir", "spike", now), _row("Banjir|Coblong", "burst", now)]
                )
            engine.dispose()
            downgrade(url, "0009")
            columns = {c["name"] for c in inspect(engine).get_columns("alerts")}
            assert not {"kind", "window_start", "window_end"} & columns
            with engine.connect() as connection:
                keys = connection.execute(text("SELECT group_key FROM alerts ORDER BY id")).all()
            assert [k[0] for k in keys] == ["Banjir", "Banjir|Coblong"]
            engine.dispose()
            upgrade(url)
            kinds = [(a.group_key, a.kind) for a in store.list_page("all").items]
            # The window and kind were dropped with the columns: every alert is a spike again.
            assert sorted(kinds) == [("Banjir", "spike"), ("Banjir|Coblong", "spike")]
            with store.session() as session:
                assert session.scalars(select(AlertRow.window_start)).all() == [None, None]
        finally:
            engine.dispose()


def _row(key: str, kind: str, now: datetime) -> AlertRow:
    columns = "topic,kecamatan" if "|" in key else "topic"
    return AlertRow(
        group_columns=columns,
        group_key=key,
        freq="H" if kind == "burst" else "W",
        kind=kind,
        window_start=now if kind == "burst" else None,
        window_end=now + timedelta(hours=6) if kind == "burst" else None,
        start_date=now.date(),
        end_date=now.date(),
        periods=1,
        observed=40.0,
        expected=1.0,
        upperbound=9.0,
        severity=31.0,
        score=12.0,
        last_year=None,
        method="scan",
        reason="r",
        summary="s",
        summary_id="s",
        top_words=[],
        example_ids=[],
        series={},
        status="open",
        created_at=now,
        updated_at=now,
    )
