"""The weekly digest a manager receives: ranked alerts, busiest topics and areas, routing share.

One item per spike: the headline alerts (see :mod:`triage.trends.refresh`), each with the
alerts of the same spike in other groupings as a line beneath ("also lifts: city-wide Banjir
28 vs 2.5 expected", "where: Kecamatan Coblong ...").  Last month's SLA compliance per agency
follows, with the overdue complaints (the count and the oldest few), from
:mod:`triage.trends.compliance_report`: the numbers of ``/v1/stats``.

Built from the store (:class:`triage.store.alerts.AlertStore`,
:class:`triage.store.trend_queries.TrendStore`, :class:`triage.store.StatsStore` and, for
compliance, :class:`triage.store.casework_queries.CaseworkStore` on one engine) and rendered
as Markdown or as a self-contained HTML page (no scripts, no external resources, so that it
survives e-mail clients).
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Engine

from triage.casework.sla import SlaPolicy
from triage.errors import InputError
from triage.periods import check_day, local_day_start, local_today
from triage.store.alerts import AlertRecord, AlertStore, RelatedAlert
from triage.store.schema import DEFAULT_TENANT_ID
from triage.store.stats import ExternalBodyStats, StatsStore
from triage.store.trend_queries import TrendStore
from triage.trends.compliance_report import (
    MonthCompliance,
    compliance_html,
    compliance_markdown,
    end_of_day,
    markdown_cell,
    month_compliance,
)


@dataclass(frozen=True)
class GroupCount:
    """Complaints about one topic or area in the digest's window and in the window before."""

    name: str
    count: int
    previous: int


@dataclass(frozen=True)
class Digest:
    """The summary of the local days ``start`` to ``end`` (both included)."""

    start: date
    end: date
    complaints: int
    auto_routed_share: float | None
    alerts: tuple[AlertRecord, ...]
    alerts_total: int
    open_alerts: int
    top_topics: tuple[GroupCount, ...]
    top_areas: tuple[GroupCount, ...]
    # "Bukan wewenang": complaints for bodies outside the city, per body, most first.
    external: int = 0
    external_bodies: tuple[ExternalBodyStats, ...] = ()
    compliance: MonthCompliance | None = None


def _top(store: TrendStore, column: str, start: date, end: date, n: int) -> tuple[GroupCount, ...]:
    days = end - start + timedelta(days=1)
    now = store.counts_by(column, local_day_start(start), local_day_start(end + timedelta(days=1)))
    before = store.counts_by(column, local_day_start(start - days), local_day_start(start))
    return tuple(
        GroupCount(name, count, before.get(name, 0)) for name, count in list(now.items())[:n]
    )


def build_digest(
    engine: Engine,
    *,
    days: int = 7,
    as_of: date | None = None,
    max_alerts: int = 20,
    top: int = 5,
    sla: SlaPolicy | None = None,
    now: datetime | None = None,
    overdue: int = 5,
    tenant_id: int = DEFAULT_TENANT_ID,
) -> Digest:
    """Gather the digest of the ``days`` local days up to ``as_of`` from the store.

    Parameters
    ----------
    engine : Engine
        The store's engine (:func:`triage.store.make_engine`).
    days : int
        Length of the window, 1 to 366.
    as_of : date, optional
        Last day of the window (Asia/Jakarta); default today.
    max_alerts : int
        Most alerts listed; headline alerts whose last period starts within the window, open
        or acknowledged, most severe first, each with its related alerts.
    top : int
        Topics and areas listed.
    sla : SlaPolicy, optional
        The service levels for last month's compliance (the month before ``as_of``'s).
    now : datetime, optional
        When the SLA clocks are judged; default the present, or the end of ``as_of`` when
        that is earlier (a digest of a past week judges as of that week).
    overdue : int
        Overdue complaints named per agency, most working days late first.
    tenant_id : int
        Whose alerts and complaints (default: the sample city's).

    Returns
    -------
    Digest

    Raises
    ------
    InputError
        For a window, a day or a count out of range.
    StoreError
        When the database fails.
    """
    if not 1 <= days <= 366:
        raise InputError(f"the digest covers 1 to 366 days, not {days}")
    if max_alerts < 1 or top < 1 or overdue < 0:
        raise InputError("max_alerts and top must be at least 1, overdue at least 0")
    end = check_day(as_of or local_today(), "the digest's last day")
    start = end - timedelta(days=days - 1)
    alerts = AlertStore(engine, tenant_id=tenant_id)
    page = alerts.list_page(
        "all", limit=max_alerts, active_since=start, active_until=end, headlines=True
    )
    still_open = alerts.list_page(
        "open", limit=1, active_since=start, active_until=end, headlines=True
    ).total
    complaints = TrendStore(engine, tenant_id=tenant_id)
    judged = now or min(datetime.now(UTC), end_of_day(end))
    last_month = end.replace(day=1) - timedelta(days=1)
    stats = StatsStore(engine, tenant_id=tenant_id).stats(
        local_day_start(start), local_day_start(end + timedelta(1))
    )
    return Digest(
        start=start,
        end=end,
        complaints=stats.complaints,
        auto_routed_share=stats.auto_routed_share,
        alerts=page.items,
        alerts_total=page.total,
        open_alerts=still_open,
        top_topics=_top(complaints, "topic", start, end, top),
        top_areas=_top(complaints, "kecamatan", start, end, top),
        external=stats.external,
        external_bodies=stats.per_external_body,
        compliance=month_compliance(
            engine, last_month, sla, now=judged, oldest=overdue, tenant_id=tenant_id
        ),
    )


