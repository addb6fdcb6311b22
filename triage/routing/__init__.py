"""Routing: labels and places (area offices), and the decision a model's scores turn into.

``decide()`` → :class:`RoutingDecision` (OPD, topic, confidence, needs_review, alternatives);
``detect_conduct()`` finds complaints about an office's own staff, which never go to it;
``decide_authority()`` finds those that are no business of the tenant at all ("bukan
wewenang"): it reads the registry of external bodies (``external_bodies``) and their evidence
phrases (``authority_lexicon``), and a tenant's own exceptions (``load_local_exceptions``).
Imports only ``triage.errors`` and ``triage.text`` (and the data in ``triage.resources``);
the model imports routing, not the reverse.
"""

from __future__ import annotations

# Saved models pickle ``triage.routing.RoutingPolicy`` and ``triage.routing.KnownPlaces``
# (the module before the move into this folder): keep both names here.
from triage.routing.authority import (
    TENANT_LEVELS,
    AuthorityDecision,
    AuthoritySettings,
    LocalExceptions,
    decide_authority,
    load_local_exceptions,
)
from triage.routing.conduct import ConductFinding, detect_conduct
from triage.routing.decision import (
    Alternative,
    Conduct,
    Referral,
    RoutingDecision,
    RoutingPolicy,
    decide,
)
from triage.routing.external_bodies import (
    ExternalBody,
    default_external_bodies,
    load_external_bodies,
)
from triage.routing.labels import KnownPlaces

__all__ = [
    "TENANT_LEVELS",
    "Alternative",
    "AuthorityDecision",
    "AuthoritySettings",
    "Conduct",
    "ConductFinding",
    "ExternalBody",
    "KnownPlaces",
    "LocalExceptions",
    "Referral",
    "RoutingDecision",
    "RoutingPolicy",
    "decide",
    "decide_authority",
    "default_external_bodies",
    "detect_conduct",
    "load_external_bodies",
    "load_local_exceptions",
]
