"""False headlines per week and detection delay on the sample city, as `triage alerts refresh`
would show them to a manager.

The sample corpus (``triage sample --rows 10000 --seed 7``: three years, Ramadan and Lebaran
traffic, 4-6 injected incidents) is counted per week for every group set the refresh uses
(topic; kecamatan; topic and kecamatan), each detector setting runs over it in one pass (every
period's baseline rests only on earlier periods, so this is what weekly runs would have seen),
and the alerts are related into headlines by the refresh's own rules
(:func:`triage.trends.refresh.relate`).  Reported per setting:

- false headlines per week: headlines that overlap no injected incident (same topic, same
  kecamatan for a local one, periods within the incident or the week after it);
- Lebaran false alarms: alarming periods of any group within the five weeks before and the
  week after Idul Fitri that overlap no incident;
- per incident, the delay from its first day to the end of the first week that alarmed
  for it (the day a weekly run could first show it; "-" when never).

    .venv/bin/python benchmarks/headlines.py [--rows 10000] [--seed 7] [--from 2022-02-21]

``--bursts N`` adds N burst-scale incidents (40 complaints of one topic in one kecamatan in
six hours, at random days and hours of the evaluated span) to the sample's weekly-scale ones,
and scores the refresh as a whole: the weekly model and the hourly scan (run over the span in
8-week look-backs, as refreshes would), bursts and weekly alerts related into headlines by the
refresh's rules, a burst and a weekly alert of one incident one headline.  Delays are counted
to the first alert of any kind: the end of its first alarming week, or the end of a burst's
first alarming hour.  Settings with ``"daily"`` weeks replay a refresh run every day, on weeks
that end on each day (:mod:`daily_refresh`: one detector pass per weekday, upserted and
related by the refresh's rules), as ``triage alerts refresh`` does by default.

``--real FILE`` instead reads a complaint CSV (``created_at``, ``topic``; only these two
columns are read, no text) and prints, around each Idul Fitri it covers, the weekly counts
of its five largest topics and the alarms of every topic with and without the holiday
covariates.
"""

from __future__ import annotations

import argparse
import os
import time
import warnings
from dataclasses import dataclass, replace

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from daily_refresh import Replay, StoredAlert, anchored_alerts, as_stored, stored_alerts  # noqa: E402

from triage.calendar import holiday_dates  # noqa: E402
from triage.sample.generator import generate_sample  # noqa: E402
from triage.trends.alerts import Alert  # noqa: E402
from triage.trends.counts import find_spikes  # noqa: E402
from triage.trends.detectors import SeasonalNB  # noqa: E402
from triage.trends.refresh import DEFAULT_GROUP_SETS, Spike, relate  # noqa: E402
from triage.trends.relations import (  # noqa: E402
    Incident,
    overlapping,  # noqa: E402
    relate_kinds,
)
from triage.trends.scan import Burst, BurstAlert, HourlyScan, find_bursts, scan_alerts  # noqa: E402

WEEK = pd.Timedelta(days=7)

# The detector before the harmonic-GLM + CUSUM default (docs/spikes-benchmark.md): Farrington
# reference windows over 5 years, the two-week rule, alpha 0.01.
EARLIER = {"alpha": 0.01, "seasonality": "farrington", "years_back": 5, "cusum_reference": None}
EARLIER_HARMONIC = {**EARLIER, "seasonality": "harmonic"}

