"""What the store keeps of a complaint's fields: free text masked, identifiers free of
personal data, and how a retry compares with what was stored.

Every write path of :mod:`triage.store.complaints` goes through here, so that a bulk import
keeps no more personal data than the API does.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from triage.errors import InputError
from triage.store.schema import as_utc
from triage.text.masking import holds_personal_data, mask_personal_data

# Free text, masked before storing: what a citizen or an admin typed.
MASKED_FIELDS = ("text", "title", "kecamatan", "kelurahan", "channel")
# Fields a retry must repeat; created_at only when the retry sends one (absent means "now").
COMPARED_FIELDS = (*MASKED_FIELDS, "created_at")


def check_identifier(name: str, value: str | None) -> None:
    """Refuse an identifier (a source name, an id, a label) that holds personal data.

    An identifier is matched and shown as it is, so it cannot be masked; the message does
    not quote the value.

    Raises
    ------
    InputError
        When ``value`` holds a phone number, NIK, e-mail address or URL.
    """
    if value is not None and holds_personal_data(value):
        raise InputError(
            f"{name} holds personal data (a phone number, NIK, e-mail address or URL); "
            "identifiers must not"
        )


def masked(value: str | None) -> str | None:
    """``value`` with personal data masked; None and blank stay None."""
    if value is None or not value.strip():
        return None
    return mask_personal_data(value)


def differences(sent: Mapping[str, object], stored: Mapping[str, object]) -> tuple[str, ...]:
    """The names of the fields in which a retry (masked as stored) differs from the stored
    complaint; ``created_at`` only when the retry has one."""
    changed = []
    for name in COMPARED_FIELDS:
        value, kept = sent.get(name), stored.get(name)
        if name == "created_at":
            if value is None:
                continue
            if isinstance(value, datetime) and isinstance(kept, datetime):
                value, kept = as_utc(value), as_utc(kept)
        if value != kept:
            changed.append(name)
    return tuple(changed)
