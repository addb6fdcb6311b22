"""The /dashboard page: access by key, content from a seeded store, and a headless Chromium run."""

from __future__ import annotations

import re
import shutil
import subprocess
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.serving import make_server

from tests.alert_seed import AS_OF, auto_routed_share, seeded_copy

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
def test_a_key_in_the_link_moves_into_a_cookie(
    client: FlaskClient, keys: Headers, role: str, allowed: bool
) -> None:
    key = _key(keys[role])
    response = client.get(f"{PAGE}&key={key}")
    if not allowed:
        assert response.status_code == 401
        assert client.get_cookie("triase_dashboard_key", path="/dashboard") is None
        return
    assert response.status_code == 303
    assert response.headers["Location"] == PAGE
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "Path=/dashboard" in cookie
    page = client.get(response.headers["Location"])
    assert page.status_code == 200


def test_the_login_form_sets_the_cookie(client: FlaskClient, keys: Headers) -> None:
    refused = client.post("/dashboard/login", data={"key": "wrong"})
    assert refused.status_code == 401
    assert "Unknown or revoked key" in refused.get_data(as_text=True)
    accepted = client.post("/dashboard/login", data={"key": _key(keys["read"])})
    assert accepted.status_code == 303
    assert client.get("/dashboard").status_code == 200


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
    assert "<li>also lifts: city-wide Banjir 28 vs 2.5 expected (#" in page
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
