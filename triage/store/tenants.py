"""Tenants: one government each, with its registries and settings as stored text.

The store keeps a tenant's agency registry and gazetteer as the CSV text its admin wrote, and
its settings as JSON text; :mod:`triage.tenants` parses and validates them before they are
stored here (the store imports nothing above it).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from triage.errors import InputError
from triage.store.database import Database, DuplicateError
from triage.store.schema import (
    DEFAULT_TENANT,
    TENANT_LEVELS,
    ApiClient,
    Complaint,
    Tenant,
    as_utc,
    utcnow,
)

TENANT_NAME = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,63})")


class UnknownTenantError(InputError, LookupError):
    """No tenant of that name (or id)."""


@dataclass(frozen=True)
class TenantRecord:
    """A stored tenant; ``settings`` is the parsed JSON object."""

    id: int
    name: str
    display_name: str
    level: str
    registry_csv: str
    registry_digest: str
    gazetteer_csv: str | None
    settings: dict[str, Any]
    created_at: datetime

    @property
    def is_default(self) -> bool:
        """True for the sample city every store opened without a tenant works on."""
        return self.name == DEFAULT_TENANT


@dataclass(frozen=True)
class TenantCounts:
    """How many keys (active ones) and complaints a tenant holds."""

    keys: int
    complaints: int


def check_tenant_name(name: str) -> str:
    """``name`` if it is a tenant slug (``[a-z0-9-]+``, at most 64 characters).

    Raises
    ------
    InputError
        Otherwise.
    """
    if not TENANT_NAME.fullmatch(name):
        raise InputError(
            f"tenant name {name!r} is not a slug: lower-case letters, digits and '-', "
            "starting with a letter or digit, at most 64 characters"
        )
    return name


def _record(row: Tenant) -> TenantRecord:
    return TenantRecord(
        id=row.id,
        name=row.name,
        display_name=row.display_name,
        level=row.level,
        registry_csv=row.registry_csv,
        registry_digest=row.registry_digest,
        gazetteer_csv=row.gazetteer_csv,
        settings=json.loads(row.settings or "{}"),
        created_at=as_utc(row.created_at),
    )


class TenantStore(Database):
    """Create, look up and list tenants (not scoped: it is the list of tenants)."""

    def create_tenant(
        self,
        name: str,
        *,
        display_name: str,
        level: str,
        registry_csv: str,
        registry_digest: str,
        gazetteer_csv: str | None = None,
        settings: dict[str, Any] | None = None,
    ) -> TenantRecord:
        """Store a new tenant; its registry and gazetteer must have been validated.

        Raises
        ------
        InputError
            For a name that is no slug or is taken, an unknown level, an empty display
            name or registry.
        """
        check_tenant_name(name)
        if level not in TENANT_LEVELS:
            raise InputError(f"unknown level {level!r}; expected one of {', '.join(TENANT_LEVELS)}")
        if not display_name.strip():
            raise InputError("a tenant needs a display name")
        if not registry_csv.strip():
            raise InputError("a tenant needs an agency registry")
        row = Tenant(
            name=name,
            display_name=display_name.strip(),
            level=level,
            registry_csv=registry_csv,
            registry_digest=registry_digest,
            gazetteer_csv=gazetteer_csv,
            settings=json.dumps(settings or {}, sort_keys=True),
            created_at=utcnow(),
        )
        try:
            return self.insert(row, _record)
        except DuplicateError as exc:
            raise InputError(f"a tenant named {name!r} exists already") from exc

    def get_tenant(self, name: str) -> TenantRecord:
        """The tenant called ``name``.

        Raises
        ------
        UnknownTenantError
            When there is none.
        """
        with self.session() as session:
            row = session.scalars(select(Tenant).where(Tenant.name == name)).one_or_none()
            if row is None:
                raise UnknownTenantError(self._unknown(session, name))
            return _record(row)

    def get_tenant_by_id(self, tenant_id: int) -> TenantRecord:
        """The tenant with this id.

        Raises
        ------
        UnknownTenantError
            When there is none.
        """
        with self.session() as session:
            row = session.get(Tenant, tenant_id)
            if row is None:
                raise UnknownTenantError(f"no tenant with id {tenant_id}")
            return _record(row)

    def list_tenants(self) -> list[TenantRecord]:
        """Every tenant, by name."""
        with self.session() as session:
            return [_record(row) for row in session.scalars(select(Tenant).order_by(Tenant.name))]

    def counts(self, tenant_id: int) -> TenantCounts:
        """The tenant's active keys and stored complaints."""
        with self.session() as session:
            keys = session.scalar(
                select(func.count())
                .select_from(ApiClient)
                .where(ApiClient.tenant_id == tenant_id, ApiClient.revoked_at.is_(None))
            )
            complaints = session.scalar(
                select(func.count()).select_from(Complaint).where(Complaint.tenant_id == tenant_id)
            )
        return TenantCounts(keys=int(keys or 0), complaints=int(complaints or 0))

    def configure(self, name: str, settings: dict[str, Any]) -> TenantRecord:
        """Replace the tenant's settings (validated by the caller).

        Raises
        ------
        UnknownTenantError
            When there is no such tenant.
        """
        with self.session(write=True) as session:
            row = session.scalars(select(Tenant).where(Tenant.name == name)).one_or_none()
            if row is None:
                raise UnknownTenantError(self._unknown(session, name))
            row.settings = json.dumps(settings, sort_keys=True)
            session.flush()
            return _record(row)

    @staticmethod
    def _unknown(session: Any, name: str) -> str:
        names = list(session.scalars(select(Tenant.name).order_by(Tenant.name)).all())
        # The name may be anything an operator typed: shown repr'd and cut short.
        shown = name if len(name) <= 64 else name[:64] + "..."
        return f"unknown tenant {shown!r}; known: {', '.join(names) or '(none)'}"
