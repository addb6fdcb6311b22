"""Service settings: defaults, overridden by TRIAGE_* environment variables, then by tests."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from triage.errors import TriageError
from triage.periods import TIMEZONE
from triage.routing import TENANT_LEVELS, AuthoritySettings, load_local_exceptions
from triage.store import DEFAULT_DATABASE_URL

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
    # The tenant, for "bukan wewenang": its level of government and its own exceptions file
    # (kind,value,authority). The default tenant is the sample city, Bandung, a kota.
    "TENANT_LEVEL": "kota",
    "LOCAL_EXCEPTIONS": None,
}

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
    authority: AuthoritySettings


def load_settings(config: Mapping[str, Any]) -> Settings:
    """Check the Flask config and return typed settings; raise :class:`ConfigError` if wrong."""
    try:
        timezone = ZoneInfo(str(config["TIMEZONE"]))
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"TRIAGE_TIMEZONE: unknown time zone {config['TIMEZONE']!r}") from None
    model_dir = config.get("MODEL_DIR")
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
        authority=_authority(config.get("TENANT_LEVEL", "kota"), config.get("LOCAL_EXCEPTIONS")),
    )
    if settings.page_size > settings.max_page_size:
        raise ConfigError("TRIAGE_PAGE_SIZE must not exceed TRIAGE_MAX_PAGE_SIZE")
    return settings
