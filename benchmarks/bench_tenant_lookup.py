"""What resolving the caller's tenant adds to an API request.

    PYTHONPATH=. .venv/bin/python benchmarks/bench_tenant_lookup.py [--requests 5000]

Builds the service on a scratch SQLite store with a small model trained here, two tenants
and one key each, then measures

1. the tenant resolution alone, as each request runs it: bind the key's tenant to the
   request (the cached key record already carries it), scope the stores to it
   (``api.state.services``) and read the tenant's view (gazetteer, SLA) from the tenant
   cache; each in a fresh request context, as a request gets;
2. the same on a tenant-cache miss (one query, once per tenant per cache lifetime);
3. whole requests, ``GET /v1/complaints/<id>`` with the default tenant's key (stores used
   as they are) and with the other tenant's key (scoped copies), p50 and p99.

No network.  Figures go to docs/tenants.md.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from api import create_app
from api.auth import bind_tenant, caller_of
from api.state import services
from triage import save_model, train_model
from triage.store import KeyStore, TenantStore, make_engine, upgrade

TEXTS = {
    "Dinas Perhubungan": ("PJU", ("lampu jalan mati", "lampu pju padam", "parkir liar")),
    "Dinas Lingkungan Hidup": ("Sampah", ("sampah menumpuk", "sampah tidak diangkut", "bau")),
}


def _quantiles(samples: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return cuts[49], cuts[98]


def _timed(step: Callable[[], object], n: int) -> list[float]:
    out = []
    for _ in range(n):
        started = time.perf_counter()
        step()
        out.append((time.perf_counter() - started) * 1e6)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=5000)
    n = parser.parse_args().requests
    scratch = Path(tempfile.mkdtemp(prefix="bench-tenant-"))
    rows = [
        {"text": f"{text} {i}", "opd": opd, "topic": topic}
        for opd, (topic, texts) in TEXTS.items()
        for i in range(10)
        for text in texts
    ]
    save_model(train_model(pd.DataFrame(rows)), scratch / "model")
    url = f"sqlite:///{scratch / 'triage.db'}"
    upgrade(url)
    engine = make_engine(url)
    other = TenantStore(engine).create_tenant(
        "samarinda",
        display_name="Kota Samarinda",
        level="kota",
        registry_csv="opd,urusan,description\nDinas Perhubungan,2.15,lampu jalan\n",
        registry_digest="bench",
        gazetteer_csv="kecamatan,kelurahan\nSamarinda Ulu,Air Hitam\n",
    )
    keys = {
        "default": KeyStore(engine).create("bench", "admin")[1],
        "other": KeyStore(engine).for_tenant(other.id).create("bench", "admin")[1],
    }
    engine.dispose()
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": url,
            "MODEL_DIR": str(scratch / "model"),
            "SECRET_KEY": "bench-" + "s" * 26,
            "RATE_LIMIT_PER_MINUTE": 0,
            "LOG_LEVEL": "WARNING",
        }
    )
    client = app.test_client()
    ids = {}
    for name, key in keys.items():
        sent = {"source": "bench", "external_id": name, "text": "lampu jalan mati"}
        response = client.post("/v1/complaints", json=sent, headers={"X-API-Key": key})
        ids[name] = response.get_json()["id"]
    record = app.extensions["triage"].key_cache.lookup(keys["other"])

    def resolve() -> None:
        bind_tenant(caller_of(record))
        state = services()
        _ = state.tenant, state.complaints, state.stats

    contexts = [app.test_request_context() for _ in range(n)]
    samples = []
    for context in contexts:
        with context:
            started = time.perf_counter()
            resolve()
            samples.append((time.perf_counter() - started) * 1e6)
    p50, p99 = _quantiles(samples)
    print(
        f"tenant resolution per request (cache hit), {n} requests: "
        f"p50 {p50:.1f} µs, p99 {p99:.1f} µs"
    )
    tenants = app.extensions["triage"].tenants

    def miss() -> None:
        tenants._views.clear()
        tenants.get(other.id)

    with app.test_request_context():
        p50, p99 = _quantiles(_timed(miss, min(n, 1000)))
    print(f"tenant cache miss (one query): p50 {p50:.1f} µs, p99 {p99:.1f} µs")
    for name in ("default", "other"):
        headers = {"X-API-Key": keys[name]}
        path = f"/v1/complaints/{ids[name]}"

        def get(path: str = path, headers: dict[str, str] = headers) -> None:
            assert client.get(path, headers=headers).status_code == 200

        for _ in range(100):
            get()
        p50, p99 = _quantiles(_timed(get, n))
        print(f"GET /v1/complaints/<id>, {name} tenant's key: p50 {p50:.0f} µs, p99 {p99:.0f} µs")


if __name__ == "__main__":
    main()
