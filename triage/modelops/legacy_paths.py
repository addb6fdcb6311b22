"""Module paths pickled by models saved before the folder layout, and where they live now.

A pickle names each class by module and name.  ``triage.model``, ``triage.routing`` and
``triage.text`` became packages that re-export the pickled names; the two modules below have
no package of their name any more, so :func:`install_legacy_paths` lets ``sys.modules``
answer for them before an artifact is unpickled.
"""

from __future__ import annotations

import importlib
import sys

LEGACY_MODULES: dict[str, str] = {
    "triage.pipeline": "triage.model.pipeline",
    "triage.vectorizers": "triage.model.vectorizers",
}


def install_legacy_paths() -> None:
    """Make the old module paths import as their new modules (idempotent)."""
    for old, new in LEGACY_MODULES.items():
        if old not in sys.modules:
            sys.modules[old] = importlib.import_module(new)
