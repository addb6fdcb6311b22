"""Dashboard sessions: a signed, expiring token stands in the cookie where the key would be.

The token holds the client's id and role and is signed with ``TRIAGE_SECRET_KEY``
(itsdangerous, HMAC-SHA1 over the payload and its time).  It reveals nothing that opens
the API, expires after ``TRIAGE_DASHBOARD_SESSION_SECONDS``, and a revoked key ends it, since
every request looks its client up again (through the key cache, so at most its ttl late).
Nothing is stored on the server, so every gunicorn worker accepts every session as long as
they share the secret.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass

from itsdangerous import BadSignature, URLSafeTimedSerializer

from triage.store import ApiClientRecord

COOKIE = "triase_dashboard_session"
_SALT = "triase.dashboard-session"


@dataclass(frozen=True)
class Session:
    """A verified session: whose it is and when it was issued (Unix seconds)."""

    client_id: int
    role: str
    issued: float

    def age(self) -> float:
        """Seconds since the session was issued."""
        return time.time() - self.issued


class SessionSigner:
    """Issues and verifies session tokens for one secret and lifetime."""

    def __init__(self, secret: str, max_age: int) -> None:
        self.max_age = max_age
        self._serializer = URLSafeTimedSerializer(secret, salt=_SALT)

    def issue(self, client: ApiClientRecord) -> str:
        """A new token for ``client``; the nonce makes each one distinct."""
        payload = {"c": client.id, "r": client.role, "n": secrets.token_urlsafe(8)}
        return self._serializer.dumps(payload)

    def read(self, token: str | None) -> Session | None:
        """The session in ``token``, or None when it is missing, forged, malformed or expired."""
        if not token:
            return None
        try:
            payload, issued = self._serializer.loads(
                token, max_age=self.max_age, return_timestamp=True
            )
        except BadSignature:  # SignatureExpired is a BadSignature too
            return None
        if not isinstance(payload, dict):
            return None
        client_id, role = payload.get("c"), payload.get("r")
        if not isinstance(client_id, int) or not isinstance(role, str):
            return None
        return Session(client_id=client_id, role=role, issued=issued.timestamp())
