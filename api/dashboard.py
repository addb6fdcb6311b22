"""GET /dashboard: open alerts with their charts, this week's busiest topics and areas, and
the SLA compliance of the last three months per agency with the overdue list.

One item per spike: the open headline alerts, each with the alerts of the same spike in other
groupings as lines beneath (the digest's wording), so one flood is one chart, not three.

The compliance tables are what a coordination meeting opens: per agency and month of receipt,
the counts, the shares verified / followed up / resolved in time, the median working days to
disposition, and the overdue complaints (id, agency, state, due day, working days late).  They
come from the query and the function behind ``/v1/stats``
(:func:`triage.trends.compliance_report.month_compliance`), judged now, or at the end of ``as_of``.

Plain server-rendered HTML with inline SVG charts: no script, no CDN, so it works on an
air-gapped command-centre screen, and a strict Content-Security-Policy costs nothing.

Access: with ``TRIAGE_AUTH`` off the page is open like the rest of the service.  Otherwise it
needs a key whose role may read statistics (read or admin).  A browser cannot send an
``Authorization`` header by itself, so the key comes from a login form or, for wall screens
that open a fixed link, from ``?key=``.  Either way it is exchanged at once for a signed
session (:mod:`api.sessions`) in an HttpOnly cookie scoped to /dashboard, and the browser is
redirected (303) to the same URL without the key, so that only the first request carries it.
The cookie never holds the key; it is ``Secure`` when the request came over HTTPS.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from flask import Blueprint, Response, render_template, request, url_for
from flask.typing import ResponseReturnValue
from markupsafe import Markup, escape

from api.auth import PERMISSIONS, TooManyFailures, bearer_token, bind_tenant, caller_of, check_key
from api.sessions import COOKIE
from api.state import services
from api.trends import alert_store
from api.validation import day_arg
from triage.periods import LOCAL_TIME, local_today
from triage.store import ApiClientRecord
from triage.trends.compliance_report import (
    COMPLIANCE_COLUMNS,
    MonthCompliance,
    OverdueItem,
    compliance_cells,
    end_of_day,
    month_compliance,
)
from triage.trends.digest import build_digest, related_lines

bp = Blueprint("dashboard", __name__)

# Earlier versions kept the raw key in this cookie; browsers that still hold it are told to drop it.
OLD_COOKIE = "triase_dashboard_key"
MAX_ALERTS = 10
CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
WIDTH, HEIGHT, PAD = 640, 180, 28
COMPLIANCE_MONTHS = 3
MAX_OVERDUE = 50


def _may_read(client: ApiClientRecord | None) -> bool:
    return client is not None and "read_stats" in PERMISSIONS.get(client.role, frozenset())


def _with_headers(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = CSP
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    if OLD_COOKIE in request.cookies:
        response.delete_cookie(OLD_COOKIE, path="/dashboard")
    return response


def _login(status: int, message: str | None = None, retry_after: int | None = None) -> Response:
    page = render_template("dashboard.html", login=True, message=message)
    response = Response(page, status=status, mimetype="text/html")
    if retry_after is not None:
        response.headers["Retry-After"] = str(retry_after)
    if request.cookies.get(COOKIE):
        response.delete_cookie(COOKIE, path="/dashboard")
    return _with_headers(response)


def _too_many(exc: TooManyFailures) -> Response:
    return _login(429, f"Too many wrong keys; try again in {exc.retry_after} s.", exc.retry_after)


def _set_session(response: Response, client: ApiClientRecord) -> None:
    state = services()
    response.set_cookie(
        COOKIE,
        state.sessions.issue(client),
        max_age=state.settings.dashboard_session_seconds,
        path="/dashboard",
        secure=request.is_secure,
        httponly=True,
        samesite="Lax",
    )


def _enter(key: str) -> Response:
    try:
        client = check_key(key)
    except TooManyFailures as exc:
        return _too_many(exc)
    if client is None or not _may_read(client):
        return _login(401, "Unknown or revoked key, or its role may not read statistics.")
    # The same page without the key, so that the address bar and history never show it.
    as_of = request.values.get("as_of")
    target = (
        url_for("dashboard.dashboard", as_of=as_of) if as_of else url_for("dashboard.dashboard")
    )
    response = Response(status=303, headers={"Location": target})
    _set_session(response, client)
    return _with_headers(response)


def _session_client() -> tuple[ApiClientRecord | None, bool]:
    """The client of the session cookie, and whether its cookie is due for renewal."""
    state = services()
    session = state.sessions.read(request.cookies.get(COOKIE))
    if session is None:
        return None, False
    client = state.key_cache.client(session.client_id)
    if client is None or client.role != session.role:
        return None, False
    # Renewed past half its life, so a wall screen that reloads stays in while its key is valid.
    return client, session.age() > state.sessions.max_age / 2


@bp.post("/dashboard/login")
def login() -> ResponseReturnValue:
    """Check the key typed into the form and open a session for it."""
    return _enter(request.form.get("key", "").strip()[:256])


@bp.get("/dashboard")
def dashboard() -> ResponseReturnValue:
    """The page, or the key form when the caller has no usable key or session."""
    renew: ApiClientRecord | None = None
    if services().settings.auth:
        given = request.args.get("key")
        if given is not None:
            return _enter(given.strip()[:256])
        header = bearer_token(request.headers.get("Authorization", ""))
        if header is not None:
            try:
                client = check_key(header)
            except TooManyFailures as exc:
                return _too_many(exc)
            if client is None or not _may_read(client):
                return _login(401)
        else:
            client, due = _session_client()
            if client is None or not _may_read(client):
                return _login(401)
            renew = client if due else None
        # The page shows the tenant of the key (or of the session's key) only.
        bind_tenant(caller_of(client))
    # An empty ``as_of=`` (a link with the date cleared) means today.
    as_of = day_arg("as_of") if request.args.get("as_of") else None
    store = services().complaints
    digest = build_digest(
        store.engine, days=7, as_of=as_of, max_alerts=1, tenant_id=store.tenant_id
    )
    alerts = alert_store().list_page("open", limit=MAX_ALERTS, headlines=True)
    months = compliance_months(as_of or local_today())
    overdue, overdue_total = overdue_list(months)
    page = render_template(
        "dashboard.html",
        login=False,
        digest=digest,
        alerts=[(a, chart_svg(a.series), related_lines(a)) for a in alerts.items],
        open_total=alerts.total,
        months=months,
        compliance_columns=COMPLIANCE_COLUMNS,
        compliance_cells=compliance_cells,
        overdue=overdue,
        overdue_total=overdue_total,
        judged=f"{months[0].judged_at.astimezone(LOCAL_TIME):%Y-%m-%d %H:%M}",
    )
    response = Response(page, mimetype="text/html")
    if renew is not None:
        _set_session(response, renew)
    return _with_headers(response)


def compliance_months(last: date) -> list[MonthCompliance]:
    """The compliance of the months up to ``last``'s, newest first, judged at the end of
    ``last`` or now, whichever is earlier (as ``/v1/stats`` judges: now)."""
    judged = min(datetime.now(UTC), end_of_day(last))
    state = services()
    months, day = [], last
    for _ in range(COMPLIANCE_MONTHS):
        months.append(
            month_compliance(
                state.complaints.engine, day, state.settings.sla, now=judged, oldest=MAX_OVERDUE
            )
        )
        day = day.replace(day=1) - timedelta(days=1)
    return months


def overdue_list(
    months: list[MonthCompliance],
) -> tuple[list[tuple[str, OverdueItem]], int]:
    """The overdue complaints of ``months`` with their agency, most working days late first
    (at most :data:`MAX_OVERDUE`), and how many there are in all."""
    found = [
        (agency.agency, item)
        for month in months
        for agency in month.agencies
        for item in agency.oldest_overdue
    ]
    total = sum(agency.overdue for month in months for agency in month.agencies)
    found.sort(key=lambda pair: (-pair[1].working_days_overdue, pair[1].due, pair[1].id))
    return found[:MAX_OVERDUE], total


def _scale(values: list[float], top: float) -> list[float]:
    return [HEIGHT - PAD - (HEIGHT - 2 * PAD) * v / top for v in values]


def chart_svg(series: dict[str, Any]) -> Markup:
    """Observed counts against the expected-to-upper-bound band, alarms in red, as inline SVG."""
    dates: list[str] = series.get("dates", [])
    if len(dates) < 2:
        return Markup('<p class="nochart">Not enough periods to draw.</p>')
    observed = [v or 0.0 for v in series["observed"]]
    expected, upper = series["expected"], series["upperbound"]
    top = max([*observed, *(u for u in upper if u is not None), 1.0]) * 1.1
    xs = [PAD + (WIDTH - 2 * PAD) * i / (len(dates) - 1) for i in range(len(dates))]
    y_obs = _scale(observed, top)
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'xmlns="http://www.w3.org/2000/svg"><title>observed against expected band, '
        f"{escape(dates[0])} to {escape(dates[-1])}</title>",
        f'<line class="axis" x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" '
        f'y2="{HEIGHT - PAD}"/>',
    ]
    band = [i for i in range(len(dates)) if expected[i] is not None and upper[i] is not None]
    for run in _runs(band):
        low = _scale([expected[i] for i in run], top)
        high = _scale([upper[i] for i in run], top)
        points = [(xs[i], y) for i, y in zip(run, high, strict=True)]
        points += [(xs[i], y) for i, y in reversed(list(zip(run, low, strict=True)))]
        expected_line = list(zip([xs[i] for i in run], low, strict=True))
        parts.append(f'<polygon class="band" points="{_points(points)}"/>')
        parts.append(f'<polyline class="expected" points="{_points(expected_line)}"/>')
    observed_line = _points(list(zip(xs, y_obs, strict=True)))
    parts.append(f'<polyline class="observed" points="{observed_line}"/>')
    parts += [
        f'<circle class="alarm" cx="{xs[i]:.1f}" cy="{y_obs[i]:.1f}" r="3.5"/>'
        for i, alarm in enumerate(series.get("alarm", []))
        if alarm
    ]
    parts += [
        f'<text x="{PAD}" y="{HEIGHT - 8}">{escape(dates[0])}</text>',
        f'<text x="{WIDTH - PAD}" y="{HEIGHT - 8}" text-anchor="end">{escape(dates[-1])}</text>',
        f'<text x="{PAD - 4}" y="{PAD}" text-anchor="end">{top / 1.1:.0f}</text>',
        f'<text x="{PAD - 4}" y="{HEIGHT - PAD}" text-anchor="end">0</text>',
        "</svg>",
    ]
    return Markup("".join(parts))


def _runs(indices: list[int]) -> list[list[int]]:
    runs: list[list[int]] = []
    for i in indices:
        if runs and runs[-1][-1] == i - 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    return [run for run in runs if len(run) > 1]


def _points(points: list[tuple[float, float]]) -> str:
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
