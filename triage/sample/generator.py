"""A generator of realistic, labelled, synthetic complaints from Kota Bandung.

The project must run and be tested without anyone's private data, so it ships its own
corpus: Indonesian complaints written by the templates of ``tables/topics_*.json``
(nothing is copied from real complaints), routed to 19 city agencies or to the
complainant's own kecamatan/kelurahan office (and a few percent to external bodies such as
PLN, labelled with the body's name), with seasonal timing and a handful of injected spikes
whose ground truth is returned beside them.
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import cast

import numpy as np
import pandas as pd

from triage.errors import DataFileError, InputError
from triage.sample.compose import Place, Request, compose
from triage.sample.loader import tables
from triage.sample.timing import (
    PlacedSpike,
    daily_weights,
    hour_cum_weights,
    plan_spikes,
    spike_days,
)
from triage.sample.vocab import TopicSpec

COLUMNS: tuple[str, ...] = (
    "id", "created_at", "channel", "kecamatan", "kelurahan", "title", "text", "opd", "topic",
)  # fmt: skip
SPIKE_COLUMNS: tuple[str, ...] = ("spike_id", "topic", "kecamatan", "start", "end", "extra_rows")
CHANNELS: tuple[str, ...] = ("lapor", "whatsapp", "112", "web")
MAX_ROWS = 2_000_000

# Complaints that are another body's business (tables/topics_external.json), drawn from a
# random stream of their own after the main corpus, so that the main draws (and with them
# every seasonal pattern the trends tests rely on) stay as they were.
EXTERNAL_SHARE = 0.03
_EXTERNAL_SEED_OFFSET = 1_000_003
_VAGUE_SHARE = 0.05
_AMBIGUOUS_SHARE = 0.08
# Citizens often describe a problem in a neighbouring topic's words (a flood reported as a
# blocked drain, a broken street light as a dark road): the label stays the true topic.
# The groups of neighbours are in tables/neighbours.json.
_BORROWED_WORDING_SHARE = 0.07
# Which area office takes a matter: certificates and RT/RW affairs stay at the kelurahan,
# disputes and events more often go up to the kecamatan.
_KECAMATAN_OFFICE_SHARE = {"surat_pengantar": 0.25, "rt_rw": 0.2, "kewilayahan": 0.6}
_CHANNEL_WEIGHTS = {  # lapor, whatsapp, 112, web
    "emergency": (0.25, 0.30, 0.35, 0.10),
    "normal": (0.37, 0.38, 0.03, 0.22),
    "area": (0.40, 0.40, 0.0, 0.20),
}
_REGISTERS = ("formal", "semi", "chat", "operator")
_REGISTER_WEIGHTS = {
    "lapor": (0.30, 0.50, 0.20, 0.0),
    "whatsapp": (0.05, 0.25, 0.70, 0.0),
    "112": (0.0, 0.10, 0.10, 0.80),
    "web": (0.45, 0.45, 0.10, 0.0),
}


@dataclass(frozen=True)
class SampleCorpus:
    """A generated corpus and the ground truth of the spikes injected into it.

    Attributes
    ----------
    complaints : pandas.DataFrame
        One row per complaint with the columns of ``COLUMNS``; ``created_at`` is naive
        local time (Asia/Jakarta).
    spikes : pandas.DataFrame
        One row per injected spike with the columns of ``SPIKE_COLUMNS``; ``kecamatan`` is
        missing for a city-wide spike, ``start`` and ``end`` are inclusive days.
    """

    complaints: pd.DataFrame
    spikes: pd.DataFrame


@cache
def places() -> tuple[Place, ...]:
    """Every kelurahan of Kota Bandung with its kecamatan and a few of its streets."""
    package = resources.files("triage") / "resources"
    streets: dict[str, list[str]] = {}
    for row in _read_csv(package / "bandung_jalan.csv"):
        streets.setdefault(row["kecamatan"], []).append(row["jalan"])
    codes: dict[str, int] = {}
    out = []
    for row in _read_csv(package / "bandung_wilayah.csv"):
        kecamatan = row["kecamatan"]
        code = codes.setdefault(kecamatan, len(codes) + 1)
        out.append(Place(kecamatan, row["kelurahan"], tuple(streets[kecamatan]), code))
    return tuple(out)


def _read_csv(path: Traversable) -> list[dict[str, str]]:
    text = path.read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    return list(csv.DictReader(lines))


def _parse_day(value: str, name: str) -> date:
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError) as exc:
        raise InputError(f"{name} must be a date like 2022-01-31, got {value!r}") from exc


def _validate(rows: int, seed: int, start: str, end: str) -> tuple[date, date]:
    if isinstance(rows, bool) or not isinstance(rows, int) or not 1 <= rows <= MAX_ROWS:
        raise InputError(f"rows must be an integer from 1 to {MAX_ROWS:,}, got {rows!r}")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise InputError(f"seed must be a non-negative integer, got {seed!r}")
    first, last = _parse_day(start, "start"), _parse_day(end, "end")
    if last < first:
        raise InputError(f"end ({last}) is before start ({first})")
    return first, last


def generate_sample(
    rows: int = 10000, seed: int = 0, start: str = "2022-01-01", end: str = "2024-12-31"
) -> SampleCorpus:
    """Generate a labelled synthetic corpus of Bandung complaints.

    Parameters
    ----------
    rows : int
        Number of complaints, injected spike rows included.
    seed : int
        Seed of the random generators: the same seed gives the same corpus.
    start, end : str
        First and last day (ISO dates, inclusive) of ``created_at``.

    Returns
    -------
    SampleCorpus
        The complaints, sorted by time with ids 1..rows, and the injected spikes.

    Raises
    ------
    InputError
        If ``rows`` is below 1 (or absurdly large), ``seed`` is negative, a date cannot
        be parsed, or ``end`` is before ``start``.
    """
    first, last = _validate(rows, seed, start, end)
    rng = np.random.default_rng(seed)
    rnd = random.Random(seed)
    days = pd.date_range(first, last, freq="D")
    spikes = plan_spikes(rows, first, last, rng)
    n_base = rows - sum(s.extra_rows for s in spikes)
    topics, notes = tables().topics, tables().spike_notes
    weights = daily_weights(days, [t.season for t in topics], [t.weight for t in topics], rng)
    cells = rng.choice(weights.size, size=n_base, p=(weights / weights.sum()).ravel())
    by_key = {t.key: i for i, t in enumerate(topics)}
    day_index, topic_index = list(cells // len(topics)), list(cells % len(topics))
    kecamatan_of: list[str | None] = [None] * n_base
    notes_of: list[tuple[str, ...]] = [()] * n_base
    for spike in spikes:
        offsets = spike_days(spike, rng) + (spike.start - first).days
        day_index += list(offsets)
        topic_index += [by_key[spike.topic]] * spike.extra_rows
        kecamatan_of += [spike.kecamatan] * spike.extra_rows
        # A spike whose topic has no notes in spike_notes.json is simply not talked about.
        notes_of += [notes.get(spike.topic, ())] * spike.extra_rows
    records = [
        _row(topics[t], days[d].date(), kecamatan, row_notes, rnd)
        for d, t, kecamatan, row_notes in zip(
            day_index, topic_index, kecamatan_of, notes_of, strict=True
        )
    ]
    _refer_some(records, n_base, seed)
    complaints = pd.DataFrame.from_records(records, columns=COLUMNS[1:])
    complaints = complaints.sort_values("created_at", kind="stable", ignore_index=True)
    complaints.insert(0, "id", np.arange(1, len(complaints) + 1, dtype="int64"))
    complaints["created_at"] = pd.to_datetime(complaints["created_at"]).astype("datetime64[s]")
    return SampleCorpus(complaints, _spike_frame(spikes))


def _refer_some(records: list[tuple[object, ...]], n_base: int, seed: int) -> None:
    """Replace a uniformly chosen ``EXTERNAL_SHARE`` of the non-spike rows, in place, by
    complaints for external bodies at the same moments, labelled with the body's name."""
    topics = tables().external
    n_external = round(EXTERNAL_SHARE * n_base)
    if not topics or not n_external:
        return
    rnd = random.Random(seed + _EXTERNAL_SEED_OFFSET)
    weights = [t.weight for t in topics]
    for i in sorted(rnd.sample(range(n_base), n_external)):
        moment = cast(datetime, records[i][0])
        topic = rnd.choices(topics, weights=weights)[0]
        row = _row(topic, moment.date(), None, (), rnd)
        records[i] = (moment, *row[1:])


