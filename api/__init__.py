"""The routing service: ``create_app()`` builds the Flask app (``gunicorn 'api:create_app()'``).

This package reads the environment (so do the ``ops`` commands, for TRIAGE_DATABASE_URL):
every ``TRIAGE_*`` variable overrides the setting of the same name in :data:`api.config.DEFAULTS`.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any, cast

from flask import Blueprint, Flask, Response, g, request
from werkzeug.middleware.proxy_fix import ProxyFix

from api import (
    casework,
    classify,
    complaints,
    dashboard,
    health,
    model_admin,
    openapi,
    stats,
    trends,
)
from api.config import DEFAULTS, ConfigError, Settings, load_settings
from api.errors import register_error_handlers
from api.limits import FailureLimiter, KeyCache, RateLimiter
from api.logs import configure_logging
from api.metrics import Metrics
from api.open311 import bp as open311_bp
from api.sessions import SessionSigner
from api.state import (
    RoutingModel,
    Services,
    TenantCache,
    TenantModels,
    app_services,
)
from triage.errors import ModelIntegrityError, TriageError
from triage.modelops.persistence import ARTIFACT, find_active_model, load_model
from triage.store import (
    ComplaintStore,
    KeyStore,
    StatsStore,
    TenantStore,
    display_url,
    make_engine,
)

__all__ = ["StartupError", "create_app"]

logger = logging.getLogger("api")


class StartupError(RuntimeError):
    """The service cannot start: bad settings, or no usable model."""


def load_routing_model(settings: Settings) -> RoutingModel:
    """Load the configured model, or the active one under the models directory."""
    try:
        directory = settings.model_dir or find_active_model(settings.models_dir)
        model: RoutingModel = load_model(directory)
        _smoke_test(model)
    except TriageError as exc:
        where = settings.model_dir or settings.models_dir
        raise StartupError(
            f"Triase cannot start: no usable model at {where}: {exc} "
            "(TRIAGE_MODEL_DIR or TRIAGE_MODELS_DIR choose another)"
        ) from exc
    return model


def load_tenant_model(directory: str) -> RoutingModel:
    """A tenant's model: ``directory`` itself when it holds a model, else its active version.

    Raises
    ------
    ModelError
        When there is no usable model there.
    """
    path = Path(directory)
    model: RoutingModel = load_model(
        path if (path / ARTIFACT).is_file() else find_active_model(path)
    )
    _smoke_test(model)
    return model


def _smoke_test(model: RoutingModel) -> None:
    # A pickle from an older version of our own classes can load and still fail on its first
    # prediction (a missing attribute); better to refuse to start than to answer 500s.
    try:
        model.decide([{"text": "lampu jalan mati"}])
    except Exception as exc:
        raise ModelIntegrityError(
            f"the model loads but cannot predict ({type(exc).__name__}: {exc}); "
            "retrain it with this version of Triase"
        ) from exc


def _services(app: Flask, settings: Settings) -> Services:
    injected = app.config.get("MODEL")
    model = (
        cast(RoutingModel, injected)
        if hasattr(injected, "decide")
        else load_routing_model(settings)
    )
    try:
        engine = make_engine(settings.database_url)
    except TriageError as exc:
        raise StartupError(f"Triase cannot start: TRIAGE_DATABASE_URL: {exc}") from exc
    # Pooled connections must not cross a fork (gunicorn --preload): a child starts afresh.
    os.register_at_fork(after_in_child=lambda: engine.dispose(close=False))
    keys = KeyStore(engine)
    return Services(
        settings=settings,
        model=model,
        complaints=ComplaintStore(engine, keep_raw_text=settings.store_raw_text),
        stats=StatsStore(engine),
        keys=keys,
        key_cache=KeyCache(keys, settings.key_cache_seconds),
        limiter=RateLimiter(settings.rate_limit_per_minute, settings.rate_limit_burst),
        failures=FailureLimiter(settings.auth_failures_per_minute),
        sessions=SessionSigner(settings.secret_key, settings.dashboard_session_seconds),
        metrics=Metrics(),
        openapi=openapi.build_spec(settings, model.version),
        tenants=TenantCache(TenantStore(engine), settings, settings.key_cache_seconds),
        tenant_models=TenantModels(load_tenant_model),
    )


def _start_timer() -> None:
    g.started = time.perf_counter()


def _finish(response: Response) -> Response:
    elapsed = time.perf_counter() - g.get("started", time.perf_counter())
    route = request.url_rule.rule if request.url_rule is not None else "(unmatched)"
    # The service's metrics, whoever the tenant (and even when its model failed to load).
    app_services().metrics.observe_request(request.method, route, response.status_code, elapsed)
    caller = g.get("caller")
    logger.info(
        "request",
        extra={
            "method": request.method,
            "route": route,
            "path": request.path,
            "status": response.status_code,
            "duration_ms": round(elapsed * 1000, 3),
            "client": caller.name if caller is not None else None,
        },
    )
    return response


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the service.

    Settings come from :data:`api.config.DEFAULTS`, then ``TRIAGE_*`` environment variables,
    then ``test_config`` (which may also hold a ready ``MODEL``).  The model is loaded here,
    once per worker: a missing, corrupt or tampered model raises :class:`StartupError`.
    """
    app = Flask(__name__)
    app.config.from_mapping(DEFAULTS)
    app.config.from_prefixed_env("TRIAGE")
    if test_config is not None:
        app.config.from_mapping(test_config)
    try:
        settings = load_settings(app.config)
    except ConfigError as exc:
        raise StartupError(f"Triase cannot start: {exc}") from exc
    app.config["MAX_CONTENT_LENGTH"] = settings.max_content_length
    app.secret_key = settings.secret_key
    configure_logging(settings.log_level)
    if settings.secret_generated and settings.auth:
        logger.warning(
            "TRIAGE_SECRET_KEY is not set: this process made one up, so dashboard sessions "
            "end when it restarts and are not accepted by other processes"
        )
    if settings.proxy_hops:
        # Client address and scheme from the proxies' X-Forwarded-For/-Proto, and only theirs.
        hops = settings.proxy_hops
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]
    state = _services(app, settings)
    app.extensions["triage"] = state
    register_error_handlers(app)
    v1 = Blueprint("v1", __name__, url_prefix="/v1")
    for module in (classify, complaints, casework, stats, trends, model_admin):
        v1.register_blueprint(module.bp)
    app.register_blueprint(v1)
    app.register_blueprint(health.bp)
    app.register_blueprint(openapi.bp)
    app.register_blueprint(dashboard.bp)
    app.register_blueprint(open311_bp)
    app.before_request(_start_timer)
    app.after_request(_finish)
    logger.info(
        "started",
        extra={
            "model_version": state.model.version,
            "auth": settings.auth,
            "proxy_hops": settings.proxy_hops,
            "database": display_url(settings.database_url),
        },
    )
    return app
