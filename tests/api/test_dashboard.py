"""The /dashboard page: access by key, content from a seeded store, and a headless Chromium run."""

from __future__ import annotations

import re
import shutil
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.serving import make_server

from api.sessions import COOKIE
from tests.alert_seed import AS_OF, auto_routed_share, seeded_copy
from triage.store import ApiClientRecord, KeyStore

Headers = dict[str, dict[str, str]]
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
PAGE = f"/dashboard?as_of={AS_OF.isoformat()}"


@pytest.fixture
def database_url(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> str:
    """This module's tests run on a copy of the seeded database (overrides conftest's)."""
    return seeded_copy(tmp_path_factory, tmp_path)


def _key(headers: dict[str, str]) -> str:
    return headers["Authorization"].removeprefix("Bearer ")


def test_without_a_key_the_page_asks_for_one(client: FlaskClient) -> None:
    response = client.get("/dashboard")
    assert response.status_code == 401
    assert response.mimetype == "text/html"
    assert 'name="key"' in response.get_data(as_text=True)
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]


@pytest.mark.parametrize(("role", "allowed"), [("read", True), ("admin", True), ("ingest", False)])
def test_a_key_in_the_link_is_exchanged_for_a_session(
    client: FlaskClient, keys: Headers, role: str, allowed: bool
) -> None:
    key = _key(keys[role])
    response = client.get(f"{PAGE}&key={key}")
    if not allowed:
        assert response.status_code == 401
        assert client.get_cookie(COOKIE, path="/dashboard") is None
        return
    assert response.status_code == 303
    assert response.headers["Location"] == PAGE
    cookie = response.headers["Set-Cookie"]
    assert key not in cookie
    assert cookie.startswith(f"{COOKIE}=")
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Path=/dashboard" in cookie
    assert "Max-Age=43200" in cookie
    assert "Secure" not in cookie  # plain HTTP: a Secure cookie would never come back
    page = client.get(response.headers["Location"])
    assert page.status_code == 200
    assert "Set-Cookie" not in page.headers


def test_the_login_form_opens_a_session(client: FlaskClient, keys: Headers) -> None:
    refused = client.post("/dashboard/login", data={"key": "wrong"})
    assert refused.status_code == 401
    assert "Unknown or revoked key" in refused.get_data(as_text=True)
    accepted = client.post("/dashboard/login", data={"key": _key(keys["read"])})
    assert accepted.status_code == 303
    assert _key(keys["read"]) not in accepted.headers["Set-Cookie"]
    assert client.get("/dashboard").status_code == 200


def test_the_cookie_is_secure_over_https(client: FlaskClient, keys: Headers) -> None:
    response = client.get(f"/dashboard?key={_key(keys['read'])}", base_url="https://localhost")
    assert "; Secure" in response.headers["Set-Cookie"]


@pytest.mark.parametrize(("hops", "secure"), [(0, False), (1, True)])
def test_forwarded_proto_counts_only_behind_a_configured_proxy(
    make_app: Callable[..., Flask], keys: Headers, hops: int, secure: bool
) -> None:
    client = make_app(PROXY_HOPS=hops).test_client()
    response = client.get(
        f"/dashboard?key={_key(keys['read'])}", headers={"X-Forwarded-Proto": "https"}
    )
    assert response.status_code == 303
    assert ("; Secure" in response.headers["Set-Cookie"]) is secure


def test_revoking_the_key_ends_its_sessions(make_app: Callable[..., Flask], keys: Headers) -> None:
    app = make_app(KEY_CACHE_SECONDS=0)
    client = app.test_client()
    client.get(f"/dashboard?key={_key(keys['read'])}")
    assert client.get("/dashboard").status_code == 200
    KeyStore(app.extensions["triage"].complaints.engine).revoke("test-read")
    refused = client.get("/dashboard")
    assert refused.status_code == 401
    assert client.get_cookie(COOKIE, path="/dashboard") is None


