"""One spike, one headline: relating the alerts that several group sets raise for one spike.

The rule itself on hand-made alerts, then refresh on stored histories (SQLite and, when
reachable, PostgreSQL): the flood in one kecamatan, a flood in five kecamatan at once, and a
flood beside a separate rise in noise complaints in the same kecamatan.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import insert, inspect, select, update

from tests.alert_seed import AS_OF, LAST_WEEK, complaint_rows, seed, weekly_counts
from tests.api.databases import BACKENDS, migrated_database
from triage.store import current_revision, make_engine, upgrade
from triage.store.alerts import AlertRecord, AlertRow, AlertStore
from triage.store.database import downgrade
from triage.store.schema import Base
from triage.trends.refresh import EXPLAINED_SHARE, Spike, refresh_alerts, relate

WEEK = LAST_WEEK.isoformat()
PLACES = ("Andir", "Coblong", "Cibeunying", "Lengkong", "Sukajadi", "Regol")
FLOODED = PLACES[:5]
SCENARIOS = {
    # The seed's own history: 25 extra flood complaints in Coblong.
    "one-flood": (weekly_counts(), None),
    "five-floods": (
        weekly_counts(kecamatan=PLACES, extra={("Banjir", p): 8 for p in FLOODED}),
        {("Banjir", p): 8 for p in FLOODED},
    ),
    "flood-and-noise": (
        weekly_counts(
            topics=("Banjir", "Sampah", "Kebisingan"),
            extra={("Banjir", "Coblong"): 20, ("Kebisingan", "Coblong"): 20},
        ),
        {("Banjir", "Coblong"): 20, ("Kebisingan", "Coblong"): 20},
    ),
}


# -- the rule, on hand-made alerts ------------------------------------------------------------


def spike(spike_id: int, excess: dict[str, float], severity: float = 1.0, **values: str) -> Spike:
    return Spike(spike_id, frozenset(values.items()), severity, excess)


def test_one_local_spike_is_one_headline_with_two_context_alerts() -> None:
    city = spike(1, {WEEK: 25.5}, topic="Banjir")
    area = spike(2, {WEEK: 24.3}, kecamatan="Coblong")
    local = spike(3, {WEEK: 24.7}, topic="Banjir", kecamatan="Coblong")
    assert relate([city, area, local]) == {1: (3, "context", 0.969), 2: (3, "context", 1.0)}


def test_a_rise_in_many_places_keeps_the_broad_alert_as_headline() -> None:
    city = spike(1, {WEEK: 40.0}, topic="Banjir")
    places = [spike(10 + i, {WEEK: 8.0}, topic="Banjir", kecamatan=p) for i, p in enumerate(PLACES)]
    # Kecamatan Andir's total rose with its floods: it is shown under the city-wide flood too.
    andir = spike(2, {WEEK: 7.5}, kecamatan="Andir")
    links = relate([city, andir, *places])
    assert links == {
        2: (1, "context", 1.0),
        **{p.id: (1, "where", 0.2) for p in places},
    }


def test_two_topics_in_one_place_stay_two_headlines() -> None:
    area = spike(1, {WEEK: 38.0}, kecamatan="Coblong")
    flood = spike(2, {WEEK: 19.0}, topic="Banjir", kecamatan="Coblong")
    noise = spike(3, {WEEK: 19.0}, topic="Kebisingan", kecamatan="Coblong")
    city_flood = spike(4, {WEEK: 19.0}, topic="Banjir")
    # Neither explains the kecamatan's rise alone, and a topic is not a "where" of it.
    assert relate([area, flood, noise, city_flood]) == {4: (2, "context", 1.0)}


@pytest.mark.parametrize(
    ("broad", "narrow", "related"),
    [
        # The narrow alert's excess in the shared week is just at, or just below, the share.
        ({WEEK: 10.0}, {WEEK: 10.0 * EXPLAINED_SHARE}, True),
        ({WEEK: 10.0}, {WEEK: 10.0 * EXPLAINED_SHARE - 0.01}, False),
        # Only the periods both alarmed count: most of the narrow excess is a week earlier.
        ({WEEK: 10.0}, {"2024-06-17": 9.0, WEEK: 1.0}, False),
        # No shared period at all.
        ({WEEK: 10.0}, {"2024-06-10": 10.0}, False),
        # A broad alert without excess over expected is explained by nothing.
        ({WEEK: -1.0}, {WEEK: 5.0}, False),
    ],
)
def test_explaining_needs_most_of_the_excess_in_shared_periods(
    broad: dict[str, float], narrow: dict[str, float], related: bool
) -> None:
    # kecamatan-only broad alert: a topic alert cannot be its "where", so only rule 1 applies.
    links = relate(
        [
            spike(1, broad, kecamatan="Coblong"),
            spike(2, narrow, topic="Banjir", kecamatan="Coblong"),
        ]
    )
    assert (1 in links) is related
    assert 2 not in links


def test_the_best_explainer_wins_and_chains_end_at_their_headline() -> None:
    city = spike(1, {WEEK: 10.0}, topic="Banjir")
    weak = spike(2, {WEEK: 6.5}, topic="Banjir", opd="DSDA")
    strong = spike(3, {WEEK: 9.0}, topic="Banjir", opd="BPBD", severity=0.5)
    # Banjir/BPBD in Coblong explains Banjir/BPBD, which explains city-wide Banjir.
    deepest = spike(4, {WEEK: 8.9}, topic="Banjir", opd="BPBD", kecamatan="Coblong")
    links = relate([city, weak, strong, deepest])
    assert links[1][0] == 4
    assert links[3] == (4, "context", 0.989)
    assert 2 not in links
    assert relate([deepest, strong, weak, city]) == links


def test_unrelated_groups_and_frequencies_stay_apart() -> None:
    flood = spike(1, {WEEK: 10.0}, topic="Banjir")
    rubbish = spike(2, {WEEK: 10.0}, topic="Sampah", kecamatan="Coblong")
    assert relate([flood, rubbish]) == {}
    assert relate([]) == {}


# -- refresh on stored histories --------------------------------------------------------------


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="module")
def histories(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[str, str], str]]:
    """The URL of a database per backend and scenario, seeded and refreshed as of the spike
    week once per module: tests that change it use :func:`fresh_store`."""
    urls: dict[tuple[str, str], str] = {}
    with ExitStack() as stack:

        def get(backend: str, scenario: str) -> str:
            if (backend, scenario) not in urls:
                directory = tmp_path_factory.mktemp("relations")
                url = stack.enter_context(migrated_database(backend, directory))
                counts, extra = SCENARIOS[scenario]
                seed(url, complaint_rows(counts, extra))
                engine = make_engine(url)
                refresh_alerts(AlertStore(engine), as_of=AS_OF)
                engine.dispose()
                urls[backend, scenario] = url
            return urls[backend, scenario]

        yield get


def _store(url: str) -> Iterator[AlertStore]:
    engine = make_engine(url)
    yield AlertStore(engine)
    engine.dispose()


@pytest.fixture
def scenario_store(
    backend: str, histories: Callable[[str, str], str], request: pytest.FixtureRequest
) -> Iterator[AlertStore]:
    """The shared store of the test's ``scenario_store`` parameter (default: one flood)."""
    yield from _store(histories(backend, getattr(request, "param", "one-flood")))


