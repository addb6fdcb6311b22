"""A tenant as the service and the commands use it: onboarding from files, its parsed
registry and gazetteer, and its validated settings.

The store keeps a tenant's registry, gazetteer and settings as text
(:class:`triage.store.TenantRecord`); this module validates them before they are stored and
reads them back.  Settings are a JSON object with any of

``sla``
    ``{"verification_days", "follow_up_days", "resolution_days"}``, positive integers
    (:class:`triage.casework.sla.SlaPolicy`; a key left out keeps its default).
``sensitivity``
    ``{topic: alpha}``, a false-alarm rate per topic as :mod:`triage.trends.sensitivity`
    reads them from a file (0 < alpha < 0.5).
``models_dir``
    A directory of model versions serving this tenant; absent: the service's default model.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from triage.casework.sla import SlaPolicy
from triage.errors import DataFileError, InputError
from triage.store import TenantRecord, TenantStore
from triage.tenants.gazetteer import Gazetteer, parse_gazetteer
from triage.tenants.registry import AgencyRegistry, parse_registry
from triage.trends.sensitivity import check_alpha

SLA_KEYS = ("verification_days", "follow_up_days", "resolution_days")
SETTINGS_KEYS = ("sla", "sensitivity", "models_dir")


@dataclass(frozen=True)
class TenantSettings:
    """A tenant's validated settings (see the module docstring)."""

    sla: SlaPolicy = field(default_factory=SlaPolicy)
    sensitivity: dict[str, float] = field(default_factory=dict)
    models_dir: str | None = None


def _read(path: str | Path, what: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise DataFileError(f"{what} {path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DataFileError(f"{what} {path}: cannot read ({exc.__class__.__name__})") from None


def parse_settings(data: object, source: str = "settings") -> TenantSettings:
    """Validate a tenant's settings object.

    Raises
    ------
    InputError
        An unknown key, an SLA value that is no positive integer, an alpha out of range or
        a topic that is no string, a models directory that is no non-empty string; the
        message names the key.
    """
    if not isinstance(data, dict):
        raise InputError(f"{source}: expected a JSON object with any of {', '.join(SETTINGS_KEYS)}")
    unknown = sorted(set(data) - set(SETTINGS_KEYS))
    if unknown:
        raise InputError(
            f"{source}: unknown key {unknown[0]!r}; expected any of {', '.join(SETTINGS_KEYS)}"
        )
    sla = data.get("sla", {})
    if not isinstance(sla, dict):
        raise InputError(f"{source}: sla must be an object with {', '.join(SLA_KEYS)}")
    for key, value in sla.items():
        if key not in SLA_KEYS:
            raise InputError(f"{source}: unknown sla key {key!r}; expected {', '.join(SLA_KEYS)}")
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise InputError(f"{source}: sla.{key} must be a positive whole number, got {value!r}")
    sensitivity = data.get("sensitivity", {})
    if not isinstance(sensitivity, dict):
        raise InputError(f"{source}: sensitivity must be an object {{topic: alpha}}")
    alphas: dict[str, float] = {}
    for topic, alpha in sensitivity.items():
        if not topic.strip():
            raise InputError(f"{source}: sensitivity: a topic is empty")
        if isinstance(alpha, bool) or not isinstance(alpha, int | float):
            raise InputError(f"{source}: sensitivity.{topic}: alpha must be a number")
        alphas[topic.strip()] = check_alpha(float(alpha), f"{source}: sensitivity.{topic}")
    models_dir = data.get("models_dir")
    if models_dir is not None and (not isinstance(models_dir, str) or not models_dir.strip()):
        raise InputError(f"{source}: models_dir must be a non-empty path")
    return TenantSettings(SlaPolicy(**sla), alphas, models_dir)


def read_settings(path: str | Path) -> dict[str, Any]:
    """The settings object in a JSON file, validated (see :func:`parse_settings`).

    Raises
    ------
    DataFileError
        When the file cannot be read or is not JSON.
    InputError
        As :func:`parse_settings`.
    """
    text = _read(path, "settings")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataFileError(f"settings {path}: not JSON (line {exc.lineno}: {exc.msg})") from None
    parse_settings(data, str(path))
    return data  # type: ignore[no-any-return]


def add_tenant(
    store: TenantStore,
    name: str,
    registry_path: str | Path,
    *,
    gazetteer_path: str | Path | None = None,
    level: str = "kota",
    display_name: str | None = None,
) -> TenantRecord:
    """Onboard a tenant: read and validate its registry (and gazetteer), then store it.

    Nothing is stored when a file is refused.

    Raises
    ------
    DataFileError
        A registry or gazetteer that cannot be read or is invalid (one line naming the row).
    InputError
        A bad name or level, or a name in use.
    """
    text = _read(registry_path, "registry")
    registry = parse_registry(text, str(registry_path))
    gazetteer_text = None
    if gazetteer_path is not None:
        gazetteer_text = _read(gazetteer_path, "gazetteer")
        parse_gazetteer(gazetteer_text, str(gazetteer_path))
    return store.create_tenant(
        name,
        display_name=display_name or name.replace("-", " ").title(),
        level=level,
        registry_csv=text,
        registry_digest=registry.digest,
        gazetteer_csv=gazetteer_text,
    )


def tenant_registry(tenant: TenantRecord) -> AgencyRegistry:
    """The tenant's agency registry, parsed from its stored text."""
    return parse_registry(tenant.registry_csv, f"registry of tenant {tenant.name}")


def tenant_gazetteer(tenant: TenantRecord) -> Gazetteer | None:
    """The tenant's gazetteer, or None when it has none."""
    if tenant.gazetteer_csv is None:
        return None
    return parse_gazetteer(tenant.gazetteer_csv, f"gazetteer of tenant {tenant.name}")


def tenant_settings(tenant: TenantRecord) -> TenantSettings:
    """The tenant's stored settings, validated."""
    return parse_settings(tenant.settings, f"settings of tenant {tenant.name}")
