"""TriageModel: the fitted pipeline, its routing policy and metadata, trained from a table."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd
from sklearn.pipeline import Pipeline

from triage.errors import InputError, NotFittedError
from triage.model.evaluation import HeadReport, head_report
from triage.routing.authority import AuthoritySettings
from triage.routing.decision import (
    RoutingDecision,
    RoutingPolicy,
    decide,
    load_routing_lexicons,
    top_indices,
)
from triage.routing.labels import (
    LOCATION_COLUMNS,
    OTHER_LABEL,
    KnownPlaces,
    canonical_label,
    location_columns,
    model_label,
)
from triage.text.normalization import load_lexicons, prime_stems


@dataclass(frozen=True)
class Columns:
    """Which columns of a table hold the text and the labels."""

    text: str = "text"
    title: str | None = "title"
    opd: str | None = "opd"
    topic: str | None = "topic"
    date: str | None = "created_at"


@dataclass(frozen=True)
class ModelMetadata:
    """What a saved model is, what it was trained on and how well it did."""

    version: str
    created_at: str
    data_sha256: str
    n_rows: int
    date_range: tuple[str, str] | None
    labels: dict[str, list[str]]
    label_counts: dict[str, dict[str, int]]
    params: dict[str, Any]
    policy: dict[str, Any]
    metrics: dict[str, Any]
    skipped_rows: int = 0
    library_versions: dict[str, str] = field(default_factory=dict)
    git_commit: str | None = None
    artifact_sha256: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        data = self.__dict__.copy()
        data["date_range"] = list(self.date_range) if self.date_range else None
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ModelMetadata:
        """Inverse of :meth:`to_dict`; unknown keys are ignored.

        Raises
        ------
        TypeError
            When ``data`` is not a mapping or a field has the wrong JSON type (an edited file).
        """
        if not isinstance(data, Mapping):
            raise TypeError(f"expected a JSON object, got {type(data).__name__}")
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        for name, value in known.items():
            expected = _METADATA_TYPES[name]
            if not isinstance(value, expected) or isinstance(value, bool):
                raise TypeError(f"{name!r} must be {_type_names(expected)}, not {value!r:.40}")
        if not all(isinstance(v, str) for v in known.get("library_versions", {}).values()):
            raise TypeError("'library_versions' must map package names to version strings")
        if known.get("date_range") is not None:
            known["date_range"] = tuple(known["date_range"])
        return cls(**known)


# The JSON type of every metadata field, checked when a saved file is read back.
_METADATA_TYPES: dict[str, type | tuple[type, ...]] = {
    "version": str,
    "created_at": str,
    "data_sha256": str,
    "n_rows": int,
    "date_range": (list, tuple, type(None)),
    "labels": dict,
    "label_counts": dict,
    "params": dict,
    "policy": dict,
    "metrics": dict,
    "skipped_rows": int,
    "library_versions": dict,
    "git_commit": (str, type(None)),
    "artifact_sha256": (str, type(None)),
}


def _type_names(expected: type | tuple[type, ...]) -> str:
    names = {"str": "a string", "int": "an integer", "dict": "an object", "list": "a list",
             "tuple": "a list", "NoneType": "null"}  # fmt: skip
    kinds = expected if isinstance(expected, tuple) else (expected,)
    return " or ".join(dict.fromkeys(names[k.__name__] for k in kinds))


def compose_documents(frame: pd.DataFrame, columns: Columns) -> list[str]:
    """Title and text joined into the document the model reads."""
    text = frame[columns.text].fillna("").astype(str)
    if columns.title and columns.title in frame.columns:
        title = frame[columns.title].fillna("").astype(str).str.strip()
        text = np.where(title != "", title + ". " + text, text)
    return [str(t) for t in text]


@dataclass(frozen=True)
class HeadPredictions:
    """One head's labels beside its predictions on a labelled table."""

    truth: list[str]
    predicted: list[str]
    confidence: np.ndarray
    correct: np.ndarray


# Rows decided at once: fewer than the texts the normalisation cache keeps.
_CHUNK = 1024