@pytest.mark.parametrize(
    "token",
    ["garbage", "eyJjIjoxLCJyIjoiYWRtaW4ifQ.AAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAA", ""],
)
def test_forged_sessions_are_refused(client: FlaskClient, token: str) -> None:
    client.set_cookie(COOKIE, token, path="/dashboard")
    assert client.get("/dashboard").status_code == 401


def test_a_session_signed_with_another_secret_is_refused(
    make_app: Callable[..., Flask], keys: Headers
) -> None:
    first = make_app(SECRET_KEY="a" * 32).test_client()
    first.get(f"/dashboard?key={_key(keys['read'])}")
    token = first.get_cookie(COOKIE, path="/dashboard")
    assert token is not None
    second = make_app(SECRET_KEY="b" * 32).test_client()
    second.set_cookie(COOKIE, token.value, path="/dashboard")
    assert second.get("/dashboard").status_code == 401
    again = make_app(SECRET_KEY="a" * 32).test_client()
    again.set_cookie(COOKIE, token.value, path="/dashboard")
    assert again.get("/dashboard").status_code == 200


def _client_record(app: Flask, name: str) -> ApiClientRecord:
    clients = KeyStore(app.extensions["triage"].complaints.engine).clients()
    return next(c for c in clients if c.name == name)


def _issued_ago(app: Flask, seconds: float, monkeypatch: pytest.MonkeyPatch) -> str:
    client = _client_record(app, "test-read")
    then = time.time() - seconds
    with monkeypatch.context() as patch:
        patch.setattr(time, "time", lambda: then)
        token: str = app.extensions["triage"].sessions.issue(client)
    return token