@pytest.fixture
def fresh_store(
    backend: str, histories: Callable[[str, str], str], tmp_path: Path
) -> Iterator[AlertStore]:
    """A store of its own with the one-flood history, refreshed: a copy of the shared SQLite
    file, or a new PostgreSQL schema."""
    if backend == "sqlite":
        shutil.copyfile(
            histories(backend, "one-flood").removeprefix("sqlite:///"), tmp_path / "a.db"
        )
        yield from _store(f"sqlite:///{tmp_path / 'a.db'}")
        return
    with migrated_database(backend, tmp_path) as url:
        seed(url, complaint_rows())
        for store in _store(url):
            refresh_alerts(store, as_of=AS_OF)
            yield store


def _spike_week(store: AlertStore) -> list[AlertRecord]:
    """The headline alerts of the spike week, each with its related alerts."""
    page = store.list_page("all", limit=100, headlines=True, active_since=LAST_WEEK)
    return [a for a in page.items if a.end == LAST_WEEK]


def _relations(store: AlertStore) -> dict[int, tuple[int | None, str | None, float | None]]:
    return {
        a.id: (a.headline_id, a.relation, a.share) for a in store.list_page("all", limit=100).items
    }


def test_one_spike_three_alerts_become_one_headline(scenario_store: AlertStore) -> None:
    flat = scenario_store.list_page("all")
    assert flat.total == 3
    (headline,) = scenario_store.list_page("all", headlines=True).items
    assert headline.group_values == {"topic": "Banjir", "kecamatan": "Coblong"}
    assert headline.headline_id is None
    assert {tuple(r.group_values.items()) for r in headline.related} == {
        (("topic", "Banjir"),),
        (("kecamatan", "Coblong"),),
    }
    assert {r.relation for r in headline.related} == {"context"}
    assert all(EXPLAINED_SHARE <= (r.share or 0) <= 1 for r in headline.related)
    city = next(r for r in headline.related if r.group_values == {"topic": "Banjir"})
    assert (city.observed, city.start) == (28, LAST_WEEK)
    assert scenario_store.get(city.id).headline_id == headline.id