def _spike_frame(spikes: list[PlacedSpike]) -> pd.DataFrame:
    labels = {t.key: t.label for t in tables().topics}
    frame = pd.DataFrame(
        {
            "spike_id": np.arange(1, len(spikes) + 1, dtype="int64"),
            "topic": pd.Series([labels[s.topic] for s in spikes], dtype="str"),
            "kecamatan": pd.Series([s.kecamatan for s in spikes], dtype="str"),
            "start": pd.to_datetime(pd.Series([s.start for s in spikes], dtype="object")),
            "end": pd.to_datetime(pd.Series([s.end for s in spikes], dtype="object")),
            "extra_rows": np.array([s.extra_rows for s in spikes], dtype="int64"),
        }
    )
    return frame.astype({"start": "datetime64[s]", "end": "datetime64[s]"})


@cache
def _place_weights(topic_key: str) -> tuple[float, ...]:
    # Cumulative weights: population per kecamatan, shared by its kelurahan; floods favour
    # the low-lying kecamatan.
    all_places, city = places(), tables().city
    per_kecamatan = {p.kecamatan: 0 for p in all_places}
    for p in all_places:
        per_kecamatan[p.kecamatan] += 1
    flood = topic_key in ("banjir", "drainase", "longsor")
    weights = [
        city.population[p.kecamatan] / per_kecamatan[p.kecamatan]
        * (3.0 if flood and p.kecamatan in city.flood_prone else 1.0)
        for p in all_places
    ]  # fmt: skip
    return tuple(np.cumsum(weights).tolist())