def test_sessions_expire_and_are_renewed_past_half_their_life(
    make_app: Callable[..., Flask], keys: Headers, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(DASHBOARD_SESSION_SECONDS=600)
    client = app.test_client()
    client.set_cookie(COOKIE, _issued_ago(app, 601, monkeypatch), path="/dashboard")
    assert client.get("/dashboard").status_code == 401
    fresh = _issued_ago(app, 10, monkeypatch)
    client.set_cookie(COOKIE, fresh, path="/dashboard")
    response = client.get("/dashboard")
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    client.set_cookie(COOKIE, _issued_ago(app, 400, monkeypatch), path="/dashboard")
    renewed = client.get("/dashboard")
    assert renewed.status_code == 200
    assert renewed.headers["Set-Cookie"].startswith(f"{COOKIE}=")
    assert "Max-Age=600" in renewed.headers["Set-Cookie"]


def test_without_a_secret_the_process_makes_one_and_warns(
    make_app: Callable[..., Flask], keys: Headers, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level("WARNING", logger="api"):
        app = make_app(SECRET_KEY=None)
    assert "TRIAGE_SECRET_KEY is not set" in caplog.text
    client = app.test_client()
    client.get(f"/dashboard?key={_key(keys['read'])}")
    assert client.get("/dashboard").status_code == 200


def test_an_old_key_cookie_is_deleted(client: FlaskClient, keys: Headers) -> None:
    client.set_cookie("triase_dashboard_key", _key(keys["read"]), path="/dashboard")
    response = client.get("/dashboard")
    assert response.status_code == 401  # the raw-key cookie no longer lets anyone in
    assert client.get_cookie("triase_dashboard_key", path="/dashboard") is None


def test_wrong_keys_in_links_and_forms_are_limited(
    make_app: Callable[..., Flask], keys: Headers
) -> None:
    client = make_app(AUTH_FAILURES_PER_MINUTE=3).test_client()
    statuses = [client.get(f"/dashboard?key=trs_guess{i}").status_code for i in range(2)]
    statuses += [client.post("/dashboard/login", data={"key": "x"}).status_code for _ in range(2)]
    assert statuses == [401, 401, 401, 429]
    limited = client.get(f"/dashboard?key={_key(keys['read'])}")
    assert limited.status_code == 429
    assert limited.mimetype == "text/html"
    assert "Too many wrong keys" in limited.get_data(as_text=True)
    assert 1 <= int(limited.headers["Retry-After"]) <= 60


def test_page_shows_the_seeded_alerts_and_figures(client: FlaskClient, keys: Headers) -> None:
    response = client.get(PAGE, headers=keys["read"])
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    # One flood, three alerts (Banjir, Coblong, Banjir in Coblong): one item on the page.
    assert re.search(r'id="open-alerts">1<', page)
    share = auto_routed_share(AS_OF - timedelta(days=6), AS_OF)
    assert f'id="auto-routed">{share:.0%}<' in page
    articles = re.findall(r'<article class="alert" id="alert-(\d+)">\s*<h3>([^<]*)</h3>', page)
    assert len(articles) == 1
    assert articles[0][1].startswith(
        "Banjir in Kecamatan Coblong: 26 complaints in the week of 2024-06-24"
    )
    assert "<li>also lifts: city-wide Banjir 28 vs 1.9 expected (#" in page
    assert "all complaints in Kecamatan Coblong 29 vs" in page
    assert page.count("<svg") == 1
    assert page.count('class="alarm"') >= 1
    assert "<script" not in page
    assert "Coblong" in page.split("Top areas this week")[1]


@pytest.mark.parametrize(
    "as_of", ["yesterday", "2024-02-30", "２０２４-01-01", "0001-01-01", "9999-12-31"]
)
def test_bad_dates_are_refused(client: FlaskClient, keys: Headers, as_of: str) -> None:
    response = client.get("/dashboard", query_string={"as_of": as_of}, headers=keys["read"])
    assert response.status_code == 400
    assert set(response.get_json()) == {"error", "detail"}


def test_empty_date_means_today(client: FlaskClient, keys: Headers) -> None:
    response = client.get("/dashboard", query_string={"as_of": ""}, headers=keys["read"])
    assert response.status_code == 200


def test_page_without_auth_is_open(make_app: object, tmp_path: Path) -> None:
    app = make_app(AUTH=False)  # type: ignore[operator]
    assert app.test_client().get(PAGE).status_code == 200


# --- headless Chromium -----------------------------------------------------------------------


def _chromium() -> str:
    """The browser, or a skip that says why: this test installs nothing by itself."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        # -ra prints the reason in the summary of every run.
        pytest.skip(
            "no chromium on PATH: CI installs it (.ci/run); to run this test locally, "
            "apt-get install chromium"
        )
    return found


@pytest.fixture
def served(make_app: object) -> Iterator[tuple[Flask, str]]:
    app: Flask = make_app()  # type: ignore[operator]
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)


def test_chromium_renders_the_page_without_console_errors(
    served: tuple[Flask, str], keys: Headers, tmp_path: Path
) -> None:
    chromium = _chromium()
    _, base = served
    ARTIFACTS.mkdir(exist_ok=True)
    screenshot = ARTIFACTS / "dashboard.png"
    screenshot.unlink(missing_ok=True)
    url = f"{base}{PAGE}&key={_key(keys['read'])}"
    result = subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--enable-logging=stderr",
            "--v=0",
            f"--screenshot={screenshot}",
            "--window-size=1280,2000",
            "--dump-dom",
            url,
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    console = [line for line in result.stderr.splitlines() if "CONSOLE" in line]
    assert console == [], console
    assert "Content Security Policy" not in result.stderr
    dom = result.stdout
    assert re.search(r'id="open-alerts">1<', dom), result.stderr[-2000:]
    assert "Banjir in Kecamatan Coblong" in dom
    assert "also lifts: city-wide Banjir" in dom
    assert dom.count("<svg") == 1
    assert screenshot.is_file()
    assert screenshot.stat().st_size > 10_000
