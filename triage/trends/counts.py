"""Complaint counts per period and group, and the spike alerts a detector finds in them.

Periods are days (``"D"``) or weeks (``"W"``; ISO weeks starting Monday unless ``week_start``
names another weekday) in Asia/Jakarta time: naive
timestamps are taken as Jakarta local time, aware ones are converted.  Every group gets every
period between the first and the last complaint, with zeros where nothing was filed, because a
detector must see a quiet week as a zero, not as a gap.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from triage.errors import InputError
from triage.periods import STEP_DAYS, TIMEZONE, check_freq, check_week_start, period_start
from triage.trends.alerts import GROUP_SEPARATOR, Alert, merge_alerts
from triage.trends.detectors import Detector, SeasonalNB

OBSERVED = "observed"
PERIOD = "period"


def to_local_time(values: pd.Series, column: str = "date") -> pd.Series:
    """Parse timestamps into naive Asia/Jakarta local time.

    Raises
    ------
    InputError
        If any value cannot be parsed as a date.
    """
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        return values.dt.tz_convert(TIMEZONE).dt.tz_localize(None)
    if pd.api.types.is_datetime64_dtype(values.dtype):
        return values
    try:
        parsed = pd.to_datetime(values, format="ISO8601")
    except (ValueError, TypeError):
        parsed = _parse_one_by_one(values, column)
    if isinstance(parsed.dtype, pd.DatetimeTZDtype):
        parsed = parsed.dt.tz_convert(TIMEZONE).dt.tz_localize(None)
    bad = parsed.isna() & values.notna()
    if values.isna().any() or bad.any():
        where = values.index[(parsed.isna()).to_numpy()][:3].tolist()
        raise InputError(f"column {column!r} has missing or unparsable dates (rows {where})")
    return parsed


def _parse_one_by_one(values: pd.Series, column: str) -> pd.Series:
    # Mixed naive and offset-carrying strings: each value keeps its own meaning.
    parsed = []
    for position, value in enumerate(values):
        try:
            stamp = pd.Timestamp(value)
        except (ValueError, TypeError) as exc:
            # The value itself is not echoed: in a mis-chosen column it may be complaint text.
            raise InputError(
                f"column {column!r} has unparsable dates (first at row {position})"
            ) from exc
        if stamp is not pd.NaT and stamp.tzinfo is not None:
            stamp = stamp.tz_convert(TIMEZONE).tz_localize(None)
        parsed.append(stamp)
    return pd.Series(pd.DatetimeIndex(parsed), index=values.index)


def _check_columns(frame: pd.DataFrame, columns: Sequence[str]) -> None:
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise InputError(f"missing column(s) {missing}; available: {list(frame.columns)}")


def count_series(
    data: pd.DataFrame,
    *,
    date_col: str = "created_at",
    group_cols: Sequence[str] = (),
    count_col: str | None = None,
    freq: str = "W",
    week_start: int = 0,
) -> pd.DataFrame:
    """Count complaints per period and group, with zeros for empty periods.

    Parameters
    ----------
    data : DataFrame
        One row per complaint, or pre-counted rows when ``count_col`` is given.
    date_col : str
        Timestamp column (naive = Asia/Jakarta local time).
    group_cols : sequence of str
        Columns defining a series (e.g. ``["topic", "kecamatan"]``); empty for one total.
        Missing group values become ``"(unknown)"``.
    count_col : str, optional
        Column of non-negative counts to sum instead of counting rows.
    freq : {"W", "D"}
        Weeks or days.
    week_start : int
        The weekday weeks start on: 0 (Monday, ISO weeks) to 6 (Sunday).

    Returns
    -------
    DataFrame
        Periods (DatetimeIndex named ``period``) by groups (columns; a MultiIndex when there
        are several group columns, the single column ``"all"`` when there are none).

    Raises
    ------
    InputError
        Missing column, unparsable date, negative or non-numeric count, unknown ``freq`` or
        ``week_start``.
    """
    return _count_rows(data, date_col, group_cols, count_col, freq, week_start)[1]


def _count_rows(
    data: pd.DataFrame,
    date_col: str,
    group_cols: Sequence[str],
    count_col: str | None,
    freq: str,
    week_start: int = 0,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    # Each row's period and group labels beside the counts table: find_spikes needs both, and
    # parsing the dates is the costly step.
    check_freq(freq)
    check_week_start(week_start)
    group_cols = list(group_cols)
    _check_columns(data, [date_col, *group_cols, *([count_col] if count_col else [])])
    if data.empty:
        raise InputError("no rows to count")
    local = to_local_time(data[date_col], date_col)
    rows = pd.DataFrame({PERIOD: period_start(local, freq, week_start)})
    for column in group_cols:
        rows[column] = data[column].astype("string").fillna("(unknown)").to_numpy()
    frame = rows.copy()
    if count_col:
        counts = pd.to_numeric(data[count_col], errors="coerce")
        if counts.isna().any():
            raise InputError(f"column {count_col!r} has missing or non-numeric counts")
        if (counts < 0).any():
            raise InputError(f"column {count_col!r} has negative counts")
        frame[OBSERVED] = counts.to_numpy()
    else:
        frame[OBSERVED] = 1
    keys = group_cols or ["_all"]
    if not group_cols:
        frame["_all"] = "all"
    table = frame.pivot_table(
        index=PERIOD, columns=keys, values=OBSERVED, aggfunc="sum", fill_value=0
    )
    full = pd.date_range(table.index.min(), table.index.max(), freq=f"{STEP_DAYS[freq]}D")
    table = table.reindex(full, fill_value=0).astype(float)
    table.index.name = PERIOD
    if not group_cols:
        table.columns = pd.Index(["all"])
    elif len(group_cols) == 1:
        table.columns = pd.Index(table.columns.get_level_values(0), name=group_cols[0])
    return rows, table


def group_labels(columns: pd.Index) -> list[str]:
    """``"banjir"`` or ``"banjir|Coblong"``: one string per series."""
    if isinstance(columns, pd.MultiIndex):
        return [GROUP_SEPARATOR.join(str(part) for part in key) for key in columns]
    return [str(key) for key in columns]


def detect_counts(
    counts: pd.DataFrame,
    detector: Detector | None = None,
    since: str | pd.Timestamp | None = None,
) -> pd.DataFrame:
    """Run a detector on every series of a :func:`count_series` table.

    Parameters
    ----------
    counts : DataFrame
        Periods by groups.
    detector : Detector, optional
        Defaults to ``SeasonalNB()``.
    since : date, optional
        Only periods from this date on are evaluated (the baseline still uses all history).

    Returns
    -------
    DataFrame
        Long form: ``group``, ``date``, ``observed``, ``expected``, ``upperbound``, ``score``,
        ``alarm``, ``method``, one row per group and period.
    """
    detector = detector or SeasonalNB()
    first = None
    if since is not None:
        try:
            first = pd.Timestamp(since)
        except ValueError as exc:
            raise InputError(f"cannot parse {since!r} as a date") from exc
    tables = detector.detect_wide(counts, since=first)
    labels = group_labels(counts.columns)
    long = pd.DataFrame(
        {
            "group": np.tile(np.asarray(labels, dtype=object), len(counts.index)),
            "date": np.repeat(counts.index.to_numpy(), len(labels)),
        }
    )
    for name, table in tables.items():
        long[name] = table.to_numpy().ravel()
    long["alarm"] = long["alarm"].astype(bool)
    if tables["alarm"].to_numpy().mean() > 0.2:
        warnings.warn(
            "more than 20% of periods alarm: check alpha and whether counts are complete",
            stacklevel=2,
        )
    return long


@dataclass(frozen=True)
class SpikeReport:
    """Counts, detector output and merged alerts of one :func:`find_spikes` run."""

    counts: pd.DataFrame
    detection: pd.DataFrame
    alerts: tuple[Alert, ...]
    freq: str
    # Detector warnings, when :func:`find_spikes_recorded` kept them rather than emitting them.
    warnings: tuple[str, ...] = ()


def find_spikes(
    data: pd.DataFrame,
    *,
    date_col: str = "created_at",
    group_cols: Sequence[str] = (),
    count_col: str | None = None,
    freq: str = "W",
    detector: Detector | None = None,
    since: str | pd.Timestamp | None = None,
    id_col: str = "id",
    text_col: str = "text",
    week_start: int = 0,
) -> SpikeReport:
    """Count complaints, run a detector on every group and merge its alarms into alerts.

    Parameters
    ----------
    data : DataFrame
        Complaints (one row each) or pre-counted rows (``count_col``).
    date_col, group_cols, count_col, freq
        As in :func:`count_series`.
    detector : Detector, optional
        Defaults to ``SeasonalNB()`` (seasonal with two years of history, recent otherwise).
    since : date, optional
        Report only alerts from this date on.
    id_col, text_col : str
        Complaint id and text columns, used (when present, and without ``count_col``) for the
        example ids and top words of each alert.
    week_start : int
        As in :func:`count_series`.

    Returns
    -------
    SpikeReport
        Alerts ranked by severity.

    Raises
    ------
    InputError
        As :func:`count_series`.
    """
    rows, counts = _count_rows(data, date_col, group_cols, count_col, freq, week_start)
    detection = detect_counts(counts, detector, since=since)
    return _report(data, rows, counts, detection, freq, group_cols, count_col, id_col, text_col)


def find_spikes_recorded(
    data: pd.DataFrame,
    *,
    group_cols: Sequence[str] = (),
    freq: str = "W",
    detector: Detector | None = None,
    since: str | pd.Timestamp | None = None,
    until: pd.Timestamp | None = None,
    week_start: int = 0,
) -> SpikeReport:
    """:func:`find_spikes` for a service: count, detect, and keep the warnings in the report.

    Parameters
    ----------
    data : DataFrame
        Complaints, one row each, with ``created_at`` and, for evidence, ``id`` and ``text``.
    group_cols, freq, detector, since, week_start
        As in :func:`find_spikes`.
    until : Timestamp, optional
        The first day of the last period to count: quiet periods up to it are zeros the
        detector must see, and later periods are left out.

    Returns
    -------
    SpikeReport
        With ``warnings`` holding the detector's warning messages.  A single period is no
        history: its counts come back without a baseline (``method`` ``"none"``) or alerts.

    Raises
    ------
    InputError
        As :func:`count_series`.
    """
    rows, counts = _count_rows(data, "created_at", group_cols, None, freq, week_start)
    if until is not None:
        step = f"{STEP_DAYS[freq]}D"
        counts = counts.reindex(
            pd.date_range(counts.index[0], until, freq=step, name=PERIOD), fill_value=0.0
        )
    if len(counts.index) < 2:
        return SpikeReport(counts, _undetected(counts), (), freq)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        detection = detect_counts(counts, detector, since=since)
        report = _report(data, rows, counts, detection, freq, group_cols, None, "id", "text")
    return replace(report, warnings=tuple(str(w.message) for w in caught))


def _undetected(counts: pd.DataFrame) -> pd.DataFrame:
    labels = group_labels(counts.columns)
    return pd.DataFrame(
        {
            "group": np.tile(np.asarray(labels, dtype=object), len(counts.index)),
            "date": np.repeat(counts.index.to_numpy(), len(labels)),
            "observed": counts.to_numpy().ravel(),
            "expected": np.nan,
            "upperbound": np.nan,
            "score": np.nan,
            "alarm": False,
            "method": "none",
        }
    )


def _report(
    data: pd.DataFrame,
    rows: pd.DataFrame,
    counts: pd.DataFrame,
    detection: pd.DataFrame,
    freq: str,
    group_cols: Sequence[str],
    count_col: str | None,
    id_col: str,
    text_col: str,
) -> SpikeReport:
    evidence = None
    if count_col is None and (id_col in data.columns or text_col in data.columns):
        # Positional, not by index: concatenated frames often repeat index labels.
        keys = [rows[column].to_numpy(str) for column in group_cols]
        labels = (
            np.array([GROUP_SEPARATOR.join(parts) for parts in zip(*keys, strict=True)])
            if keys
            else np.full(len(data), "all")
        )
        rows = pd.DataFrame({PERIOD: rows[PERIOD]})
        if id_col in data.columns:
            rows["id"] = data[id_col].to_numpy()
        if text_col in data.columns:
            rows["text"] = data[text_col].to_numpy()
        alarmed = set(detection.loc[detection["alarm"], "group"])
        evidence = {
            str(label): part.sort_values("period", kind="stable")
            for label, part in rows.groupby(labels)
            if label in alarmed
        }
    alerts = merge_alerts(detection, freq, group_cols, evidence)
    return SpikeReport(counts=counts, detection=detection, alerts=tuple(alerts), freq=freq)
