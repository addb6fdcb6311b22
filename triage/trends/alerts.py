"""Spike alerts: alarming periods merged per group, with the numbers and words that explain them."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from triage.periods import STEP_DAYS

ALERT_PERIOD_COLUMNS = ("group", "date", "observed", "expected", "upperbound", "score", "alert_id")
_PLACES = ("kecamatan", "kelurahan")
GROUP_SEPARATOR = "|"
# Function words and the placeholders of anonymised data: frequent everywhere, explain nothing.
_STOPWORDS = frozenset(
    """yang dan di ke dari ini itu untuk dengan ada sudah pak bu mohon tolong terima kasih
    kami saya kita akan atau juga karena pada dalam sebut bisa agar supaya sangat lagi masih
    belum tidak nya apa kapan dimana mana tersebut telah adalah oleh para segera warga
    telepon nik email jam tgl tanggal hari bapak ibu selamat pagi siang sore malam
    min admin""".split()
)
_TOKEN = re.compile(r"[a-z]{3,}")


@dataclass(frozen=True)
class AlertPeriod:
    """One alarming period of an alert."""

    date: pd.Timestamp
    observed: float
    expected: float
    upperbound: float
    score: float


@dataclass(frozen=True)
class Alert:
    """Consecutive alarming periods of one group, merged, with the evidence behind them.

    ``observed``, ``expected`` and ``upperbound`` are totals over the alert's periods;
    ``last_year`` is the count in the same periods a year earlier (None before the data
    starts).  ``severity`` is the number of complaints beyond the upper bounds, summed over the
    periods: alerts are ranked by it, so that forty extra flood reports come before five
    reports in a topic that usually has none.  ``peak_score`` is the highest score.
    """

    alert_id: str
    group: str
    group_values: tuple[tuple[str, str], ...]
    freq: str
    start: pd.Timestamp
    end: pd.Timestamp
    periods: tuple[AlertPeriod, ...]
    observed: float
    expected: float
    upperbound: float
    severity: float
    peak_score: float
    method: str
    reason: str
    last_year: float | None = None
    top_words: tuple[str, ...] = ()
    example_ids: tuple[str, ...] = ()

    @property
    def ratio(self) -> float:
        """Observed over expected (infinite when nothing was expected)."""
        return self.observed / self.expected if self.expected > 0 else float("inf")


def _reason(method: str, freq: str) -> str:
    unit = "weeks" if freq == "W" else "days"
    if method == "seasonal":
        return (
            f"seasonal baseline: same {unit} of past years, trend if significant, "
            "earlier spikes down-weighted"
        )
    return (
        "less than two years of history: compared with the recent weeks only, "
        "no seasonal adjustment"
    )


def merge_alerts(
    detection: pd.DataFrame,
    freq: str,
    group_cols: Sequence[str] = (),
    evidence: Mapping[str, pd.DataFrame] | None = None,
) -> list[Alert]:
    """Merge consecutive alarming periods per group into alerts, most severe first.

    Parameters
    ----------
    detection : DataFrame
        Long detector output (:func:`triage.trends.detect_counts`).
    freq : {"W", "D"}
    group_cols : sequence of str
        Names of the columns the group labels were joined from.
    evidence : mapping of group label to DataFrame, optional
        Complaint rows per group with columns ``period``, ``id`` and ``text``, for the top
        words and example ids.

    Returns
    -------
    list of Alert
    """
    columns = ["group", "date", "observed", "expected", "upperbound", "score", "method"]
    alarms = detection.loc[detection["alarm"], columns].sort_values(["group", "date"])
    if alarms.empty:
        return []
    # 52 weeks (364 days) back keeps the day of the week.
    year_before = alarms[["group", "date"]].assign(date=alarms["date"] - pd.Timedelta(days=364))
    last_year = year_before.merge(
        detection[["group", "date", "observed"]], on=["group", "date"], how="left"
    )["observed"].to_numpy(dtype=float)
    group, date = alarms["group"].to_numpy(), pd.DatetimeIndex(alarms["date"])
    numbers = alarms[["observed", "expected", "upperbound", "score"]].to_numpy(dtype=float)
    step = np.timedelta64(STEP_DAYS[freq], "D")
    new_run = np.r_[True, (group[1:] != group[:-1]) | (np.diff(date.to_numpy()) != step)]
    bounds = [*np.flatnonzero(new_run), len(alarms)]
    methods = alarms["method"].to_numpy()
    alerts = []
    for lo, hi in zip(bounds[:-1], bounds[1:], strict=False):
        label, start, end = str(group[lo]), date[lo], date[hi - 1]
        observed, expected, upper, score = numbers[lo:hi].T
        rows = evidence.get(label) if evidence else None
        words, ids = _evidence(rows, start, end) if rows is not None else ((), ())
        values = label.split(GROUP_SEPARATOR) if group_cols else []
        before = last_year[lo:hi]
        alerts.append(
            Alert(
                alert_id=f"{label}@{start:%Y-%m-%d}",
                group=label,
                group_values=tuple(zip(group_cols, values, strict=False)),
                freq=freq,
                start=start,
                end=end,
                periods=tuple(AlertPeriod(date[i], *map(float, numbers[i])) for i in range(lo, hi)),
                observed=float(observed.sum()),
                expected=float(expected.sum()),
                upperbound=float(upper.sum()),
                severity=float((observed - upper).sum()),
                peak_score=float(score.max()),
                method=str(methods[lo]),
                reason=_reason(str(methods[lo]), freq),
                last_year=None if np.isnan(before).any() else float(before.sum()),
                top_words=words,
                example_ids=ids,
            )
        )
    return sorted(alerts, key=lambda a: (-a.severity, -a.peak_score, a.alert_id))


def _evidence(
    rows: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    inside = rows["period"].between(start, end)
    ids = tuple(str(i) for i in rows.loc[inside, "id"].head(5)) if "id" in rows else ()
    if "text" not in rows:
        return (), ids
    return top_words(rows.loc[inside, "text"], rows.loc[~inside, "text"]), ids


def distinct_words(text: object) -> set[str]:
    """Distinct lower-case words of three letters or more, minus function words."""
    return set(_TOKEN.findall(str(text).lower())) - _STOPWORDS if isinstance(text, str) else set()


def top_words(spike: Iterable[object], rest: Iterable[object], n: int = 5) -> tuple[str, ...]:
    """Words whose share of complaints rose most during the spike (seen in two or more)."""
    inside = [distinct_words(text) for text in spike]
    outside = [distinct_words(text) for text in rest]
    if not inside:
        return ()
    count_in = Counter(word for doc in inside for word in doc)
    count_out = Counter(word for doc in outside for word in doc)
    lift = {
        word: count / len(inside) - count_out[word] / max(len(outside), 1)
        for word, count in count_in.items()
        if count >= 2
    }
    ranked = sorted(lift, key=lambda word: (-lift[word], word))
    return tuple(word for word in ranked[:n] if lift[word] > 0)


def alert_periods_frame(alerts: Sequence[Alert]) -> pd.DataFrame:
    """One row per alarming period: group, date (YYYY-MM-DD), numbers, alert_id."""
    records = [
        {
            "group": a.group,
            "date": f"{p.date:%Y-%m-%d}",
            "observed": int(p.observed),
            "expected": round(p.expected, 2),
            "upperbound": p.upperbound,
            "score": round(p.score, 2),
            "alert_id": a.alert_id,
        }
        for a in alerts
        for p in a.periods
    ]
    return pd.DataFrame.from_records(records, columns=list(ALERT_PERIOD_COLUMNS))


def _subject(alert: Alert, lang: str) -> str:
    places = [f"Kecamatan {v}" if c == "kecamatan" else f"Kelurahan {v}"
              for c, v in alert.group_values if c in _PLACES]  # fmt: skip
    what = [v for c, v in alert.group_values if c not in _PLACES]
    subject = " / ".join(what) or ("Semua pengaduan" if lang == "id" else "All complaints")
    if places:
        subject += (" di " if lang == "id" else " in ") + ", ".join(places)
    return subject


def describe_alert(alert: Alert, lang: str = "en") -> str:
    """One readable sentence, in English (``"en"``) or Indonesian (``"id"``).

    Examples
    --------
    ``Banjir in Kecamatan Rungkut: 42 complaints in the week of 2024-01-08, 3.1× the expected
    13.5 (upper bound 24)``
    """
    n = len(alert.periods)
    unit_en, unit_id = ("week", "minggu") if alert.freq == "W" else ("day", "hari")
    first, last = f"{alert.start:%Y-%m-%d}", f"{alert.end:%Y-%m-%d}"
    # Below one expected complaint a ratio says nothing a manager can use.
    few = alert.expected < 1.0
    if lang == "id":
        when = f"pada {unit_id} {first}" if n == 1 else f"dalam {n} {unit_id} {first} s.d. {last}"
        # Indonesian writes the decimal separator as a comma.
        expected = f"{alert.expected:.1f}".replace(".", ",")
        ratio = f"{alert.ratio:.1f}".replace(".", ",")
        compared = f"padahal perkiraan {expected}" if few else f"{ratio}× dari perkiraan {expected}"
        text = (
            f"{_subject(alert, lang)}: {alert.observed:.0f} pengaduan {when}, {compared} "
            f"(batas atas {alert.upperbound:.0f})"
        )
        return text + ("" if alert.method == "seasonal" else _SHORT_ID)
    when = f"in the {unit_en} of {first}" if n == 1 else f"in the {n} {unit_en}s {first} to {last}"
    compared = (
        f"where {alert.expected:.1f} were expected"
        if few
        else f"{alert.ratio:.1f}× the expected {alert.expected:.1f}"
    )
    text = (
        f"{_subject(alert, lang)}: {alert.observed:.0f} complaints {when}, {compared} "
        f"(upper bound {alert.upperbound:.0f})"
    )
    return text + ("" if alert.method == "seasonal" else _SHORT_EN)


_SHORT_EN = "; short history, not seasonally adjusted"
_SHORT_ID = "; riwayat pendek, tanpa penyesuaian musiman"
