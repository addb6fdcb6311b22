"""Routing: labels and places (area offices), and the decision a model's scores turn into.

``decide()`` → :class:`RoutingDecision` (OPD, topic, confidence, needs_review, alternatives);
``detect_conduct()`` finds complaints about an office's own staff, which never go to it.
Imports only ``triage.errors`` and ``triage.text``; the model imports routing, not the reverse.
"""

from __future__ import annotations

# Saved models pickle ``triage.routing.RoutingPolicy`` and ``triage.routing.KnownPlaces``
# (the module before the move into this folder): keep both names here.
from triage.routing.conduct import ConductFinding, detect_conduct
from triage.routing.decision import Alternative, Conduct, RoutingDecision, RoutingPolicy, decide
from triage.routing.labels import KnownPlaces

__all__ = [
    "Alternative",
    "Conduct",
    "ConductFinding",
    "KnownPlaces",
    "RoutingDecision",
    "RoutingPolicy",
    "decide",
    "detect_conduct",
]
