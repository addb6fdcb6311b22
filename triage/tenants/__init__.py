"""Tenants: one government each. So far, whose business a complaint is ("bukan wewenang").

``external_bodies`` reads the national registry of bodies outside the city government,
``authority_lexicon`` compiles the evidence phrases per body, and ``authority`` decides:
``decide_authority(text, level=..., exceptions=...)`` → :class:`AuthorityDecision`, with a
tenant's own exceptions from :func:`load_local_exceptions`.  Agency registries and gazetteers
per tenant are still to come (see the "Many governments" issue).

Imports only ``triage.errors`` and ``triage.text`` (and the data in ``triage.resources``);
nothing of the model, store, API or CLI.
"""

from __future__ import annotations

from triage.tenants.authority import (
    TENANT_LEVELS,
    AuthorityDecision,
    LocalExceptions,
    decide_authority,
    load_local_exceptions,
)
from triage.tenants.external_bodies import (
    ExternalBody,
    default_external_bodies,
    load_external_bodies,
)

__all__ = [
    "TENANT_LEVELS",
    "AuthorityDecision",
    "ExternalBody",
    "LocalExceptions",
    "decide_authority",
    "default_external_bodies",
    "load_external_bodies",
    "load_local_exceptions",
]
