"""The gunicorn settings: threaded workers, and a receive timeout on every accepted socket."""

from __future__ import annotations

import runpy
import socket
import struct
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

CONFIG = Path(__file__).resolve().parent.parent / "api" / "gunicorn.conf.py"


@pytest.fixture
def settings(monkeypatch: pytest.MonkeyPatch) -> dict[str, object]:
    monkeypatch.setenv("TRIAGE_READ_TIMEOUT", "0.3")
    return runpy.run_path(str(CONFIG))


def test_workers_are_threaded_with_room_for_stalled_clients(settings: dict[str, object]) -> None:
    assert settings["worker_class"] == "gthread"
    assert int(settings["threads"]) >= 50  # type: ignore[call-overload]
    assert settings["timeout"] == 30


def test_a_client_that_stalls_mid_request_is_cut_off(settings: dict[str, object]) -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        worker = SimpleNamespace(sockets=[SimpleNamespace(sock=listener)])
        settings["post_worker_init"](worker)  # type: ignore[operator]
        with socket.create_connection(listener.getsockname()) as client:
            client.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
            accepted, _ = listener.accept()
            with accepted:
                accepted.setblocking(True)
                assert accepted.recv(100).startswith(b"GET")
                start = time.monotonic()
                with pytest.raises(BlockingIOError):
                    accepted.recv(100)
                assert time.monotonic() - start < 5
                seconds, micros = struct.unpack(
                    "ll", accepted.getsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, 16)
                )
                assert (seconds, micros) == (0, 300_000)
