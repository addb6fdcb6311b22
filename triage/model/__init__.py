"""The routing model: vectorisers, term counts, calibrated heads, the pipeline, training and
evaluation; :class:`TriageModel` holds the fitted pipeline with its policy and metadata.

Imports ``triage.text`` and ``triage.routing`` below it; never the store, model management,
trends or anything with Flask or argparse.
"""

from __future__ import annotations

# Saved models pickle ``triage.model.TriageModel``, ``ModelMetadata`` and ``Columns`` (the
# module before the move into this folder): keep these names here so that they still load.
from triage.model.triage_model import Columns, ModelMetadata, TriageModel

__all__ = ["Columns", "ModelMetadata", "TriageModel"]
