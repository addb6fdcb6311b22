"""GET /v1/trends (counts against their seasonal baseline), GET /v1/alerts and acknowledgement.

Alerts are stored rows, refreshed by ``triage alerts refresh`` from cron: detection over every
topic and area takes seconds to minutes, too long for a request and wasteful to repeat in each
gunicorn worker, and an acknowledgement needs a row that outlives the computation.  Trends are
computed on request (managers pick the grouping and range) and cached per worker until the
complaints change or :data:`CACHE_SECONDS` pass.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd
from flask import Blueprint, current_app, jsonify, request
from flask.blueprints import BlueprintSetupState
from flask.typing import ResponseReturnValue
from sqlalchemy import Engine

from api.auth import current_caller, requires
from api.fields import MAX_ID
from api.requests import AcknowledgeRequest, AlertQuery, TrendsQuery
from api.state import current_tenant_id
from api.validation import bad_request, parse_body, parse_query
from triage.periods import STEP_DAYS, local_today
from triage.store.alerts import AlertStore
from triage.store.trend_queries import TrendStore
from triage.trends.alerts import GROUP_SEPARATOR
from triage.trends.counts import find_spikes_recorded, group_labels

bp = Blueprint("trends", __name__)

ALERT_ID = f"<int(max={MAX_ID}):alert_id>"
CACHE_SECONDS = 300.0
# Two years of weeks, or one of days: a wider range would tie a worker up for minutes.
MAX_PERIODS = {"W": 106, "D": 366}
MAX_CACHED = 64
EXTENSION = "triage_alerts"


@bp.record_once
def _open_store(state: BlueprintSetupState) -> None:
    # Runs when create_app registers the blueprint, after it built the shared engine.
    engine = state.app.extensions["triage"].complaints.engine
    state.app.extensions[EXTENSION] = _TenantAlerts(engine)


@dataclass(frozen=True)
class _Detected:
    counts: pd.DataFrame
    detection: pd.DataFrame
    warnings: tuple[str, ...]


class _Alerts:
    """The alert store, the complaint queries of trends, and this worker's cache of detected
    trend series."""

    def __init__(self, store: AlertStore, complaints: TrendStore) -> None:
        self.store = store
        self.complaints = complaints
        self._cache: dict[tuple[object, ...], tuple[float, _Detected]] = {}
        self._lock = threading.Lock()

    def detected(
        self, columns: tuple[str, ...], freq: str, first: pd.Timestamp, last: pd.Timestamp
    ) -> _Detected | None:
        """Counts up to period ``last`` and detector output from period ``first`` on, or None
        when no complaint was filed before ``last``'s period ended."""
        key = (self.complaints.data_version(), columns, freq, first, last)
        now = time.monotonic()
        with self._lock:
            hit = self._cache.get(key)
        if hit is not None and hit[0] > now:
            return hit[1]
        result = self._detect(columns, freq, first, last)
        with self._lock:
            # Other versions of the data are never asked for again.
            self._cache = {k: v for k, v in self._cache.items() if v[0] > now and k[0] == key[0]}
            if len(self._cache) >= MAX_CACHED:
                self._cache.clear()
            if result is not None:
                self._cache[key] = (now + CACHE_SECONDS, result)
        return result

    def _detect(
        self, columns: tuple[str, ...], freq: str, first: pd.Timestamp, last: pd.Timestamp
    ) -> _Detected | None:
        frame = self.complaints.complaints_frame(
            last.date() + timedelta(STEP_DAYS[freq] - 1), text=False
        )
        if frame.empty:
            return None
        # Only the requested periods are evaluated; the baseline still reads all history.
        report = find_spikes_recorded(frame, group_cols=columns, freq=freq, since=first, until=last)
        return _Detected(report.counts, report.detection, report.warnings)


class _TenantAlerts:
    """One :class:`_Alerts` per tenant, each with its own cache of detected series."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._tenants: dict[int, _Alerts] = {}
        self._lock = threading.Lock()

    def get(self, tenant_id: int) -> _Alerts:
        with self._lock:
            found = self._tenants.get(tenant_id)
            if found is None:
                found = _Alerts(
                    AlertStore(self._engine, tenant_id=tenant_id),
                    TrendStore(self._engine, tenant_id=tenant_id),
                )
                self._tenants[tenant_id] = found
            return found


def _alerts() -> _Alerts:
    # The caller's tenant's alerts and trends only.
    tenants: _TenantAlerts = current_app.extensions[EXTENSION]
    return tenants.get(current_tenant_id())


def alert_store() -> AlertStore:
    """The alert store of the current application, on the caller's tenant."""
    return _alerts().store


