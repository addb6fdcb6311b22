"""Weeks that end on the refresh's last complete day: anchoring, one stored alert across the
anchors of daily refreshes, and bad inputs."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest

from tests.alert_seed import AS_OF, LAST_WEEK, seeded_copy
from training.cli import main
from triage.errors import InputError
from triage.periods import check_week_start, period_start, week_start_after
from triage.store import make_engine
from triage.store.alerts import AlertRecord, AlertStore
from triage.trends.counts import count_series
from triage.trends.refresh import refresh_alerts
from triage.trends.relations import Span, Spike, daily_excess, overlapping, relate

# -- anchoring ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("week_start", "first_day"),
    [(0, "2024-07-01"), (2, "2024-07-03"), (3, "2024-06-27"), (6, "2024-06-30")],
)
def test_weeks_start_on_the_given_weekday(week_start: int, first_day: str) -> None:
    # Wednesday 3 July 2024, late evening, and the next Tuesday at midnight.
    stamps = pd.Series(pd.to_datetime(["2024-07-03 23:30", "2024-07-09 00:00"]))
    starts = period_start(stamps, "W", week_start)
    assert f"{starts.iloc[0]:%Y-%m-%d}" == first_day
    assert (starts.dt.day_of_week == week_start).all()
    assert (stamps - starts).max() < pd.Timedelta(days=7)
    # Days ignore the weekday.
    assert period_start(stamps, "D", week_start).tolist() == stamps.dt.floor("D").tolist()


@pytest.mark.parametrize(
    ("last_day", "week_start"),
    [(date(2024, 6, 30), 0), (date(2024, 7, 1), 1), (date(2024, 7, 6), 6)],
)
def test_the_last_week_ends_on_the_last_day(last_day: date, week_start: int) -> None:
    assert week_start_after(last_day) == week_start
    first = pd.Series(pd.to_datetime([last_day - timedelta(days=6)]))
    last = pd.Series(pd.to_datetime([last_day]))
    assert (
        period_start(first, "W", week_start).iloc[0] == period_start(last, "W", week_start).iloc[0]
    )


def test_counts_per_week_follow_the_anchor() -> None:
    frame = pd.DataFrame(
        {"created_at": pd.to_datetime(["2024-07-01", "2024-07-02", "2024-07-08", "2024-07-09"])}
    )
    iso = count_series(frame, freq="W")
    tuesday = count_series(frame, freq="W", week_start=1)
    assert [f"{d:%Y-%m-%d}" for d in iso.index] == ["2024-07-01", "2024-07-08"]
    assert iso["all"].tolist() == [2.0, 2.0]
    assert [f"{d:%Y-%m-%d}" for d in tuesday.index] == ["2024-06-25", "2024-07-02", "2024-07-09"]
    assert tuesday["all"].tolist() == [1.0, 2.0, 1.0]


@pytest.mark.parametrize("bad", [7, -1, True, "monday", 1.0])
def test_a_week_start_that_is_no_weekday_is_refused(bad: object) -> None:
    with pytest.raises(InputError, match="weekday from 0") as raised:
        check_week_start(bad)  # type: ignore[arg-type]
    assert "\n" not in str(raised.value)
    with pytest.raises(InputError, match="weekday from 0"):
        count_series(pd.DataFrame({"created_at": ["2024-07-01"]}), week_start=bad)  # type: ignore[arg-type]


# -- relating alerts whose weeks do not line up -------------------------------------------------


def test_daily_excess_keeps_shares_of_aligned_weeks_and_relates_shifted_ones() -> None:
    week = {"2024-07-01": 14.0, "2024-07-08": 7.0}
    spread = daily_excess(week, 7)
    assert len(spread) == 14
    assert spread["2024-07-03"] == pytest.approx(2.0)
    assert sum(spread.values()) == pytest.approx(21.0)
    assert daily_excess(week, 1) == week
    # The city-wide flood on Monday weeks, the flood in Coblong on Tuesday weeks (a day later).
    city = Spike(1, frozenset({("topic", "Banjir")}), 1.0, daily_excess({"2024-07-01": 20.0}, 7))
    local = Spike(
        2,
        frozenset({("topic", "Banjir"), ("kecamatan", "Coblong")}),
        1.0,
        daily_excess({"2024-07-02": 21.0}, 7),
    )
    assert relate([city, local]) == {1: (2, "context", 0.9)}
    # Per first day the two would share nothing, and stay two headlines.
    by_week = [
        Spike(1, city.values, 1.0, {"2024-07-01": 20.0}),
        Spike(2, local.values, 1.0, {"2024-07-02": 21.0}),
    ]
    assert relate(by_week) == {}


# -- the refresh --------------------------------------------------------------------------------


@pytest.fixture
def store(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> Iterator[AlertStore]:
    """The seed's history (25 extra floods in Coblong in its last week), refreshed as of its
    last day, a Sunday: Monday weeks."""
    engine = make_engine(seeded_copy(tmp_path_factory, tmp_path))
    yield AlertStore(engine)
    engine.dispose()


def _weekly(store: AlertStore) -> list[AlertRecord]:
    rows = store.list_page("all", limit=100).items
    return sorted((a for a in rows if a.freq == "W"), key=lambda a: (a.group_columns, a.group_key))


def _groups(alerts: list[AlertRecord]) -> list[tuple[str, str]]:
    return [(a.group_columns, a.group_key) for a in alerts]


def _weekdays(alert: AlertRecord) -> set[int]:
    return {date.fromisoformat(day).weekday() for day in alert.series["dates"]}


def test_refreshes_on_seven_days_keep_one_alert_per_group(store: AlertStore) -> None:
    before = _weekly(store)
    assert set(_groups(before)) == {
        (("topic",), "Banjir"),
        (("kecamatan",), "Coblong"),
        (("topic", "kecamatan"), "Banjir|Coblong"),
    }
    assert all(a.start == a.end == LAST_WEEK for a in before)
    for days in range(1, 8):
        as_of = AS_OF + timedelta(days=days)
        summary = refresh_alerts(store, as_of=as_of, now=pd.Timestamp(as_of) + pd.Timedelta(days=1))
        assert summary.inserted == 0
        assert summary.updated == summary.detected == 3
        after = _weekly(store)
        assert _groups(after) == _groups(before)
        for old, new in zip(before, after, strict=True):
            assert new.id == old.id
            # The alert covers every day it was seen on: it only widens.
            assert new.start <= old.start <= LAST_WEEK
            assert new.end >= old.end
            # Its numbers and chart are the newest view's: weeks ending on as_of's weekday.
            assert _weekdays(new) == {(as_of + timedelta(days=1)).weekday()}
        before = after
    # One spike, one headline, whatever the weekday of the refresh that saw each alert last.
    (headline,) = store.list_page("all", limit=100, headlines=True).items
    assert headline.group_key == "Banjir|Coblong"
    assert {r.group_key for r in headline.related} == {"Banjir", "Coblong"}


def test_a_refresh_today_judges_the_weeks_that_ended_yesterday(store: AlertStore) -> None:
    # Tuesday, ten in the morning: the last complete day is Monday, weeks run Tuesday to Monday.
    today = AS_OF + timedelta(days=2)
    summary = refresh_alerts(store, as_of=today, now=pd.Timestamp(today) + pd.Timedelta(hours=10))
    assert summary.detected == 3
    for alert in _weekly(store):
        assert _weekdays(alert) == {today.weekday()}
        assert alert.series["dates"][-1] == (today - timedelta(days=7)).isoformat()
    # Explicit ISO weeks, as before: counts run to the last complaint's Monday week, and the
    # stored alerts get Monday weeks again.
    iso = refresh_alerts(store, as_of=today, week_start=0)
    assert iso.detected == 3
    for alert in _weekly(store):
        assert _weekdays(alert) == {0}
        assert alert.series["dates"][-1] == LAST_WEEK.isoformat()


def test_alerts_of_one_group_that_overlap_are_one_headline() -> None:
    spans = [
        Span(1, ("W", "topic", "Banjir"), date(2024, 6, 3), date(2024, 6, 9)),
        Span(2, ("W", "topic", "Banjir"), date(2024, 6, 20), date(2024, 6, 26)),
        # A later view on Thursday weeks that joins the two.
        Span(3, ("W", "topic", "Banjir"), date(2024, 6, 6), date(2024, 6, 26)),
        Span(4, ("W", "topic", "Banjir"), date(2024, 6, 27), date(2024, 7, 3)),
        Span(5, ("W", "topic", "Sampah"), date(2024, 6, 6), date(2024, 6, 12)),
    ]
    assert overlapping(spans) == {3: 1, 2: 1}


def test_a_refresh_with_a_bad_week_start_is_refused(store: AlertStore) -> None:
    with pytest.raises(InputError, match="weekday from 0"):
        refresh_alerts(store, as_of=AS_OF, week_start=7)


def test_the_command_takes_a_weekday_or_rolling(
    tmp_path_factory: pytest.TempPathFactory, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = seeded_copy(tmp_path_factory, tmp_path)
    base = ["alerts", "refresh", "--database-url", url, "--no-bursts"]
    as_of = (AS_OF + timedelta(days=3)).isoformat()
    assert main([*base, "--as-of", as_of, "--week-start", "rolling"]) == 0
    assert "3 recent alert(s), 0 new, 3 updated" in capsys.readouterr().out
    assert main([*base, "--as-of", as_of, "--week-start", "monday"]) == 0
    assert "3 recent alert(s), 0 new, 3 updated" in capsys.readouterr().out
    with pytest.raises(SystemExit) as raised:
        main([*base, "--week-start", "someday"])
    assert raised.value.code == 2
    err = capsys.readouterr().err
    assert "invalid choice: 'someday'" in err
    assert "Traceback" not in err
