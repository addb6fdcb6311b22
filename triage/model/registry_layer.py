"""Routing through any city's registry: the function layer and matcher saved with a model.

:func:`fit_registry_layer` learns them from a labelled city through its registry (time
hold-out: the layer on the earlier complaints, its temperature, the matcher's weights and
the review threshold on the latest ones, then the layer again on all);
:func:`registry_decisions` routes a table to the agencies of a registry read by
:meth:`RegistryLayer.prepare`, in the shape of :func:`triage.routing.decide`.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from triage.errors import InputError
from triage.model.function_layer import FunctionLayer, RegistryLike, area_class, label_functions
from triage.model.registry_match import (
    PreparedRegistry,
    RegistryMatcher,
    mentions,
    prepare_registry,
    similarity,
)
from triage.model.train import holdout_size, review_threshold, training_rows
from triage.model.triage_model import TriageModel, _column_or_none, compose_documents
from triage.routing.authority import AuthoritySettings
from triage.routing.decision import RoutingDecision, RoutingPolicy, decide, top_indices
from triage.routing.labels import LOCATION_COLUMNS, location_columns, model_label

THRESHOLD_CONFIDENCE = 0.95
# The review threshold through a registry the layer was not calibrated on is at least this:
# the labelled city's hold-out says nothing of how sure a new city's routing may be.
FOREIGN_THRESHOLD = 0.99
_CHUNK = 1024


class RegistryLayer:
    """The fitted function layer, matcher and review policy of a model (``model.registry_layer``).

    Parameters
    ----------
    functions : FunctionLayer
        P(function | features), fitted.
    matcher : RegistryMatcher
        The evidence weights, fitted.
    policy : RoutingPolicy
        The review threshold for registry routing.
    source : str
        The digest of the registry it was learnt through.
    metrics : dict
        What the hold-out measured.
    """

    def __init__(
        self,
        functions: FunctionLayer,
        matcher: RegistryMatcher,
        policy: RoutingPolicy,
        source: str,
        metrics: dict[str, Any],
    ) -> None:
        self.functions = functions
        self.matcher = matcher
        self.policy = policy
        self.source = source
        self.metrics = metrics
        self._prepared: dict[str, PreparedRegistry] = {}

    def __getstate__(self) -> dict[str, Any]:
        # Prepared registries are a cache of the process, not part of the model.
        return {k: v for k, v in self.__dict__.items() if k != "_prepared"}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._prepared = {}

    def policy_for(self, prepared: PreparedRegistry) -> RoutingPolicy:
        """The review policy through ``prepared``: the calibrated one for the registry the
        layer was learnt through, a stricter one (:data:`FOREIGN_THRESHOLD`) for any other."""
        if prepared.digest == self.source:
            return self.policy
        return replace(self.policy, opd_threshold=max(self.policy.opd_threshold, FOREIGN_THRESHOLD))

    def prepare(self, model: TriageModel, registry: RegistryLike) -> PreparedRegistry:
        """``registry`` read for routing with ``model`` (kept per registry digest).

        Raises
        ------
        InputError
            When no agency of the registry holds a function the model learnt.
        """
        prepared = self._prepared.get(registry.digest)
        if prepared is None:
            features = model.pipeline.named_steps["features"]
            prepared = prepare_registry(registry, features, self.functions.classes_)
            if not prepared.holders.any():
                raise InputError(
                    "no agency of the registry holds an urusan the model learnt "
                    f"({', '.join(sorted(self.functions.classes_))})"
                )
            self._prepared[registry.digest] = prepared
        return prepared


def fit_registry_layer(
    model: TriageModel,
    frame: pd.DataFrame,
    registry: RegistryLike,
    *,
    holdout: float = 0.2,
    target_accuracy: float = 0.95,
    threshold_confidence: float | None = THRESHOLD_CONFIDENCE,
    C: float = 0.3,
) -> RegistryLayer:
    """Learn the function layer of ``model`` from its labelled city through ``registry``.

    Parameters
    ----------
    model : TriageModel
        A trained model; its fitted features are the layer's input.
    frame : DataFrame
        The labelled complaints it was trained on (its columns).
    registry : AgencyRegistry
        The labelled city's registry; labels not in it (another body's, a typo) are not
        learnt from and are counted in the metrics.
    holdout : float
        Latest share kept out to calibrate and to choose the review threshold.
    target_accuracy, threshold_confidence : float
        The review threshold is the lowest at which the Clopper-Pearson lower bound of the
        held-out accuracy of routed complaints reaches ``target_accuracy``.
    C : float
        Regularisation of the layer's SVM.

    Returns
    -------
    RegistryLayer

    Raises
    ------
    InputError
        When the model has no OPD labels column, or too few rows match the registry.
    """
    columns = model.columns
    if not columns.opd or columns.opd not in frame.columns:
        raise InputError(f"the registry layer learns from agency labels; no column {columns.opd!r}")
    data, _ = training_rows(frame, columns)
    found = label_functions(list(data[columns.opd]), registry)
    keep = np.array([f is not None for f in found])
    data = data[keep]
    targets = [f for f in found if f is not None]
    n_hold = holdout_size(len(data), holdout)
    if n_hold == 0:
        raise InputError(
            f"{int(keep.sum())} complaints carry an agency of the registry: too few to learn "
            "and measure the registry layer"
        )
    documents = compose_documents(data, columns)
    features = model.pipeline.named_steps["features"]
    X = features.transform(documents)
    past, latest = slice(0, len(data) - n_hold), slice(len(data) - n_hold, len(data))
    layer = FunctionLayer(C=C).fit(X[past], targets[past])
    temperature = layer.calibrate(X[latest], targets[latest])
    prepared = prepare_registry(registry, features, layer.classes_)
    truth = agency_columns(list(data[columns.opd].iloc[latest]), prepared)
    p = layer.predict_proba(X[latest])
    sim = similarity(X[latest], prepared)
    named = mentions(documents[latest], prepared)
    matcher = RegistryMatcher().fit(p, sim, named, truth, prepared)
    proba = matcher.predict_proba(p, sim, named, prepared)
    confidence = proba.max(axis=1)
    correct = proba.argmax(axis=1) == truth
    rule = review_threshold(confidence, correct, target_accuracy, threshold_confidence)
    final = FunctionLayer(C=C, temperature=temperature).fit(X, targets)
    metrics = {
        "rows": {"train": past.stop, "test": n_hold, "not_in_registry": int((~keep).sum())},
        "accuracy": round(float(correct.mean()), 4),
        "function_temperature": temperature,
        "matcher": matcher.get_params(),
        "matcher_loss": matcher.loss_,
        "review_threshold": rule,
    }
    policy = RoutingPolicy(opd_threshold=rule["threshold"], target_accuracy=target_accuracy)
    return RegistryLayer(final, matcher, policy, registry.digest, metrics)


def agency_columns(labels: list[object], prepared: PreparedRegistry) -> np.ndarray:
    """The column of each label in ``prepared`` (area offices as their class), -1 if none."""
    index = {label: i for i, label in enumerate(prepared.labels)}
    out = []
    for label in labels:
        name = str(model_label(label))
        out.append(index.get(area_class(name) or name, -1))
    return np.array(out, dtype=int)


def registry_layer(model: TriageModel) -> RegistryLayer:
    """The model's registry layer.

    Raises
    ------
    InputError
        When the model was trained without one.
    """
    layer = getattr(model, "registry_layer", None)
    if layer is None:
        raise InputError(
            f"model {model.version} has no registry layer: train it with --tenant NAME or "
            "--registry FILE to route through another registry"
        )
    assert isinstance(layer, RegistryLayer)
    return layer


def registry_proba(
    model: TriageModel, prepared: PreparedRegistry, documents: list[str]
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """P(agency) over ``prepared.labels`` and the model's own head probabilities."""
    layer = registry_layer(model)
    X = model.pipeline.named_steps["features"].transform(documents)
    p = layer.functions.predict_proba(X)
    proba = layer.matcher.predict_proba(
        p, similarity(X, prepared), mentions(documents, prepared), prepared
    )
    heads: dict[str, np.ndarray] = model.pipeline.named_steps["heads"].predict_proba(X)
    return proba, heads