# Every setting names its holiday choice: the default has the covariates on.
SETTINGS: dict[str, SeasonalNB] = {
    "default (harmonic GLM + CUSUM, a=0.002) + holidays": SeasonalNB(),
    "default, no holidays": SeasonalNB(holidays=False),
    "two harmonics always (default before selection)": SeasonalNB(select_harmonics=False),
    "default, min_cases=3": SeasonalNB(min_cases=3),
    "default, min_cases=3, a=0.001": SeasonalNB(min_cases=3, alpha=0.001),
    "a=0.01, no holidays (earlier default)": SeasonalNB(**EARLIER, holidays=False),
    "a=0.01 + holidays (earlier default)": SeasonalNB(**EARLIER, holidays=True),
    "harmonic, no holidays": SeasonalNB(**EARLIER_HARMONIC, holidays=False),
    "harmonic + holidays": SeasonalNB(**EARLIER_HARMONIC, holidays=True),
    "a=0.005, no holidays": SeasonalNB(**{**EARLIER, "alpha": 0.005}, holidays=False),
    "a=0.005 + holidays": SeasonalNB(**{**EARLIER, "alpha": 0.005}, holidays=True),
    "a=0.002 + holidays": SeasonalNB(**{**EARLIER, "alpha": 0.002}, holidays=True),
    "a=0.01 CUSUM + holidays": SeasonalNB(**{**EARLIER, "cusum_reference": 1.0}, holidays=True),
    "a=0.005 CUSUM + holidays": SeasonalNB(
        **{**EARLIER, "alpha": 0.005, "cusum_reference": 1.0}, holidays=True
    ),
}


@dataclass(frozen=True)
class Outcome:
    """What one detector setting showed over the evaluated weeks."""

    weeks: int
    false_headlines: int
    headlines: int
    lebaran_false_alarms: dict[int, int]
    delays: tuple[int | None, ...]
    seconds: float


def _matches(values: dict[str, str], start: pd.Timestamp, spike: pd.Series) -> bool:
    """Whether an alarm of a group starting at ``start`` belongs to the injected ``spike``."""
    if "topic" in values and values["topic"] != spike["topic"]:
        return False
    local = isinstance(spike["kecamatan"], str)
    if "kecamatan" in values and local and values["kecamatan"] != spike["kecamatan"]:
        return False
    return spike["start"] - WEEK < start <= spike["end"] + WEEK


def _alert_matches(alert: Alert, spikes: pd.DataFrame) -> bool:
    values = dict(alert.group_values)
    return any(
        _matches(values, period.date, spike)
        for period in alert.periods
        for _, spike in spikes.iterrows()
    )


def _lebaran_weeks(first: pd.Timestamp, last: pd.Timestamp) -> list[pd.Timestamp]:
    days = [
        pd.Timestamp(d)
        for y in range(first.year, last.year + 1)
        for d in holiday_dates("Eid al-Fitr", y)
    ]
    return [d for d in days if first <= d <= last]


def evaluate(
    complaints: pd.DataFrame, spikes: pd.DataFrame, detector: SeasonalNB, since: pd.Timestamp
) -> Outcome:
    """Run every group set, relate the alerts and score them against the incidents."""
    began = time.perf_counter()
    alerts: list[Alert] = []
    lebaran_false = {d.year: 0 for d in _lebaran_weeks(since, complaints["created_at"].max())}
    lebaran = _lebaran_weeks(since, complaints["created_at"].max())
    for columns in DEFAULT_GROUP_SETS:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            report = find_spikes(complaints, group_cols=columns, detector=detector, since=since)
        alerts.extend(report.alerts)
        for alert in report.alerts:
            values = dict(alert.group_values)
            for period in alert.periods:
                near = [d for d in lebaran if d - 5 * WEEK <= period.date <= d + WEEK]
                ours = any(_matches(values, period.date, s) for _, s in spikes.iterrows())
                if near and not ours:
                    lebaran_false[near[0].year] += 1
    spikes_of = [
        Spike(
            i,
            frozenset(alert.group_values),
            alert.severity,
            {f"{p.date:%Y-%m-%d}": p.observed - p.expected for p in alert.periods},
        )
        for i, alert in enumerate(alerts)
    ]
    links = relate(spikes_of)
    headlines = [alert for i, alert in enumerate(alerts) if i not in links]
    false = sum(not _alert_matches(alert, spikes) for alert in headlines)
    delays: list[int | None] = []
    for _, spike in spikes.iterrows():
        seen = [
            period.date
            for alert in alerts
            for period in alert.periods
            if _matches(dict(alert.group_values), period.date, spike)
        ]
        delays.append(None if not seen else int((min(seen) + WEEK - spike["start"]).days))
    weeks = int((complaints["created_at"].max() - since) / WEEK) + 1
    return Outcome(
        weeks, false, len(headlines), lebaran_false, tuple(delays), time.perf_counter() - began
    )


