"""API clients and their keys: only a sha256 of each key is stored, the key is shown once."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update

from triage.errors import InputError
from triage.store.database import Database, DuplicateError, NotFoundError
from triage.store.schema import DEFAULT_TENANT_ID, ROLES, ApiClient, as_utc, utcnow

KEY_PREFIX = "trs_"


@dataclass(frozen=True)
class ApiClientRecord:
    """A caller of the API (without its key); ``tenant_id`` is the tenant the key serves."""

    id: int
    name: str
    role: str
    created_at: datetime
    revoked_at: datetime | None
    tenant_id: int = DEFAULT_TENANT_ID

    @property
    def active(self) -> bool:
        """True until the key is revoked."""
        return self.revoked_at is None


def hash_key(key: str) -> str:
    """The stored form of a key: hex sha256 (keys are 256-bit random, so no salt is needed)."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _record(row: ApiClient) -> ApiClientRecord:
    return ApiClientRecord(
        id=row.id,
        name=row.name,
        role=row.role,
        created_at=as_utc(row.created_at),
        revoked_at=None if row.revoked_at is None else as_utc(row.revoked_at),
        tenant_id=row.tenant_id,
    )


class KeyStore(Database):
    """Create, look up and revoke API keys; a key is bound to the store's tenant."""

    def create(self, name: str, role: str) -> tuple[ApiClientRecord, str]:
        """Create a client of the store's tenant with a new random key.

        Parameters
        ----------
        name : str
            Human-readable name of the caller, unique within the tenant (``lapor-connector``,
            ``admin-budi``).
        role : str
            One of ``ingest``, ``review``, ``read``, ``admin``.

        Returns
        -------
        (ApiClientRecord, str)
            The client and its key; the key cannot be recovered later.

        Raises
        ------
        InputError
            For an empty name, an unknown role or a name already in use.
        """
        name = name.strip()
        if not name:
            raise InputError("a client needs a name")
        if role not in ROLES:
            raise InputError(f"unknown role {role!r}; expected one of {', '.join(ROLES)}")
        key = KEY_PREFIX + secrets.token_urlsafe(32)
        row = ApiClient(
            tenant_id=self.tenant_id,
            name=name,
            role=role,
            key_hash=hash_key(key),
            created_at=utcnow(),
        )
        try:
            return self.insert(row, _record), key
        except DuplicateError as exc:
            raise InputError(f"a client named {name!r} exists already") from exc

    def authenticate(self, key: str) -> ApiClientRecord:
        """The active client holding ``key``, of whichever tenant: the key decides the tenant.

        Raises
        ------
        NotFoundError
            When no active client has this key.
        """
        with self.session() as session:
            row = session.scalars(
                select(ApiClient).where(
                    ApiClient.key_hash == hash_key(key), ApiClient.revoked_at.is_(None)
                )
            ).one_or_none()
            if row is None:
                raise NotFoundError("unknown or revoked API key")
            return _record(row)

    def revoke(self, name: str) -> None:
        """Revoke the key of the tenant's client called ``name``.

        Raises
        ------
        NotFoundError
            When there is no active client of that name.
        """
        with self.session(write=True) as session:
            result = session.execute(
                update(ApiClient)
                .where(
                    ApiClient.tenant_id == self.tenant_id,
                    ApiClient.name == name,
                    ApiClient.revoked_at.is_(None),
                )
                .values(revoked_at=utcnow())
            )
            if getattr(result, "rowcount", 0) == 0:
                raise NotFoundError(f"no active client named {name!r}")

    def clients(self) -> list[ApiClientRecord]:
        """The tenant's clients, revoked ones included, by name."""
        query = select(ApiClient).where(ApiClient.tenant_id == self.tenant_id)
        with self.session() as session:
            return [_record(r) for r in session.scalars(query.order_by(ApiClient.name))]