def registry_decisions(
    model: TriageModel,
    prepared: PreparedRegistry,
    frame: pd.DataFrame,
    *,
    authority: AuthoritySettings | None = None,
    policy: RoutingPolicy | None = None,
) -> list[RoutingDecision]:
    """One routing decision per row of ``frame`` to the agencies of ``prepared``.

    ``policy`` defaults to :meth:`RegistryLayer.policy_for` the registry.
    The topic is the model's own (its training city's topics).  An area office is named
    after the complaint's place as given: the training city's places do not apply.
    """
    policy = policy or registry_layer(model).policy_for(prepared)
    decisions: list[RoutingDecision] = []
    for start in range(0, len(frame), _CHUNK):
        chunk = frame.iloc[start : start + _CHUNK]
        documents = model._documents(chunk)
        proba, heads = registry_proba(model, prepared, documents)
        topic = heads.get("topic")
        topic_labels = model.labels.get("topic", [])
        named = location_columns(chunk)
        location = {c: _column_or_none(chunk, named.get(c)) for c in LOCATION_COLUMNS}
        order = top_indices(proba, policy.top_k)
        topic_order = top_indices(topic, policy.top_k) if topic is not None else None
        for i in range(len(chunk)):
            decision = decide(
                proba[i],
                prepared.labels,
                topic[i] if topic is not None else None,
                topic_labels,
                policy,
                kecamatan=location["kecamatan"][i],
                kelurahan=location["kelurahan"][i],
                opd_order=order[i],
                topic_order=topic_order[i] if topic_order is not None else None,
                text=documents[i],
                authority=authority,
            )
            decisions.append(decision)
    return decisions