# Topics with a physical cause that can bring forty complaints in an afternoon.
BURST_TOPICS = (
    "Air PDAM Mati atau Keruh",
    "Banjir dan Genangan",
    "Pohon Tumbang atau Rawan Tumbang",
    "Drainase dan Saluran Tersumbat",
    "Penerangan Jalan Umum Mati",
    "Kemacetan Lalu Lintas",
)
BURST_SIZE, BURST_HOURS = 40, 6
HOUR = pd.Timedelta(hours=1)
DAY = pd.Timedelta(days=1)
# The scan runs over look-backs of the refresh's default length (8 weeks).
SCAN_CHUNK = pd.Timedelta(days=56)

# (weekly detector, hourly scan or None, weeks): the settings of the whole refresh.  Weeks
# "iso" are ISO weeks judged once they end; "daily" are the weeks a refresh run every day
# judges, ending on each day (docs/headlines.md, "A refresh every day").
REFRESH_SETTINGS: dict[str, tuple[SeasonalNB, HourlyScan | None, str]] = {
    "weekly default, no scan": (SeasonalNB(), None, "iso"),
    "weekly default + scan 1e-5": (SeasonalNB(), HourlyScan(alpha=1e-5), "iso"),
    "weekly default + scan 1e-6 (ISO weeks, earlier default)": (SeasonalNB(), HourlyScan(), "iso"),
    "weekly default + scan 1e-7": (SeasonalNB(), HourlyScan(alpha=1e-7), "iso"),
    "weekly a=0.01 (earlier default) + scan 1e-6": (
        SeasonalNB(**EARLIER, holidays=True),
        HourlyScan(),
        "iso",
    ),
    "daily refresh, weeks ending each day, no scan": (SeasonalNB(), None, "daily"),
    "daily refresh, weeks ending each day, a=0.001 + scan 1e-6": (
        SeasonalNB(alpha=0.001),
        HourlyScan(),
        "daily",
    ),
    "ISO weeks + daily model + scan 1e-6": (SeasonalNB(), HourlyScan(), "iso+days"),
    "daily refresh, weeks ending each day + scan 1e-6 (default)": (
        SeasonalNB(),
        HourlyScan(),
        "daily",
    ),
}