@pytest.mark.parametrize("scenario_store", ["five-floods"], indirect=True)
def test_five_kecamatan_flood_keeps_the_city_wide_headline(scenario_store: AlertStore) -> None:
    (headline,) = _spike_week(scenario_store)
    assert headline.group_values == {"topic": "Banjir"}
    where = {r.group_values["kecamatan"] for r in headline.related if r.relation == "where"}
    assert where == set(FLOODED)
    assert all(
        r.group_values["topic"] == "Banjir" for r in headline.related if r.relation == "where"
    )
    # The kecamatan totals that the floods lifted are context under the same headline.
    context = [r for r in headline.related if r.relation == "context"]
    assert context
    assert all(set(r.group_values) == {"kecamatan"} for r in context)
    excess = [r.observed - r.expected for r in headline.related]
    assert excess == sorted(excess, reverse=True)


@pytest.mark.parametrize("scenario_store", ["flood-and-noise"], indirect=True)
def test_flood_and_noise_in_one_kecamatan_are_not_merged(scenario_store: AlertStore) -> None:
    headlines = _spike_week(scenario_store)
    topics = {a.id: {a.group_values.get("topic")} | {r.group_values.get("topic") for r in a.related}
              for a in headlines}  # fmt: skip
    flood = next(i for i, t in topics.items() if "Banjir" in t)
    noise = next(i for i, t in topics.items() if "Kebisingan" in t)
    assert flood != noise
    assert "Kebisingan" not in topics[flood]
    assert "Banjir" not in topics[noise]
    by_id = {a.id: a for a in headlines}
    assert by_id[flood].group_values == {"topic": "Banjir", "kecamatan": "Coblong"}
    assert [r.group_values for r in by_id[flood].related] == [{"topic": "Banjir"}]
    # The kecamatan's total, half flood and half noise, is a headline by itself.
    assert {"kecamatan": "Coblong"} in [a.group_values for a in headlines]
    assert len(headlines) == 3


@pytest.mark.parametrize("scenario_store", ["one-flood", "five-floods"], indirect=True)
def test_refresh_again_keeps_the_same_relations(scenario_store: AlertStore) -> None:
    before = _relations(scenario_store)
    summary = refresh_alerts(scenario_store, as_of=AS_OF)
    assert summary.inserted == 0
    assert summary.related == sum(1 for link in before.values() if link[0] is not None)
    assert _relations(scenario_store) == before
    # A refresh of one group set relates its alerts to the stored ones of the others.
    refresh_alerts(scenario_store, [("topic",)], as_of=AS_OF)
    assert _relations(scenario_store) == before


def test_a_headline_folded_later_takes_its_alerts_along(fresh_store: AlertStore) -> None:
    (headline,) = fresh_store.list_page("all", headlines=True).items
    # An older alert left under what is now a context alert moves up to the headline.
    context = headline.related[0].id
    values = _alert_values("Banjir", headline_id=context)
    values["start_date"] = values["end_date"] = LAST_WEEK - timedelta(weeks=20)
    with fresh_store.session(write=True) as session:
        old_id = session.execute(insert(AlertRow).returning(AlertRow.id), [values]).scalar_one()
    refresh_alerts(fresh_store, as_of=AS_OF)
    assert fresh_store.get(old_id).headline_id == headline.id