def _period(day: date, freq: str) -> pd.Timestamp:
    # The first day of the day's period: a week belongs to the range when any of its days does.
    stamp = pd.Timestamp(day)
    return stamp - pd.Timedelta(days=stamp.day_of_week) if freq == "W" else stamp


def _number(value: float) -> float | None:
    return round(float(value), 3) if np.isfinite(value) else None


@bp.get("/trends")
@requires("read_stats")
def trends() -> ResponseReturnValue:
    """Counts per period and group with expected count, upper bound and alarm flag."""
    asked = parse_query(TrendsQuery)
    columns, freq, limit = asked.group, asked.freq, asked.limit
    end = asked.to or local_today()
    start = asked.from_ or end - timedelta(days=182 if freq == "W" else 56)
    if start > end:
        raise bad_request("'from' is after 'to'")
    step = STEP_DAYS[freq]
    if ((end - start).days + 1) / step > MAX_PERIODS[freq]:
        raise bad_request(
            f"at most {MAX_PERIODS[freq]} {'weeks' if freq == 'W' else 'days'} at a time: "
            "narrow 'from' and 'to'"
        )
    first, last = _period(start, freq), _period(min(end, local_today()), freq)
    detected = _alerts().detected(columns, freq, first, last) if first <= last else None
    body: dict[str, object] = {
        "group": list(columns),
        "freq": freq,
        "from": start.isoformat(),
        "to": end.isoformat(),
        "total_groups": 0,
        "series": [],
        "warnings": [],
    }
    if detected is None:
        return jsonify(body)
    window = detected.counts.loc[first:last]
    labels = group_labels(detected.counts.columns)
    totals = window.sum(axis=0).to_numpy()
    order = [i for i in np.argsort(-totals, kind="stable") if totals[i] > 0]
    body["total_groups"] = len(order)
    body["warnings"] = list(detected.warnings)
    body["series"] = [_series(detected, window.index, labels[i], columns) for i in order[:limit]]
    return jsonify(body)


def _series(
    detected: _Detected, periods: pd.DatetimeIndex, label: str, columns: tuple[str, ...]
) -> dict[str, object]:
    values = label.split(GROUP_SEPARATOR) if len(columns) > 1 else [label]
    detection = detected.detection
    rows = detection[(detection["group"] == label) & detection["date"].isin(periods)]
    points = [
        {
            "period": f"{row.date:%Y-%m-%d}",
            "observed": int(row.observed),
            "expected": _number(row.expected),
            "upperbound": _number(row.upperbound),
            "alarm": bool(row.alarm),
            "method": str(row.method),
        }
        for row in rows.itertuples()
    ]
    return {
        "group": label,
        "values": dict(zip(columns, values, strict=False)),
        "total": int(sum(p["observed"] for p in points)),  # type: ignore[misc]
        "alarms": sum(p["alarm"] for p in points),  # type: ignore[misc]
        "points": points,
    }


@bp.get("/alerts")
@requires("read_stats")
def alerts() -> ResponseReturnValue:
    """Stored alerts, most severe first: ``status`` open (default), acknowledged or all.

    ``related=nested`` (default) lists headline alerts, each with the alerts of the same spike
    under it; ``related=flat`` lists every alert by itself.
    """
    asked = parse_query(AlertQuery)
    limit, offset, status = asked.limit, asked.offset, asked.status
    nested = asked.related == "nested"
    page = _alerts().store.list_page(status, limit=limit, offset=offset, headlines=nested)
    return jsonify(
        {
            "items": [alert.to_dict(with_related=nested) for alert in page.items],
            "total": page.total,
            "limit": page.limit,
            "offset": page.offset,
        }
    )


@bp.get(f"/alerts/{ALERT_ID}")
@requires("read_stats")
def alert(alert_id: int) -> ResponseReturnValue:
    """One alert with its chart series and the alerts shown under it."""
    record = _alerts().store.get(alert_id)
    return jsonify(record.to_dict(with_series=True, with_related=True))


@bp.post(f"/alerts/{ALERT_ID}/ack")
@requires("review")
def acknowledge(alert_id: int) -> ResponseReturnValue:
    """Acknowledge an alert and the open alerts shown under it; repeating it returns the first
    acknowledgement unchanged."""
    note = None
    if request.get_data():
        note = parse_body(AcknowledgeRequest).note
    record = _alerts().store.acknowledge(alert_id, current_caller().name, note)
    return jsonify(record.to_dict(with_related=True))