def _routed(value: float | None) -> str:
    return "no routing decisions stored" if value is None else f"{value:.0%} routed automatically"


def _sentence(alert: AlertRecord, lang: str) -> str:
    return alert.summary_id if lang == "id" else alert.summary


def _numbers(alert: AlertRecord) -> str:
    last = "" if alert.last_year is None else f"; same weeks last year {alert.last_year:.0f}"
    return (
        f"observed {alert.observed:.0f} vs expected {alert.expected:.1f} "
        f"(upper bound {alert.upperbound:.0f}){last}"
    )


# How many related alerts of one kind a line names before "and N more".
RELATED_SHOWN = 3
_RELATED_WORDS = {
    "en": {
        "context": "also lifts",
        "where": "where",
        "same": "later",
        "expected": "{} vs {} expected",
    },
    "id": {
        "context": "juga menaikkan",
        "where": "lokasi",
        "same": "kemudian",
        "expected": "{} vs perkiraan {}",
    },
}
_MORE = {"en": "and {} more", "id": "dan {} lainnya"}


def group_name(values: Mapping[str, str], lang: str = "en") -> str:
    """A group as a manager names it: "city-wide Banjir", "all complaints in Kecamatan
    Coblong", "Banjir in Kecamatan Coblong" (``lang`` ``"id"``: in Indonesian)."""
    place = ", ".join(f"Kecamatan {v}" for c, v in values.items() if c == "kecamatan")
    what = " / ".join(v for c, v in values.items() if c != "kecamatan")
    if lang == "id":
        if not place:
            return f"{what} se-kota"
        return f"{what or 'semua pengaduan'} di {place}"
    if not place:
        return f"city-wide {what}"
    return f"{what or 'all complaints'} in {place}"


def _related_part(alert: AlertRecord, related: RelatedAlert, lang: str) -> str:
    if related.relation == "where":
        # The place is what a "where" line adds; the topic is the headline's.
        values = {c: v for c, v in related.group_values.items() if alert.group_values.get(c) != v}
        name = ", ".join(f"Kecamatan {v}" if c == "kecamatan" else v for c, v in values.items())
    else:
        name = group_name(related.group_values, lang)
    expected = f"{related.expected:.1f}"
    if lang == "id":
        expected = expected.replace(".", ",")
    numbers = _RELATED_WORDS[lang]["expected"].format(f"{related.observed:.0f}", expected)
    return f"{name} {numbers} (#{related.id})"


def related_lines(alert: AlertRecord, lang: str = "en") -> list[str]:
    """One line per kind of related alert ("also lifts: ...", "where: ..."), naming the
    :data:`RELATED_SHOWN` with the most excess over expected."""
    lang = lang if lang in _RELATED_WORDS else "en"
    lines = []
    for relation in ("where", "context", "same"):
        group = [r for r in alert.related if r.relation == relation]
        if not group:
            continue
        parts = [_related_part(alert, r, lang) for r in group[:RELATED_SHOWN]]
        if len(group) > RELATED_SHOWN:
            parts.append(_MORE[lang].format(len(group) - RELATED_SHOWN))
        lines.append(f"{_RELATED_WORDS[lang][relation]}: {'; '.join(parts)}")
    return lines


_cell = markdown_cell


