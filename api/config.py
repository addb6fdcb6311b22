"""Service settings: defaults, overridden by TRIAGE_* environment variables, then by tests."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from triage.casework.sla import SlaPolicy
from triage.errors import DataFileError, TriageError
from triage.periods import TIMEZONE
from triage.routing import TENANT_LEVELS, AuthoritySettings, load_local_exceptions
from triage.store import DEFAULT_DATABASE_URL
from triage.tenants.gazetteer import Gazetteer, default_gazetteer, load_gazetteer

DEFAULTS: dict[str, Any] = {
    "DATABASE_URL": DEFAULT_DATABASE_URL,
    "MODELS_DIR": "models",
    "MODEL_DIR": None,
    # On by default so that a deployment cannot forget it; TRIAGE_AUTH=false for a local try.
    "AUTH": True,
    "RATE_LIMIT_PER_MINUTE": 600,
    "RATE_LIMIT_BURST": 60,
    "KEY_CACHE_SECONDS": 30.0,
    "MAX_BATCH": 100,
    "MAX_TEXT_CHARS": 20_000,
    "MAX_CONTENT_LENGTH": 1024 * 1024,
    "PAGE_SIZE": 50,
    "MAX_PAGE_SIZE": 500,
    "STORE_RAW_TEXT": False,
    "TIMEZONE": TIMEZONE,
    "LOG_LEVEL": "INFO",
    # Signs dashboard sessions; unset, each process makes one up and sessions end on restart.
    "SECRET_KEY": None,
    "DASHBOARD_SESSION_SECONDS": 12 * 3600,
    # Failed key attempts allowed per client address and minute before 429; 0 turns it off.
    "AUTH_FAILURES_PER_MINUTE": 10,
    # Reverse proxies in front of the service whose X-Forwarded-For/-Proto are trusted.
    "PROXY_HOPS": 0,
    # /metrics: a bearer token of its own, or open for a Prometheus on a private network.
    "METRICS_KEY": None,
    "METRICS_PUBLIC": False,
    # The tenant's kecamatan,kelurahan CSV; empty: the sample city's (Kota Bandung).
    "GAZETTEER": "",
    # The tenant, for "bukan wewenang": its level of government and its own exceptions file
    # (kind,value,authority). The default tenant is the sample city, Bandung, a kota.
    "TENANT_LEVEL": "kota",
    "LOCAL_EXCEPTIONS": None,
    # SLA clocks (triage.casework.sla): working days to verify and to first follow up after a
    # disposition, calendar days to resolve.
    "SLA_VERIFY_DAYS": 3,
    "SLA_FOLLOWUP_DAYS": 5,
    "SLA_RESOLVE_DAYS": 14,
    # Told of every urgent complaint (id, reason, received_at; never its text); empty: nobody.
    "URGENT_WEBHOOK": None,
}
MIN_SECRET_CHARS = 16

_FALSE = {"0", "false", "no", "off", ""}
_TRUE = {"1", "true", "yes", "on"}


class ConfigError(RuntimeError):
    """A setting has a value the service cannot run with."""


def _flag(name: str, value: object) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value != 0
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ConfigError(f"TRIAGE_{name} must be true or false, not {value!r}")


def _number(name: str, value: object, minimum: float, kind: type = int) -> Any:
    try:
        number = kind(value)
    except (TypeError, ValueError):
        raise ConfigError(f"TRIAGE_{name} must be a number, not {value!r}") from None
    if number < minimum:
        raise ConfigError(f"TRIAGE_{name} must be at least {minimum}, not {value!r}")
    return number


def _log_level(value: object) -> str:
    level = str(value).strip().upper()
    if level not in logging.getLevelNamesMapping():
        raise ConfigError(f"TRIAGE_LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, not {value!r}")
    return level


def _secret(name: str, value: object) -> str | None:
    if value is None or value == "":
        return None
    text = value.decode() if isinstance(value, bytes) else str(value)
    if len(text.strip()) < MIN_SECRET_CHARS:
        # The value itself stays out of the message: it may be a real secret, mistyped.
        raise ConfigError(
            f"TRIAGE_{name} must be at least {MIN_SECRET_CHARS} characters "
            "(python -c 'import secrets; print(secrets.token_urlsafe(32))' makes one)"
        )
    return text.strip()


def _whole(name: str, value: object) -> int:
    text = str(value).strip()
    if isinstance(value, bool) or not (isinstance(value, int) or text.isdecimal()):
        raise ConfigError(f"TRIAGE_{name} must be a whole number of days, not {value!r}")
    number = int(text)
    if not 1 <= number <= 365:
        raise ConfigError(f"TRIAGE_{name} must be 1 to 365 days, not {value!r}")
    return number


def _sla(config: Mapping[str, Any]) -> SlaPolicy:
    return SlaPolicy(
        verification_days=_whole("SLA_VERIFY_DAYS", config.get("SLA_VERIFY_DAYS", 3)),
        follow_up_days=_whole("SLA_FOLLOWUP_DAYS", config.get("SLA_FOLLOWUP_DAYS", 5)),
        resolution_days=_whole("SLA_RESOLVE_DAYS", config.get("SLA_RESOLVE_DAYS", 14)),
    )


def _webhook(value: object) -> str | None:
    if value is None or not str(value).strip():
        return None
    url = str(value).strip()
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        # The URL itself stays out of the message: it may carry a token.
        raise ConfigError("TRIAGE_URGENT_WEBHOOK must be an http:// or https:// URL with a host")
    return url


def _gazetteer(value: object) -> Gazetteer:
    if value is None or not str(value).strip():
        return default_gazetteer()
    try:
        return load_gazetteer(str(value).strip())
    except DataFileError as exc:
        raise ConfigError(f"TRIAGE_GAZETTEER: {exc}") from None


def _authority(level: object, exceptions: object) -> AuthoritySettings:
    name = str(level).strip().lower()
    if name not in TENANT_LEVELS:
        raise ConfigError(
            f"TRIAGE_TENANT_LEVEL must be one of {', '.join(TENANT_LEVELS)}, not {level!r}"
        )
    if not exceptions:
        return AuthoritySettings(name)
    try:
        return AuthoritySettings(name, load_local_exceptions(str(exceptions)))
    except TriageError as exc:
        raise ConfigError(f"TRIAGE_LOCAL_EXCEPTIONS: {exc}") from None


@dataclass(frozen=True)
class Settings:
    """Validated settings; built once by :func:`load_settings` in ``create_app``."""

    database_url: str
    models_dir: Path
    model_dir: Path | None
    auth: bool
    rate_limit_per_minute: int
    rate_limit_burst: int
    key_cache_seconds: float
    max_batch: int
    max_text_chars: int
    max_content_length: int
    page_size: int
    max_page_size: int
    store_raw_text: bool
    timezone: ZoneInfo
    log_level: str
    secret_key: str = field(repr=False)
    # True when no TRIAGE_SECRET_KEY was set and ``secret_key`` was made up for this process.
    secret_generated: bool
    dashboard_session_seconds: int
    auth_failures_per_minute: int
    proxy_hops: int
    metrics_key: str | None = field(repr=False)
    metrics_public: bool
    gazetteer: Gazetteer
    authority: AuthoritySettings
    sla: SlaPolicy = field(default_factory=SlaPolicy)
    urgent_webhook: str | None = None


def load_settings(config: Mapping[str, Any]) -> Settings:
    """Check the Flask config and return typed settings; raise :class:`ConfigError` if wrong."""
    try:
        timezone = ZoneInfo(str(config["TIMEZONE"]))
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"TRIAGE_TIMEZONE: unknown time zone {config['TIMEZONE']!r}") from None
    model_dir = config.get("MODEL_DIR")
    secret = _secret("SECRET_KEY", config.get("SECRET_KEY"))
    metrics_key = _secret("METRICS_KEY", config.get("METRICS_KEY"))
    metrics_public = _flag("METRICS_PUBLIC", config.get("METRICS_PUBLIC", False))
    if metrics_public and metrics_key:
        raise ConfigError("set TRIAGE_METRICS_KEY or TRIAGE_METRICS_PUBLIC=true, not both")
    gazetteer = _gazetteer(config.get("GAZETTEER"))
    settings = Settings(
        database_url=str(config["DATABASE_URL"]),
        models_dir=Path(str(config["MODELS_DIR"])),
        model_dir=Path(str(model_dir)) if model_dir else None,
        auth=_flag("AUTH", config["AUTH"]),
        rate_limit_per_minute=_number("RATE_LIMIT_PER_MINUTE", config["RATE_LIMIT_PER_MINUTE"], 0),
        rate_limit_burst=_number("RATE_LIMIT_BURST", config["RATE_LIMIT_BURST"], 1),
        key_cache_seconds=_number("KEY_CACHE_SECONDS", config["KEY_CACHE_SECONDS"], 0, float),
        max_batch=_number("MAX_BATCH", config["MAX_BATCH"], 1),
        max_text_chars=_number("MAX_TEXT_CHARS", config["MAX_TEXT_CHARS"], 1),
        max_content_length=_number("MAX_CONTENT_LENGTH", config["MAX_CONTENT_LENGTH"], 1024),
        page_size=_number("PAGE_SIZE", config["PAGE_SIZE"], 1),
        max_page_size=_number("MAX_PAGE_SIZE", config["MAX_PAGE_SIZE"], 1),
        store_raw_text=_flag("STORE_RAW_TEXT", config["STORE_RAW_TEXT"]),
        timezone=timezone,
        log_level=_log_level(config["LOG_LEVEL"]),
        secret_key=secret or secrets.token_urlsafe(32),
        secret_generated=secret is None,
        dashboard_session_seconds=_number(
            "DASHBOARD_SESSION_SECONDS", config["DASHBOARD_SESSION_SECONDS"], 60
        ),
        auth_failures_per_minute=_number(
            "AUTH_FAILURES_PER_MINUTE", config["AUTH_FAILURES_PER_MINUTE"], 0
        ),
        proxy_hops=_number("PROXY_HOPS", config["PROXY_HOPS"], 0),
        metrics_key=metrics_key,
        metrics_public=metrics_public,
        gazetteer=gazetteer,
        authority=_authority(config.get("TENANT_LEVEL", "kota"), config.get("LOCAL_EXCEPTIONS")),
        sla=_sla(config),
        urgent_webhook=_webhook(config.get("URGENT_WEBHOOK")),
    )
    if settings.page_size > settings.max_page_size:
        raise ConfigError("TRIAGE_PAGE_SIZE must not exceed TRIAGE_MAX_PAGE_SIZE")
    return settings