def test_acknowledging_a_headline_acknowledges_its_related_alerts(
    fresh_store: AlertStore,
) -> None:
    (headline,) = fresh_store.list_page("open", headlines=True).items
    acked = fresh_store.acknowledge(headline.id, "manager", "pompa dikirim")
    assert acked.status == "acknowledged"
    assert [r.status for r in acked.related] == ["acknowledged", "acknowledged"]
    for related in acked.related:
        record = fresh_store.get(related.id)
        assert record.acknowledged_by == "manager"
        assert record.note == f"acknowledged with alert #{headline.id}: pompa dikirim"
    assert fresh_store.list_page("open").total == 0
    # Acknowledging again keeps the first acknowledgement.
    again = fresh_store.acknowledge(headline.id, "someone else")
    assert (again.acknowledged_by, again.acknowledged_at) == ("manager", acked.acknowledged_at)


def test_an_alert_folded_under_an_acknowledged_headline_is_news(
    fresh_store: AlertStore,
) -> None:
    (headline,) = fresh_store.list_page("open", headlines=True).items
    child = headline.related[0]
    fresh_store.acknowledge(headline.id, "manager")
    with fresh_store.session(write=True) as session:
        session.execute(update(AlertRow).where(AlertRow.id == child.id).values(status="open"))
    (news,) = fresh_store.list_page("open", headlines=True).items
    assert (news.id, news.headline_id) == (child.id, headline.id)
    # The acknowledged listing still shows the spike once, under its headline.
    done = fresh_store.list_page("acknowledged", headlines=True)
    assert [a.id for a in done.items] == [headline.id]
    # Acknowledging the headline again acknowledges what was folded under it since.
    fresh_store.acknowledge(headline.id, "manager")
    assert fresh_store.get(child.id).status == "acknowledged"


# -- migration 0003 ---------------------------------------------------------------------------


def test_migration_0003_upgrades_and_downgrades(backend: str, tmp_path: Path) -> None:
    with migrated_database(backend, tmp_path) as url:
        engine = make_engine(url)
        try:
            store = AlertStore(engine)
            with store.session(write=True) as session:
                session.execute(insert(AlertRow), [_alert_values("Banjir"), _alert_values("X")])
                first, second = session.scalars(select(AlertRow.id).order_by(AlertRow.id)).all()
                session.execute(
                    update(AlertRow)
                    .where(AlertRow.id == second)
                    .values(headline_id=first, relation="context", share=0.9)
                )
            engine.dispose()
            downgrade(url, "0002")
            assert current_revision(url) == "0002"
            columns = {c["name"] for c in inspect(engine).get_columns("alerts")}
            assert not {"headline_id", "relation", "share"} & columns
            assert inspect(engine).get_foreign_keys("alerts") == []
            with engine.connect() as connection:
                assert len(connection.execute(select(AlertRow.__table__.c.id)).all()) == 2
            engine.dispose()
            upgrade(url)
            with engine.connect() as connection:
                context = MigrationContext.configure(connection)
                assert compare_metadata(context, Base.metadata) == []
            assert {a.headline_id for a in store.list_page("all").items} == {None}
            # Deleting a headline leaves the alerts under it as headlines of their own.
            with store.session(write=True) as session:
                session.execute(
                    update(AlertRow).where(AlertRow.id == second).values(headline_id=first)
                )
                session.delete(session.get(AlertRow, first))
            assert store.get(second).headline_id is None
        finally:
            engine.dispose()


def _alert_values(key: str, **more: object) -> dict[str, object]:
    now = datetime(2024, 7, 1, tzinfo=UTC)
    return {
        **more,
        "group_columns": "topic",
        "group_key": key,
        "freq": "W",
        "start_date": LAST_WEEK,
        "end_date": LAST_WEEK,
        "periods": 1,
        "observed": 10.0,
        "expected": 2.0,
        "upperbound": 5.0,
        "severity": 5.0,
        "score": 2.0,
        "method": "seasonal",
        "reason": "r",
        "summary": "s",
        "summary_id": "s",
        "top_words": [],
        "example_ids": [],
        "series": {},
        "status": "open",
        "created_at": now,
        "updated_at": now,
    }
