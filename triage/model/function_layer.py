"""The city-independent layer: which government function (Permendagri 90/2019 urusan) a
complaint is about, learned from a labelled city through that city's own agency registry.

A complaint's label is an agency of the city it came from; the registry says which urusan
codes that agency holds, so each training complaint gets those codes as its target (an
agency holding k codes gives each a weight 1/k).  Area offices are a function of their own
level (``"7.01/kecamatan"``, ``"7.01/kelurahan"``): every kota has both, whatever the
registry calls them.  :class:`FunctionLayer` predicts P(function | text) on the model's
features; :mod:`triage.model.registry_match` turns that into P(agency) for any registry.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np
import scipy.sparse as sp
from sklearn.svm import LinearSVC

from triage.errors import InputError
from triage.model.pipeline import TemperatureScaledSVC
from triage.routing.labels import AREA_KECAMATAN, AREA_KELURAHAN, area_office, model_label

AREA_CODE = "7.01"
# The function of each area class: the level is city-independent, the place names the office.
AREA_FUNCTIONS: dict[str, str] = {
    AREA_KECAMATAN: f"{AREA_CODE}/kecamatan",
    AREA_KELURAHAN: f"{AREA_CODE}/kelurahan",
}


class AgencyLike(Protocol):
    """What the layer reads of a registry's agency (:class:`triage.tenants.registry.Agency`)."""

    @property
    def opd(self) -> str: ...
    @property
    def urusan(self) -> tuple[str, ...]: ...
    @property
    def description(self) -> str: ...
    @property
    def aliases(self) -> tuple[str, ...]: ...


class RegistryLike(Protocol):
    """What the layer reads of a registry (:class:`triage.tenants.registry.AgencyRegistry`)."""

    @property
    def agencies(self) -> tuple[Any, ...]: ...
    @property
    def digest(self) -> str: ...


def area_class(opd: str) -> str | None:
    """The area class of a registry row or label ("Kelurahan", "Kelurahan Babatan",
    "Kelurahan (wilayah pelapor)"), else None."""
    found = area_office(opd)
    if found is not None:
        return found[0]
    return opd if opd in AREA_FUNCTIONS else None


def agency_functions(opd: str, urusan: Sequence[str]) -> tuple[str, ...]:
    """The functions an agency holds: its codes, with 7.01 split by area level.

    A "Kecamatan" or "Kelurahan" row holds its own level; any other agency holding 7.01
    holds both levels.
    """
    level = area_class(opd)
    out: list[str] = []
    for code in urusan:
        if code != AREA_CODE:
            out.append(code)
        elif level is not None:
            out.append(AREA_FUNCTIONS[level])
        else:
            out.extend(AREA_FUNCTIONS.values())
    return tuple(dict.fromkeys(out))


def label_functions(
    labels: Sequence[object], registry: RegistryLike
) -> list[tuple[str, ...] | None]:
    """The functions of each training label through ``registry`` (None: not in it).

    Area-office labels ("Kelurahan Babatan", an area class) are their level's function
    whether the registry lists area offices or not.
    """
    held = {a.opd: agency_functions(a.opd, a.urusan) for a in registry.agencies}
    out: list[tuple[str, ...] | None] = []
    for label in labels:
        if not isinstance(label, str):
            out.append(None)
            continue
        name = str(model_label(label))
        level = area_class(name)
        out.append((AREA_FUNCTIONS[level],) if level else held.get(name))
    return out


class FunctionLayer(TemperatureScaledSVC):
    """P(function | features): a linear SVM over urusan codes, temperature-scaled.

    ``fit(X, functions)`` takes one tuple of functions per row (an agency's codes); a row
    with k functions is learnt k times with weight 1/k each, so the probabilities of a
    shared agency's codes split its mass.  Probabilities and predictions are those of
    :class:`~triage.model.pipeline.TemperatureScaledSVC`.

    Parameters
    ----------
    C : float
        Inverse regularisation strength.
    temperature : float
        Scale of the margins; 1.0 until :meth:`calibrate`.
    """

    def fit(self, X: Any, functions: Sequence[Sequence[str]]) -> FunctionLayer:
        """Fit on the rows' features and their functions."""
        rows, targets, weights = _expand(functions)
        if len(set(targets)) < 2:
            raise InputError("the labelled city's complaints cover fewer than two functions")
        self.svm_ = LinearSVC(C=self.C, dual=True, max_iter=5000)
        self.svm_.fit(_take(X, rows), np.asarray(targets), sample_weight=weights)
        self.classes_ = self.svm_.classes_
        return self

    def calibrate(self, X: Any, functions: Sequence[Sequence[str]]) -> float:
        """Choose the temperature that minimises the weighted log-loss on held-out rows."""
        index = {f: i for i, f in enumerate(self.classes_)}
        rows, targets, weights = _expand(functions)
        keep = [i for i, t in enumerate(targets) if t in index]
        if not keep:
            return float(self.temperature)
        scores = self._scores(_take(X, [rows[i] for i in keep]))
        column = np.array([index[targets[i]] for i in keep])
        return self._fit_temperature(scores, column, weights[keep])


def _expand(functions: Sequence[Sequence[str]]) -> tuple[list[int], list[str], np.ndarray]:
    rows: list[int] = []
    targets: list[str] = []
    weights: list[float] = []
    for i, held in enumerate(functions):
        for function in held:
            rows.append(i)
            targets.append(function)
            weights.append(1.0 / len(held))
    return rows, targets, np.asarray(weights)


def _take(X: Any, rows: list[int]) -> Any:
    if sp.issparse(X) or isinstance(X, np.ndarray):
        return X[rows]
    return [X[i] for i in rows]