@cache
def _neighbours(key: str) -> tuple[TopicSpec, ...]:
    by_key = {t.key: t for t in tables().topics}
    groups = tables().neighbours
    keys = sorted({k for group in groups if key in group for k in group} - {key})
    return tuple(by_key[k] for k in keys)


def _choose_place(topic: TopicSpec, kecamatan: str | None, rnd: random.Random) -> Place:
    if kecamatan is not None:
        candidates = [p for p in places() if p.kecamatan == kecamatan]
        return candidates[rnd.randrange(len(candidates))]
    return rnd.choices(places(), cum_weights=_place_weights(topic.key))[0]


def _row(
    topic: TopicSpec, day: date, kecamatan: str | None, notes: tuple[str, ...], rnd: random.Random
) -> tuple[object, ...]:
    place = _choose_place(topic, kecamatan, rnd)
    kind = "area" if topic.area else "emergency" if topic.emergency else "normal"
    channel = rnd.choices(CHANNELS, weights=_CHANNEL_WEIGHTS[kind])[0]
    register = rnd.choices(_REGISTERS, weights=_REGISTER_WEIGHTS[channel])[0]
    hour = rnd.choices(range(24), cum_weights=hour_cum_weights(channel))[0]
    if topic.area:
        if rnd.random() < _KECAMATAN_OFFICE_SHARE.get(topic.key, 0.4):
            opd, cues = f"Kecamatan {place.kecamatan}", tables().letters.area_cues["kecamatan"]
        else:
            opd, cues = f"Kelurahan {place.kelurahan}", tables().letters.area_cues["kelurahan"]
    else:
        route = rnd.choices(topic.routes, weights=[r.weight for r in topic.routes])[0]
        opd, cues = route.opd, route.cues
    secondary = None
    if rnd.random() < _AMBIGUOUS_SHARE:
        others = [t for t in tables().topics if t.key != topic.key]
        secondary = rnd.choices(others, weights=[t.weight for t in others])[0]
    wording = None
    neighbours = _neighbours(topic.key)
    if neighbours and rnd.random() < _BORROWED_WORDING_SHARE:
        wording = neighbours[rnd.randrange(len(neighbours))]
    request = Request(
        topic, cues, place, channel, register, hour,
        vague=rnd.random() < _VAGUE_SHARE, secondary=secondary, wording=wording, notes=notes,
    )  # fmt: skip
    title, text = compose(request, rnd)
    moment = datetime(day.year, day.month, day.day, hour) + timedelta(
        minutes=rnd.randrange(60), seconds=rnd.randrange(60)
    )
    return (moment, channel, place.kecamatan, place.kelurahan, title, text, opd, topic.label)


def spikes_path(out: Path) -> Path:
    """Where the spikes file of ``out`` goes: ``FILE.csv`` → ``FILE.spikes.csv``."""
    out = Path(out)
    stem = out.name[: -len(".csv")] if out.suffix.lower() == ".csv" else out.name
    return out.with_name(f"{stem}.spikes.csv")


def write_sample(corpus: SampleCorpus, out: Path) -> tuple[Path, Path]:
    """Write the complaints to ``out`` and the spikes beside it as ``<stem>.spikes.csv``.

    Parameters
    ----------
    corpus : SampleCorpus
        What ``generate_sample`` returned.
    out : pathlib.Path
        Path of the complaints CSV; missing parent directories are created.

    Returns
    -------
    tuple of pathlib.Path
        The complaints file and the spikes file.

    Raises
    ------
    DataFileError
        If a file or directory cannot be written.
    """
    out = Path(out)
    spikes_out = spikes_path(out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        corpus.complaints.to_csv(out, index=False, date_format="%Y-%m-%dT%H:%M:%S")
        corpus.spikes.to_csv(spikes_out, index=False, date_format="%Y-%m-%d")
    except OSError as exc:
        raise DataFileError(f"cannot write the sample to {out}: {exc.strerror or exc}") from exc
    return out, spikes_out