class TriageModel:
    """A trained router: ``decide(records)`` turns complaints into routing decisions."""

    def __init__(
        self,
        pipeline: Pipeline,
        policy: RoutingPolicy,
        columns: Columns,
        metadata: ModelMetadata | None = None,
    ) -> None:
        self.pipeline = pipeline
        self.policy = policy
        self.columns = columns
        self.metadata = metadata
        # Stems of the training vocabulary, loaded into the process cache on unpickling (with
        # the lexicons) so a fresh worker does not pay for them on its first complaints.
        self.stems: dict[str, str] = {}
        # The places of the training data (None in models saved before it was kept).
        self.places: KnownPlaces | None = None
        # The function layer that routes through any city's registry
        # (triage.model.registry_layer.RegistryLayer; None in models trained without one).
        self.registry_layer: Any = None

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        prime_stems(self.__dict__.setdefault("stems", {}))
        load_lexicons()
        load_routing_lexicons()

    @property
    def version(self) -> str:
        """The saved version name, or "unsaved"."""
        return self.metadata.version if self.metadata else "unsaved"

    @property
    def labels(self) -> dict[str, list[str]]:
        """The labels of every head."""
        heads = self.pipeline.named_steps["heads"]
        return {head: [str(c) for c in classes] for head, classes in heads.classes_.items()}

    def probabilities(self, frame: pd.DataFrame) -> dict[str, np.ndarray]:
        """Calibrated probabilities per head for a table with the model's columns."""
        return self._probabilities(self._documents(frame))

    def _documents(self, frame: pd.DataFrame) -> list[str]:
        if not hasattr(self.pipeline.named_steps["heads"], "estimators_"):
            raise NotFittedError("the model has not been trained")
        if self.columns.text not in frame.columns:
            raise InputError(f"missing column {self.columns.text!r}")
        return compose_documents(frame, self.columns)

    def _probabilities(self, documents: list[str]) -> dict[str, np.ndarray]:
        proba: dict[str, np.ndarray] = self.pipeline.predict_proba(documents)
        return proba

    def decide_frame(
        self, frame: pd.DataFrame, *, authority: AuthoritySettings | None = None
    ) -> list[RoutingDecision]:
        """One routing decision per row of ``frame``, in order.

        ``authority`` is the tenant's level and exceptions for "bukan wewenang" (a kota
        without exceptions when omitted).
        """
        decisions: list[RoutingDecision] = []
        # In chunks that fit the per-text normalisation cache: the conduct and authority
        # checks then find each text's words where the router left them.
        for start in range(0, len(frame), _CHUNK):
            decisions += self._decide_chunk(frame.iloc[start : start + _CHUNK], authority)
        return decisions

    def _decide_chunk(
        self, frame: pd.DataFrame, authority: AuthoritySettings | None
    ) -> list[RoutingDecision]:
        # The text too: a complaint about an office's own staff must not go to that office,
        # and one that is another body's business goes to none.
        documents = self._documents(frame)
        proba = self._probabilities(documents)
        labels = self.labels
        named = location_columns(frame)
        location = {c: _column_or_none(frame, named.get(c)) for c in LOCATION_COLUMNS}
        # An area office is named after the complaint's place: one the model never saw (a typo,
        # another city) or a kelurahan outside the given kecamatan goes to a human.
        places = getattr(self, "places", None)
        order = {head: top_indices(p, self.policy.top_k) for head, p in proba.items()}
        decisions = []
        for i in range(len(frame)):
            decision = decide(
                proba["opd"][i] if "opd" in proba else None,
                labels.get("opd", []),
                proba["topic"][i] if "topic" in proba else None,
                labels.get("topic", []),
                self.policy,
                kecamatan=location["kecamatan"][i],
                kelurahan=location["kelurahan"][i],
                places=places,
                opd_order=order["opd"][i] if "opd" in order else None,
                topic_order=order["topic"][i] if "topic" in order else None,
                text=documents[i],
                authority=authority,
            )
            if decision.opd == OTHER_LABEL:
                decision = replace(
                    decision,
                    opd=None,
                    needs_review=True,
                    reasons=(*decision.reasons, "the complaint looks like a rarely seen agency"),
                )
            decisions.append(decision)
        return decisions

    def decide(
        self,
        records: Sequence[Mapping[str, object]],
        *,
        authority: AuthoritySettings | None = None,
    ) -> list[RoutingDecision]:
        """Routing decisions for complaints given as mappings.

        Parameters
        ----------
        records : sequence of mapping
            Each with ``text`` (required) and optionally ``title``, ``kecamatan``,
            ``kelurahan``.
        authority : AuthoritySettings, optional
            The tenant's level and exceptions for "bukan wewenang"; a kota without
            exceptions when omitted.

        Returns
        -------
        list of RoutingDecision
            One per record, in order.

        Raises
        ------
        InputError
            When a record has no non-empty ``text`` string.
        """
        return self.decide_frame(records_frame(records, self.columns), authority=authority)

    def head_predictions(
        self, frame: pd.DataFrame, decisions: Sequence[RoutingDecision]
    ) -> dict[str, HeadPredictions]:
        """Truth beside prediction for every head the model and the labelled table share.

        OPD labels are compared in the model's label space (area offices as their class);
        ``correct`` counts an area office as right only when it resolved to the complaint's
        own office.
        """
        found: dict[str, HeadPredictions] = {}
        for head, column in (("opd", self.columns.opd), ("topic", self.columns.topic)):
            if not column or column not in frame.columns or head not in self.labels:
                continue
            known = frame[column].notna().to_numpy()
            if not known.any():
                continue
            truth = frame[column].to_numpy()[known]
            chosen = [d for d, k in zip(decisions, known, strict=True) if k]
            if head == "opd":
                # An external complaint is right when it names the body it was labelled with.
                resolved = [
                    d.opd or (d.referral.name if d.referral else OTHER_LABEL) for d in chosen
                ]
                top = [d.alternatives[0].label if d.alternatives else OTHER_LABEL for d in chosen]
                found[head] = HeadPredictions(
                    truth=[str(model_label(t)) for t in truth],
                    predicted=[str(model_label(p)) for p in top],
                    confidence=np.array([d.opd_confidence for d in chosen]),
                    correct=np.array(
                        [
                            canonical_label(p) == canonical_label(t)
                            for p, t in zip(resolved, truth, strict=True)
                        ]
                    ),
                )
            else:
                predicted = [d.topic or OTHER_LABEL for d in chosen]
                found[head] = HeadPredictions(
                    truth=[str(t) for t in truth],
                    predicted=predicted,
                    confidence=np.array([d.topic_confidence or 0.0 for d in chosen]),
                    correct=np.array([p == str(t) for p, t in zip(predicted, truth, strict=True)]),
                )
        return found

    def evaluate(
        self,
        frame: pd.DataFrame,
        target: float = 0.95,
        decisions: Sequence[RoutingDecision] | None = None,
    ) -> dict[str, HeadReport]:
        """Score the model on a labelled table (``decisions`` if already made for it)."""
        if decisions is None:
            decisions = self.decide_frame(frame)
        return {
            head: head_report(p.truth, p.predicted, p.confidence, target, correct=p.correct)
            for head, p in self.head_predictions(frame, decisions).items()
        }


def records_frame(records: Sequence[Mapping[str, object]], columns: Columns) -> pd.DataFrame:
    """Complaints given as mappings (``text``, ``title``, ``kecamatan``, ``kelurahan``) as a
    table with the model's columns.

    Raises
    ------
    InputError
        When a record has no non-empty ``text`` string.
    """
    rows = []
    for i, record in enumerate(records):
        text = record.get("text")
        if not isinstance(text, str) or not text.strip():
            raise InputError(f"complaint {i}: 'text' must be a non-empty string")
        rows.append(
            {
                columns.text: text,
                columns.title or "title": record.get("title"),
                **{c: record.get(c) for c in LOCATION_COLUMNS},
            }
        )
    return pd.DataFrame(rows)


def _column_or_none(frame: pd.DataFrame, column: str | None) -> list[str | None]:
    if column is None or column not in frame.columns:
        return [None] * len(frame)
    return [v if isinstance(v, str) and v.strip() else None for v in frame[column]]
