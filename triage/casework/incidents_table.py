"""Incidents and duplicates of a whole table, replayed in time order as intake would see it."""

from __future__ import annotations

import heapq

import pandas as pd

from triage.casework.incidents import IncidentIndex
from triage.errors import InputError
from triage.periods import TIMEZONE

REQUIRED_COLUMNS: tuple[str, ...] = ("id", "created_at", "text")
# Used when present: the place, the problem, who sent it, and when it was closed.
OPTIONAL_COLUMNS: tuple[str, ...] = ("kelurahan", "topic", "reporter", "closed_at")
OUTPUT_COLUMNS: tuple[str, ...] = ("id", "incident", "duplicate_of")


def link_complaints(
    frame: pd.DataFrame, index: IncidentIndex | None = None, *, reasons: bool = False
) -> pd.DataFrame:
    """Link every complaint of a table to the earlier open ones, in time order.

    Parameters
    ----------
    frame : DataFrame
        Columns ``id``, ``created_at``, ``text``; optional ``kelurahan``, ``topic``,
        ``reporter`` and ``closed_at`` (a complaint stops absorbing later ones from then on).
        Naive times are Asia/Jakarta local time.
    index : IncidentIndex, optional
        An empty index with the windows and thresholds to use (default settings otherwise).
    reasons : bool
        Add the columns ``reason`` and ``matched`` (for reading the links, not for output).

    Returns
    -------
    DataFrame
        One row per input row, in input order: ``id``, ``incident`` (the id of the first
        complaint of its incident, its own when alone) and ``duplicate_of`` (empty unless the
        row is an earlier complaint sent again).

    Raises
    ------
    InputError
        For a missing column, an empty or repeated id, a missing or unreadable date, a closing
        time before its complaint, or a text without words.
    """
    missing = [name for name in REQUIRED_COLUMNS if name not in frame.columns]
    if missing:
        present = ", ".join(map(str, frame.columns))
        raise InputError(f"missing column(s): {', '.join(missing)}; columns are: {present}")
    index = index if index is not None else IncidentIndex()
    if len(index):
        raise InputError("link_complaints needs an empty index")
    ids = frame["id"].map(_text)
    if (ids == "").any():
        raise InputError(f"row {int((ids == '').to_numpy().argmax()) + 2} has no id")
    repeated = ids[ids.duplicated()]
    if not repeated.empty:
        raise InputError(f"id {repeated.iloc[0]!r} appears more than once")
    created = _times(frame["created_at"], ids, "created_at", required=True)
    closed = (
        _times(frame["closed_at"], ids, "closed_at", required=False)
        if "closed_at" in frame.columns
        else pd.Series(pd.NaT, index=frame.index, dtype=created.dtype)
    )
    early = closed.notna() & (closed < created)
    if early.any():
        raise InputError(f"complaint {ids[early].iloc[0]!r} is closed before it was created")
    texts = frame["text"].map(_text)
    optional = {
        name: frame[name].map(_text) if name in frame.columns else None
        for name in ("kelurahan", "topic", "reporter")
    }
    order = created.sort_values(kind="stable").index
    closings: list[tuple[pd.Timestamp, str]] = []
    rows: dict[object, tuple[str, str, str, str]] = {}
    for row in order:
        when = created[row]
        while closings and closings[0][0] <= when:
            index.close(heapq.heappop(closings)[1])
        if not texts[row]:
            raise InputError(f"complaint {ids[row]!r} has no text")
        place, topic, reporter = (
            (col[row] or None) if col is not None else None for col in optional.values()
        )
        try:
            link = index.add(
                ids[row],
                texts[row],
                when.to_pydatetime(),
                kelurahan=place,
                topic=topic,
                reporter=reporter,
            )
        except InputError as exc:
            raise InputError(f"complaint {ids[row]!r}: {exc}") from exc
        if pd.notna(closed[row]):
            heapq.heappush(closings, (closed[row], ids[row]))
        rows[row] = (link.incident, link.duplicate_of or "", link.reason, link.matched or "")
    result = pd.DataFrame(
        [(ids[row], *rows[row]) for row in frame.index],
        columns=[*OUTPUT_COLUMNS, "reason", "matched"],
    )
    return result if reasons else result[list(OUTPUT_COLUMNS)]


def _text(value: object) -> str:
    return "" if pd.isna(value) else str(value).strip()  # type: ignore[call-overload]


def _not_a_time(complaint_id: object, name: str) -> str:
    # The value itself is not echoed: in a mis-chosen column it may be complaint text.
    return f"complaint {complaint_id!r}: its {name} is not a date and time"


def _times(column: pd.Series, ids: pd.Series, name: str, *, required: bool) -> pd.Series:
    """Aware Asia/Jakarta times; naive ones are local, aware ones are converted."""
    parsed: list[pd.Timestamp | None] = []
    for complaint_id, value in zip(ids, column, strict=True):
        raw = _text(value)
        if not raw:
            if required:
                raise InputError(f"complaint {complaint_id!r} has no {name}")
            parsed.append(None)
            continue
        try:
            stamp = pd.Timestamp(raw)
        except (ValueError, OverflowError) as exc:
            raise InputError(_not_a_time(complaint_id, name)) from exc
        if pd.isna(stamp):
            raise InputError(_not_a_time(complaint_id, name))
        stamp = stamp.tz_localize(TIMEZONE) if stamp.tzinfo is None else stamp.tz_convert(TIMEZONE)
        parsed.append(stamp)
    return pd.Series(parsed, index=column.index, dtype=f"datetime64[ns, {TIMEZONE}]")
