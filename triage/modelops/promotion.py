"""The checks a candidate model passes before it replaces the active one.

It must produce the OPD of every open complaint (else those complaints are orphaned), and its
OPD macro-F1 may be lower than the active model's by at most a margin, both scored on the same
rows: labelled data the admin gives, else the hold-out saved beside the newer of the two.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from triage.errors import InputError
from triage.model.triage_model import TriageModel
from triage.routing.labels import model_label

# Written beside each version by triage.modelops.versions: the rows its hold-out metrics came from.
HOLDOUT = "holdout.csv.gz"
DEFAULT_MARGIN = 0.02


@dataclass(frozen=True)
class Comparison:
    """OPD macro-F1 of a candidate and the active model on one shared evaluation set."""

    evaluation: str
    n: int
    candidate_f1: float
    active_f1: float
    margin: float

    @property
    def acceptable(self) -> bool:
        """The candidate is not worse than the active model by more than the margin."""
        return self.candidate_f1 >= self.active_f1 - self.margin - 1e-12


def orphaned_labels(model: TriageModel, open_opds: Mapping[str, int]) -> dict[str, int]:
    """Open complaints' OPDs that ``model`` cannot produce, with how many complaints each has.

    Area offices ("Kecamatan Coblong") count as producible when the model has the area class.
    """
    known = set(model.labels.get("opd", []))
    return {
        opd: n
        for opd, n in sorted(open_opds.items())
        if opd and n > 0 and model_label(opd) not in known
    }


def compare_models(
    candidate: TriageModel,
    active: TriageModel,
    eval_frame: pd.DataFrame | None = None,
    margin: float = DEFAULT_MARGIN,
    models_dir: str | Path | None = None,
) -> Comparison:
    """OPD macro-F1 of both models on ``eval_frame`` or on the newer model's hold-out.

    The hold-out's owner is scored by its recorded hold-out metrics (measured before it was
    refitted on those rows); the other model is scored on the saved hold-out rows.

    Raises
    ------
    InputError
        When there is no shared evaluation set or it has no OPD labels.
    """
    if eval_frame is not None:
        return Comparison(
            "the given evaluation data",
            len(eval_frame),
            _opd_f1(candidate, eval_frame),
            _opd_f1(active, eval_frame),
            margin,
        )
    owner, other = sorted((candidate, active), key=_data_end, reverse=True)
    root = Path(models_dir) if models_dir is not None else None
    rows = _holdout_frame(root, owner.version) if root is not None else None
    scored = owner.metadata.metrics.get("holdout", {}).get("opd") if owner.metadata else None
    if rows is None or not scored:
        raise InputError(
            f"model {owner.version} has no saved hold-out to compare on: pass --eval-data FILE"
        )
    other_f1 = _opd_f1(other, rows)
    owner_f1 = float(scored["macro_f1"])
    cand, act = (owner_f1, other_f1) if owner is candidate else (other_f1, owner_f1)
    return Comparison(f"the hold-out of {owner.version}", len(rows), cand, act, margin)


def _opd_f1(model: TriageModel, frame: pd.DataFrame) -> float:
    reports = model.evaluate(frame)
    if "opd" not in reports:
        raise InputError("the evaluation data has no OPD labels")
    return float(reports["opd"].macro_f1)


def _data_end(model: TriageModel) -> tuple[str, str]:
    meta = model.metadata
    if meta is None:
        return ("", "")
    return (meta.date_range[1] if meta.date_range else "", meta.created_at)


def _holdout_frame(root: Path, version: str) -> pd.DataFrame | None:
    path = root / version / HOLDOUT
    if not path.is_file():
        return None
    return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