def _title(digest: Digest) -> str:
    return f"Triase digest {digest.start:%Y-%m-%d} to {digest.end:%Y-%m-%d}"


def _headline(digest: Digest) -> str:
    external = f" {digest.external} for bodies outside the city." if digest.external else ""
    return (
        f"{digest.complaints} complaints; {_routed(digest.auto_routed_share)}; "
        f"{digest.alerts_total} alert(s), {digest.open_alerts} still open.{external}"
    )


_EXTERNAL_HEADING = "Bukan wewenang: for bodies outside the city"


def render_markdown(digest: Digest, lang: str = "en") -> str:
    """The digest as Markdown (``lang`` ``"en"`` or ``"id"`` for the alert sentences)."""
    lines = [f"# {_title(digest)}", "", _headline(digest), "", "## Alerts", ""]
    if not digest.alerts:
        lines.append("No spike alerts in this period.")
    for rank, alert in enumerate(digest.alerts, 1):
        lines += [
            f"{rank}. **{_sentence(alert, lang)}** ({alert.status}, alert #{alert.id})",
            f"   - {_numbers(alert)}",
        ]
        lines += [f"   - {line}" for line in related_lines(alert, lang)]
        if alert.top_words:
            lines.append(f"   - words: {', '.join(alert.top_words)}")
        if alert.example_ids:
            lines.append(f"   - example complaints: {', '.join(alert.example_ids)}")
    if digest.alerts_total > len(digest.alerts):
        lines.append(f"\n... and {digest.alerts_total - len(digest.alerts)} more.")
    for heading, rows in (("Top topics", digest.top_topics), ("Top areas", digest.top_areas)):
        lines += ["", f"## {heading}", "", "| | complaints | previous period |", "|---|---:|---:|"]
        lines += [f"| {_cell(row.name)} | {row.count} | {row.previous} |" for row in rows]
        if not rows:
            lines.append("| (no complaints) | 0 | 0 |")
    if digest.external_bodies:
        lines += ["", f"## {_EXTERNAL_HEADING}", "", "| body | complaints |", "|---|---:|"]
        lines += [f"| {_cell(row.name)} | {row.complaints} |" for row in digest.external_bodies]
    lines += compliance_markdown(digest.compliance)
    return "\n".join(lines) + "\n"


def render_html(digest: Digest, lang: str = "en") -> str:
    """The digest as one self-contained HTML page."""
    e = html.escape
    items = []
    for alert in digest.alerts:
        details = [_numbers(alert), *related_lines(alert, lang)]
        if alert.top_words:
            details.append(f"words: {', '.join(alert.top_words)}")
        if alert.example_ids:
            details.append(f"example complaints: {', '.join(alert.example_ids)}")
        items.append(
            f"<li><strong>{e(_sentence(alert, lang))}</strong> ({e(alert.status)}, alert "
            f"#{alert.id})<ul>{''.join(f'<li>{e(d)}</li>' for d in details)}</ul></li>"
        )
    alerts = f"<ol>{''.join(items)}</ol>" if items else "<p>No spike alerts in this period.</p>"
    if digest.alerts_total > len(digest.alerts):
        alerts += f"<p>... and {digest.alerts_total - len(digest.alerts)} more.</p>"
    tables = ""
    for heading, rows in (("Top topics", digest.top_topics), ("Top areas", digest.top_areas)):
        body = "".join(
            f"<tr><td>{e(r.name)}</td><td>{r.count}</td><td>{r.previous}</td></tr>" for r in rows
        )
        tables += (
            f"<h2>{heading}</h2><table><tr><th></th><th>complaints</th>"
            f"<th>previous period</th></tr>{body}</table>"
        )
    if digest.external_bodies:
        body = "".join(
            f"<tr><td>{e(r.name)}</td><td>{r.complaints}</td></tr>" for r in digest.external_bodies
        )
        tables += (
            f"<h2>{e(_EXTERNAL_HEADING)}</h2><table><tr><th>body</th><th>complaints</th></tr>"
            f"{body}</table>"
        )
    tables += compliance_html(digest.compliance)
    return (
        f'<!DOCTYPE html><html lang="{e(lang)}"><head><meta charset="utf-8">'
        f"<title>{e(_title(digest))}</title></head><body><h1>{e(_title(digest))}</h1>"
        f"<p>{e(_headline(digest))}</p><h2>Alerts</h2>{alerts}{tables}</body></html>\n"
    )
