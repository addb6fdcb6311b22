"""gunicorn with the project's config, for real: no key reaches its logs on any way in.

One server for the module (starting it loads the model in two workers); every test reads the
whole access log (stdout) and the app and error log (stderr) after its requests.
"""

from __future__ import annotations

import http.client
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import pytest

from triage.store import KeyStore, make_engine

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "api" / "gunicorn.conf.py"
METRICS_KEY = "metrics-key-" + "m" * 32
WORKERS = 2
FAILURES_PER_MINUTE = 10


@dataclass(frozen=True)
class Server:
    port: int
    access_log: Path
    error_log: Path
    keys: dict[str, str]

    def request(
        self, method: str, path: str, headers: dict[str, str] | None = None, body: str = ""
    ) -> http.client.HTTPResponse:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        connection.request(method, path, body=body or None, headers=headers or {})
        response = connection.getresponse()
        response.read()
        connection.close()
        return response

    def logs(self) -> str:
        return self.access_log.read_text() + self.error_log.read_text()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory, model_dir: Path, sqlite_template: Path
) -> Iterator[Server]:
    work = tmp_path_factory.mktemp("gunicorn")
    database = work / "triage.db"
    shutil.copyfile(sqlite_template, database)
    url = f"sqlite:///{database}"
    engine = make_engine(url)
    store = KeyStore(engine)
    keys = {role: store.create(f"log-{role}", role)[1] for role in ("read", "admin")}
    engine.dispose()
    port = _free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "PYTHONUNBUFFERED": "1",
        "TRIAGE_DATABASE_URL": url,
        "TRIAGE_MODEL_DIR": str(model_dir),
        "TRIAGE_AUTH": "true",
        "TRIAGE_METRICS_KEY": METRICS_KEY,
        "TRIAGE_AUTH_FAILURES_PER_MINUTE": str(FAILURES_PER_MINUTE),
        "TRIAGE_RATE_LIMIT_PER_MINUTE": "0",
        "TRIAGE_THREADS": "4",
        "WEB_CONCURRENCY": str(WORKERS),
    }
    env.pop("TRIAGE_SECRET_KEY", None)  # the master makes one up and shares it
    access_log, error_log = work / "access.log", work / "error.log"
    with access_log.open("w") as out, error_log.open("w") as err:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", str(CONFIG)]
            + ["--bind", f"127.0.0.1:{port}", "api:create_app()"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=err,
        )
    try:
        running = Server(port, access_log, error_log, keys)
        deadline = time.monotonic() + 120
        while True:
            try:
                if running.request("GET", "/readyz").status == 200:
                    break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"gunicorn did not start:\n{error_log.read_text()[-3000:]}")
            time.sleep(0.3)
        yield running
    finally:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


def _assert_no_key(server: Server, *logged: str) -> None:
    # gunicorn writes the access line after the answer is sent: wait for the lines expected.
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if all(line in server.access_log.read_text() for line in logged):
            break
        time.sleep(0.05)
    logs = server.logs()
    for key in (*server.keys.values(), METRICS_KEY):
        assert key not in logs
        # Nor a piece of it long enough to matter (a log that cut the line short).
        assert key[4:20] not in logs
    for line in logged:
        assert line in server.access_log.read_text(), server.access_log.read_text()[-2000:]


def test_the_master_shares_one_made_up_secret(server: Server) -> None:
    assert "TRIAGE_SECRET_KEY is not set" in server.error_log.read_text()


def test_header_keys_stay_out_of_the_log(server: Server) -> None:
    key = server.keys["read"]
    assert server.request("GET", "/v1/model", {"Authorization": f"Bearer {key}"}).status == 200
    assert server.request("GET", "/v1/model", {"X-API-Key": key}).status == 200
    assert (
        server.request("GET", "/metrics", {"Authorization": f"Bearer {METRICS_KEY}"}).status == 200
    )
    _assert_no_key(server, '"GET /v1/model HTTP/1.1" 200', '"GET /metrics HTTP/1.1" 200')


def test_a_key_in_the_link_stays_out_of_the_log(server: Server) -> None:
    key = server.keys["read"]
    query = urlencode({"as_of": "2024-06-30", "key": key})
    # Referer too: a browser coming from a page whose address held the key.
    headers = {"Referer": f"http://127.0.0.1:{server.port}/dashboard?{query}"}
    response = server.request("GET", f"/dashboard?{query}", headers)
    assert response.status == 303
    assert response.getheader("Location") == "/dashboard?as_of=2024-06-30"
    cookie = response.getheader("Set-Cookie") or ""
    assert key not in cookie
    session = cookie.split(";", 1)[0]
    # The session opens the page in either worker: they share the master's secret.
    for _ in range(2 * WORKERS):
        assert (
            server.request("GET", "/dashboard?as_of=2024-06-30", {"Cookie": session}).status == 200
        )
    _assert_no_key(server, '"GET /dashboard HTTP/1.1" 303', '"GET /dashboard HTTP/1.1" 200')
    assert "as_of=" not in server.access_log.read_text()  # no query strings at all


def test_the_login_form_keeps_the_key_out_of_the_log(server: Server) -> None:
    body = urlencode({"key": server.keys["admin"]})
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    assert server.request("POST", "/dashboard/login", form, body).status == 303
    _assert_no_key(server, '"POST /dashboard/login HTTP/1.1" 303')


def test_failed_keys_per_minute_across_workers(server: Server) -> None:
    # Last in the module: it leaves 127.0.0.1 over the limit for a minute.
    statuses = [
        server.request("GET", "/v1/model", {"Authorization": f"Bearer trs_guess-{i}"}).status
        for i in range(50)
    ]
    refused, limited = statuses.count(401), statuses.count(429)
    print(f"50 unknown keys from one address: {refused} x 401, {limited} x 429")
    assert refused + limited == 50
    # Each worker counts for itself: between one and WORKERS times the limit get through.
    assert FAILURES_PER_MINUTE <= refused <= WORKERS * FAILURES_PER_MINUTE
    _assert_no_key(server, '"GET /v1/model HTTP/1.1" 429')