def inject_bursts(
    complaints: pd.DataFrame, spikes: pd.DataFrame, n: int, since: pd.Timestamp, seed: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``n`` bursts of :data:`BURST_SIZE` complaints in :data:`BURST_HOURS` hours added to the
    complaints, and the incident table (kind, topic, kecamatan, start, end) of all incidents."""
    rng = np.random.default_rng(seed + 1000)
    last = complaints["created_at"].max() - 14 * DAY
    days = pd.date_range(since + 5 * WEEK, last, freq="D")
    places = sorted(complaints["kecamatan"].dropna().unique())
    chosen = np.sort(rng.choice(len(days), size=n, replace=False))
    rows, incidents = [], []
    for k, d in enumerate(chosen):
        start = days[d] + pd.Timedelta(hours=int(rng.integers(0, 24)))
        topic = BURST_TOPICS[k % len(BURST_TOPICS)]
        place = places[int(rng.integers(len(places)))]
        minutes = np.sort(rng.uniform(0, BURST_HOURS * 60, BURST_SIZE))
        rows += [(start + pd.Timedelta(minutes=float(m)), topic, place) for m in minutes]
        incidents.append(("burst", topic, place, start, start + BURST_HOURS * HOUR))
    added = pd.DataFrame(rows, columns=["created_at", "topic", "kecamatan"])
    added["created_at"] = added["created_at"].astype(complaints["created_at"].dtype)
    weekly = spikes.assign(kind="weekly")[["kind", "topic", "kecamatan", "start", "end"]]
    table = pd.concat([weekly, pd.DataFrame(incidents, columns=weekly.columns)], ignore_index=True)
    table["end"] = [
        e + DAY - HOUR if k == "weekly" else e
        for k, e in zip(table["kind"], table["end"], strict=True)
    ]
    data = pd.concat([complaints[["created_at", "topic", "kecamatan"]], added], ignore_index=True)
    return data.sort_values("created_at", kind="stable").reset_index(drop=True), table


def scan_span(data: pd.DataFrame, scan: HourlyScan, since: pd.Timestamp) -> list[BurstAlert]:
    """Bursts over the whole span in 8-week look-backs, merged across look-back edges."""
    first_hour = data["created_at"].min().floor("h")
    end = data["created_at"].max().ceil("h")
    found: list[BurstAlert] = []
    begin = since
    while begin < end:
        stop = min(begin + SCAN_CHUNK, end)
        found += scan_alerts(data, DEFAULT_GROUP_SETS, stop - HOUR, begin, scan, first_hour)
        begin = stop
    merged: list[BurstAlert] = []
    for burst in sorted(found, key=lambda b: (b.group_columns, b.group, b.window_start)):
        last = merged[-1] if merged else None
        same = last is not None and (last.group_columns, last.group) == (
            burst.group_columns,
            burst.group,
        )
        if same and last is not None and burst.window_start - last.window_end < DAY:
            keep = last if last.p_value <= burst.p_value else burst
            merged[-1] = replace(keep, window_start=last.window_start, window_end=burst.window_end,
                                 first_alarm=last.first_alarm)  # fmt: skip
        else:
            merged.append(burst)
    return merged


def _compatible(values: dict[str, str], incident: pd.Series) -> bool:
    if "topic" in values and values["topic"] != incident["topic"]:
        return False
    local = isinstance(incident["kecamatan"], str)
    return not ("kecamatan" in values and local and values["kecamatan"] != incident["kecamatan"])


def _burst_matches(burst: BurstAlert, incident: pd.Series) -> bool:
    slack = DAY if incident["kind"] == "burst" else WEEK
    near = incident["start"] - slack <= burst.window_start <= incident["end"] + slack
    return near and _compatible(burst.group_values, incident)


def _weekly_matches(alert: StoredAlert, incident: pd.Series) -> bool:
    return _compatible(dict(alert.values), incident) and any(
        incident["start"] - WEEK < day <= incident["end"] + WEEK for day in alert.seen
    )


@dataclass(frozen=True)
class RefreshOutcome:
    """What the whole refresh (weekly model and hourly scan) showed over the evaluated weeks."""

    weeks: int
    headlines: int
    false_headlines: int
    burst_headlines: int
    delays: tuple[pd.Timedelta | None, ...]
    seconds: float
    # Views of one alert that overlapped two stored alerts of its group (daily refreshes).
    bridged: int = 0


def weekly_alerts(
    data: pd.DataFrame, detector: SeasonalNB, since: pd.Timestamp, weeks: str
) -> Replay:
    """The weekly alerts a manager finds stored: from ISO weeks, or from daily refreshes."""
    if weeks in ("iso", "iso+days"):
        found = anchored_alerts(data, DEFAULT_GROUP_SETS, detector, since, anchors=[0])
        alerts = as_stored(found[0])
        if weeks == "iso+days":
            # The daily model beside the weekly one: its alerts relate among themselves.
            for columns in DEFAULT_GROUP_SETS:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    report = find_spikes(
                        data, group_cols=columns, freq="D", detector=detector, since=since
                    )
                alerts += as_stored(report.alerts, len(alerts), days=1)
        return Replay(alerts, overlapping([a.span() for a in alerts]), 0)
    if weeks != "daily":
        raise ValueError(f"unknown weeks {weeks!r}")
    found = anchored_alerts(data, DEFAULT_GROUP_SETS, detector, since)
    last_day = data["created_at"].max().normalize() - DAY
    return stored_alerts(found, since + WEEK - DAY, last_day)


def evaluate_refresh(
    data: pd.DataFrame,
    incidents: pd.DataFrame,
    detector: SeasonalNB,
    scan: HourlyScan | None,
    since: pd.Timestamp,
    weeks: str = "iso",
) -> RefreshOutcome:
    """Weekly alerts and bursts, related into headlines as the refresh relates them."""
    began = time.perf_counter()
    replay = weekly_alerts(data, detector, since, weeks)
    alerts, merged = replay.alerts, replay.merged
    bursts = scan_span(data, scan, since) if scan is not None else []
    # Overlapping alerts of one group are one alert: the later ones are under the earliest.
    kept = [a for a in alerts if a.id not in merged]
    offset = len(alerts)
    burst_spikes = [
        Spike(offset + j, frozenset(b.group_values.items()), b.observed - b.upperbound,
              {f"{b.window_start:%Y-%m-%d}": b.observed - b.expected})
        for j, b in enumerate(bursts)
    ]  # fmt: skip
    links = {**relate(burst_spikes), **merged}
    for days in {a.days for a in kept}:
        links.update(relate([a.spike() for a in kept if a.days == days]))
    heads = [
        Incident(a.id, "spike", a.values, a.first.date(), (a.last + a.period - DAY).date(), "")
        for a in alerts if a.id not in links
    ] + [
        Incident(offset + j, "burst", frozenset(b.group_values.items()), b.window_start.date(),
                 (b.window_end - HOUR).date(), b.window_start.isoformat())
        for j, b in enumerate(bursts) if offset + j not in links
    ]  # fmt: skip
    same = relate_kinds(heads)
    headline_ids = [h.id for h in heads if h.id not in same]

    def matches(i: int, incident: pd.Series) -> bool:
        if i < offset:
            return _weekly_matches(alerts[i], incident)
        return _burst_matches(bursts[i - offset], incident)

    false = sum(not any(matches(i, row) for _, row in incidents.iterrows()) for i in headline_ids)
    delays: list[pd.Timedelta | None] = []
    for _, incident in incidents.iterrows():
        times = [
            day + a.period
            for a in alerts
            if _weekly_matches(a, incident)
            for day in a.seen
            if incident["start"] - WEEK < day <= incident["end"] + WEEK
        ] + [
            b.first_alarm + HOUR
            for b in bursts
            if b.first_alarm is not None and _burst_matches(b, incident)
        ]
        delays.append(None if not times else max(min(times) - incident["start"], pd.Timedelta(0)))
    weeks_evaluated = int((data["created_at"].max() - since) / WEEK) + 1
    return RefreshOutcome(
        weeks_evaluated,
        len(headline_ids),
        false,
        sum(i >= offset for i in headline_ids),
        tuple(delays),
        time.perf_counter() - began,
        replay.bridged,
    )


def _delay(kind: str, delay: pd.Timedelta | None) -> str:
    if delay is None:
        return "-"
    if kind == "burst":
        return f"{delay / HOUR:.0f} h"
    return f"{delay / DAY:.1f} d"


def _worst(kinds: list[str], delays: tuple[pd.Timedelta | None, ...], kind: str) -> str:
    chosen = [d for k, d in zip(kinds, delays, strict=True) if k == kind]
    if not chosen:
        return "n/a"
    if any(d is None for d in chosen):
        return "never"
    return _delay(kind, max(d for d in chosen if d is not None))


def refresh_table(
    complaints: pd.DataFrame, spikes: pd.DataFrame, n_bursts: int, since: pd.Timestamp, seed: int,
    only: list[str] | None,
) -> None:  # fmt: skip
    """One row per refresh setting: false headlines per week and the delay per incident."""
    data, incidents = inject_bursts(complaints, spikes, n_bursts, since, seed)
    names = [
        f"{r.kind} {r.topic.split()[0]}{'@' + r.kecamatan if isinstance(r.kecamatan, str) else ''} "
        f"{r.start:%Y-%m-%d %H:%M}"
        for r in incidents.itertuples()
    ]
    print("incidents: " + "; ".join(names))
    print("| setting | headlines | burst headlines | false headlines | false / week "
          "| delay per incident | worst weekly | worst burst | s |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|")
    for name, (detector, scan, weeks) in REFRESH_SETTINGS.items():
        if only and name not in only:
            continue
        out = evaluate_refresh(data, incidents, detector, scan, since, weeks)
        kinds = incidents["kind"].tolist()
        delays = ", ".join(_delay(k, d) for k, d in zip(kinds, out.delays, strict=True))
        worst = {kind: _worst(kinds, out.delays, kind) for kind in ("weekly", "burst")}
        print(
            f"| {name} | {out.headlines} | {out.burst_headlines} | {out.false_headlines} | "
            f"{out.false_headlines / out.weeks:.2f} | {delays} | {worst['weekly']} | "
            f"{worst['burst']} | {out.seconds:.1f} |"
            + (f" bridged {out.bridged}" if out.bridged else "")
        )


def real_lebaran(path: str) -> None:
    """Weekly counts and alarms around each Idul Fitri of a real complaint file."""
    data = pd.read_csv(path, usecols=["created_at", "topic"])
    data["created_at"] = pd.to_datetime(data["created_at"])
    first, last = data["created_at"].min(), data["created_at"].max()
    print(f"{len(data)} complaints from {first:%Y-%m-%d} to {last:%Y-%m-%d}")
    runs = {}
    for holidays in (False, True):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            report = find_spikes(data, group_cols=["topic"], detector=SeasonalNB(holidays=holidays))
        runs[holidays] = report.detection
    counts = report.counts
    top = counts.sum().sort_values(ascending=False).index[:5]
    # Idul Fitri up to five weeks past the data: its Ramadan weeks are in it.
    for day in _lebaran_weeks(first - 5 * WEEK, last + 5 * WEEK):
        weeks = counts.index[(counts.index >= day - 6 * WEEK) & (counts.index <= day + 3 * WEEK)]
        print(f"\nIdul Fitri {day:%Y-%m-%d}: weekly counts (week starting)")
        print("| topic | " + " | ".join(f"{w:%m-%d}" for w in weeks) + " |")
        print("|---|" + "---|" * len(weeks))
        print("| all topics | " + " | ".join(
            f"{int(v)}" for v in counts.loc[weeks].sum(axis=1)) + " |")  # fmt: skip
        for column in top:
            label = column if isinstance(column, str) else column[0]
            values = " | ".join(f"{int(v)}" for v in counts.loc[weeks, column])
            print(f"| {label} | {values} |")
        for holidays, detection in runs.items():
            near = detection[detection["date"].isin(weeks)]
            alarms = near[near["alarm"]]
            methods = ", ".join(sorted(set(near["method"])))
            print(
                f"holidays={holidays}: {len(alarms)} topic alarms in these weeks "
                f"({alarms['group'].nunique()} topics; baseline methods: {methods})"
            )


def scan_sample(complaints: pd.DataFrame, days: int = 90) -> None:
    """Hourly scan over the sample's last ``days`` days with a burst of 40 complaints in six
    hours added: burst headlines elsewhere per week, and the hours until the burst alarms."""
    end = complaints["created_at"].max().floor("h")
    begin = end - pd.Timedelta(days=days + 30)
    recent = complaints[complaints["created_at"] >= begin]
    topic = "Air PDAM Mati atau Keruh"
    place = str(recent["kecamatan"].value_counts().index[0])
    burst_start = (end - pd.Timedelta(days=20)).normalize() + pd.Timedelta(hours=8)
    burst = pd.DataFrame(
        {
            "created_at": [burst_start + pd.Timedelta(minutes=9 * k) for k in range(40)],
            "topic": topic,
            "kecamatan": place,
        }
    )
    data = pd.concat([recent[["created_at", "topic", "kecamatan"]], burst], ignore_index=True)
    began = time.perf_counter()
    bursts = find_bursts(data, DEFAULT_GROUP_SETS, end, lookback_hours=days * 24)
    seconds = time.perf_counter() - began
    window_end = burst_start + pd.Timedelta(hours=6 + 12)

    def ours(b: Burst) -> bool:
        values = dict(zip(b.group_columns, b.group.split("|"), strict=True))
        right = values.get("topic", topic) == topic and values.get("kecamatan", place) == place
        return right and burst_start <= b.hour <= window_end

    headlines = [b for b in bursts if b.headline is None]
    false = [b for b in headlines if not ours(b)]
    hits = [b.hour for b in bursts if ours(b)]
    delay = (
        "never"
        if not hits
        else f"{(min(hits) + pd.Timedelta(hours=1) - burst_start) / pd.Timedelta(hours=1):g} h"
    )
    print(
        f"hourly scan, last {days} days of the sample, {len(DEFAULT_GROUP_SETS)} group sets: "
        f"{len(bursts)} alarming group-hours, {len(headlines)} headlines, "
        f"{len(false)} false headlines ({len(false) / (days / 7):.2f} per week); "
        f"burst of 40 in 6 h ({topic} in {place}) first alarmed after {delay}; {seconds:.1f} s"
    )


def main(argv: list[str] | None = None) -> None:
    """Print one table row per detector setting."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--from",
        dest="since",
        default="2022-02-21",
        help="first evaluated week (the sample places no incident in its first 8 weeks)",
    )
    parser.add_argument("--only", action="append", help="run only these settings")
    parser.add_argument("--real", metavar="FILE", help="complaint CSV: Lebaran weeks only")
    parser.add_argument("--scan", action="store_true", help="the hourly burst scan only")
    parser.add_argument(
        "--bursts",
        type=int,
        metavar="N",
        help="inject N bursts and score the whole refresh (weekly model and hourly scan)",
    )
    args = parser.parse_args(argv)
    if args.real:
        real_lebaran(args.real)
        return
    corpus = generate_sample(rows=args.rows, seed=args.seed)
    complaints, spikes = corpus.complaints, corpus.spikes
    if args.scan:
        scan_sample(complaints)
        return
    since = pd.Timestamp(args.since)
    spikes = spikes[spikes["end"] >= since].reset_index(drop=True)
    names = [
        f"{s.topic.split()[0]}{'@' + s.kecamatan if isinstance(s.kecamatan, str) else ''} "
        f"{s.start:%Y-%m-%d}"
        for s in spikes.itertuples()
    ]
    print(f"sample rows={args.rows} seed={args.seed}, weeks from {since:%Y-%m-%d}")
    if args.bursts is not None:
        refresh_table(complaints, spikes, args.bursts, since, args.seed, args.only)
        return
    print("incidents: " + "; ".join(names))
    print(
        "| setting | headlines | false headlines | false / week | Lebaran false alarms per year "
        "| delay per incident (days) | s |"
    )
    print("|---|---|---|---|---|---|---|")
    for name, detector in SETTINGS.items():
        if args.only and name not in args.only:
            continue
        out = evaluate(complaints, spikes, detector, since)
        lebaran = " / ".join(f"{n}" for n in out.lebaran_false_alarms.values())
        delays = ", ".join("-" if d is None else str(d) for d in out.delays)
        print(
            f"| {name} | {out.headlines} | {out.false_headlines} | "
            f"{out.false_headlines / out.weeks:.2f} | {lebaran} | {delays} "
            f"| {out.seconds:.1f} |"
        )


if __name__ == "__main__":
    main()
