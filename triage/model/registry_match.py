"""The registry matcher: P(function | text) and a city's registry in, P(agency | text) out.

For a registry of agencies a with functions H(a) (urusan codes, see
:func:`triage.model.function_layer.agency_functions`), the evidence is

* the function layer's P(f | x), each function's mass split among its holders in
  proportion to ``exp(beta * s_a)``, where ``s_a`` is the TF-IDF cosine of the complaint
  and the agency's name, aliases and description (in the model's own feature space); an
  agency holding only affairs the layer never learnt gets a small prior ``NOVEL_PRIOR``;
* the agencies the complaint names (its name or an alias), shared equally and mixed in
  with weight ``w`` when it names any: a mixture, so that a named agency can outvote a
  confident function, even one no training city had;
* ``s_a`` again, weighted ``gamma``, for complaints whose function the layer misjudged.

``logit_a = log((1 - w) * function part + w * named) + gamma * s_a``; beside the agencies
one more column holds the mass of functions no agency of the registry holds (a complaint
only another body could take).  P(agency) is the softmax of ``temperature * logit`` over
both, the extra column dropped, so that such a complaint is unsure and goes to a human.
The four weights are fitted by log-loss on the labelled city's held-out complaints through
its own registry (:meth:`RegistryMatcher.fit`).  (Mixing the descriptions in as well, rather
than as a logit term, fitted to the same log-loss but capped every confidence well under
the review threshold: no complaint of Surabaya's hold-out could be auto-routed.)
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.optimize import minimize
from sklearn.base import BaseEstimator

from triage.model.function_layer import RegistryLike, agency_functions, area_class

_FLOOR = 1e-6
# The prior of an agency for an affair the function layer never learnt.
NOVEL_PRIOR = 0.001


@dataclass(frozen=True)
class PreparedRegistry:
    """A registry read into the arrays the matcher needs, for one model's features.

    ``labels`` are the routing labels in column order: an agency's name, or an area class
    for a "Kecamatan"/"Kelurahan" row (resolved to the complaint's own office by
    :func:`triage.routing.decide`).  ``holders`` is (n_functions, n_agencies) over the
    layer's classes; ``unclaimed`` marks the functions no agency holds.
    """

    labels: tuple[str, ...]
    digest: str
    holders: np.ndarray
    unclaimed: np.ndarray
    novel: np.ndarray
    descriptions: sp.csr_matrix
    mention_pattern: re.Pattern[str] | None
    mention_agency: dict[str, int]


def _mention_names(opd: str, aliases: Sequence[str]) -> list[str]:
    # An area row's own name ("Kelurahan") is a word of many complaints, not a mention.
    names = [] if area_class(opd) else [opd]
    return [n.casefold() for n in (*names, *aliases) if len(n) >= 3]


def prepare_registry(
    registry: RegistryLike, features: Any, function_classes: Sequence[str]
) -> PreparedRegistry:
    """Read ``registry`` for a model: its holders of the layer's functions, its
    descriptions through ``features`` (the model's fitted feature pipeline), its aliases."""
    agencies = registry.agencies
    index = {f: i for i, f in enumerate(function_classes)}
    holders = np.zeros((len(function_classes), len(agencies)))
    novel = np.zeros(len(agencies))
    labels: list[str] = []
    mention_agency: dict[str, int] = {}
    texts: list[str] = []
    for column, agency in enumerate(agencies):
        labels.append(area_class(agency.opd) or agency.opd)
        for function in agency_functions(agency.opd, agency.urusan):
            if function in index:
                holders[index[function], column] = 1.0
        # Only an agency of nothing but new affairs: one that also holds a learnt affair
        # gets its share of that, and a prior on every complaint would cap every confidence.
        novel[column] = float(not holders[:, column].any())
        for name in _mention_names(agency.opd, agency.aliases):
            mention_agency.setdefault(name, column)
        texts.append(". ".join([agency.opd, *agency.aliases, agency.description]))
    # Longest names first, so "Satpol PP" wins over a shorter alias inside it.
    names = sorted(mention_agency, key=len, reverse=True)
    pattern = (
        re.compile(r"(?<!\w)(" + "|".join(map(re.escape, names)) + r")(?!\w)") if names else None
    )
    return PreparedRegistry(
        labels=tuple(labels),
        digest=registry.digest,
        holders=holders,
        unclaimed=holders.sum(axis=1) == 0,
        novel=novel,
        descriptions=sp.csr_matrix(features.transform(texts)),
        mention_pattern=pattern,
        mention_agency=mention_agency,
    )


def similarity(X: Any, prepared: PreparedRegistry) -> np.ndarray:
    """Cosine of each complaint's features with each agency's description, in [0, 1].

    The model's features are two L2-normalised blocks (words, character n-grams), so the
    dot product is halved.
    """
    return np.asarray((X @ prepared.descriptions.T).toarray()) / 2.0


def mentions(documents: Sequence[str], prepared: PreparedRegistry) -> np.ndarray:
    """1 where a complaint names an agency or one of its aliases, else 0."""
    found = np.zeros((len(documents), len(prepared.labels)))
    if prepared.mention_pattern is None:
        return found
    for row, document in enumerate(documents):
        for name in prepared.mention_pattern.findall(document.casefold()):
            found[row, prepared.mention_agency[name]] = 1.0
    return found


class RegistryMatcher(BaseEstimator):
    """P(agency) from P(function), description similarity and the agencies a text names.

    Parameters
    ----------
    beta : float
        How sharply description similarity picks among agencies.
    named : float
        Weight ``w`` of the agencies a complaint names, when it names any.
    gamma : float
        Weight of description similarity in the logit.
    temperature : float
        Power of the mixture before normalising (calibration).
    """

    def __init__(
        self,
        beta: float = 10.0,
        named: float = 0.5,
        gamma: float = 2.0,
        temperature: float = 1.0,
    ) -> None:
        self.beta = beta
        self.named = named
        self.gamma = gamma
        self.temperature = temperature

    def fit(
        self,
        p_functions: np.ndarray,
        sim: np.ndarray,
        mention: np.ndarray,
        truth: np.ndarray,
        prepared: PreparedRegistry,
    ) -> RegistryMatcher:
        """Fit the four weights by log-loss on labelled rows (``truth``: column of each
        row's agency in ``prepared``, -1 when not in it; those rows are skipped)."""
        keep = truth >= 0
        p, s, m, t = p_functions[keep], sim[keep], mention[keep], truth[keep]

        def loss(params: np.ndarray) -> float:
            proba = _proba(p, s, m, prepared, *params)
            return float(-np.log(proba[np.arange(len(t)), t] + 1e-12).mean())

        start = np.array([self.beta, self.named, self.gamma, self.temperature])
        bounds = [(0.0, 60.0), (0.0, 0.9), (0.0, 30.0), (0.05, 5.0)]
        best = minimize(loss, start, method="L-BFGS-B", bounds=bounds)
        self.beta, self.named, self.gamma, self.temperature = (round(float(v), 4) for v in best.x)
        self.loss_ = round(float(best.fun), 4)
        return self

    def predict_proba(
        self,
        p_functions: np.ndarray,
        sim: np.ndarray,
        mention: np.ndarray,
        prepared: PreparedRegistry,
    ) -> np.ndarray:
        """P(agency), columns in ``prepared.labels`` order (rows sum to at most 1)."""
        return _proba(
            p_functions,
            sim,
            mention,
            prepared,
            self.beta,
            self.named,
            self.gamma,
            self.temperature,
        )


def _shares(weights: np.ndarray) -> np.ndarray:
    total = weights.sum(axis=1, keepdims=True)
    return np.divide(weights, total, out=np.zeros_like(weights), where=total > 0)


def _proba(
    p: np.ndarray,
    sim: np.ndarray,
    mention: np.ndarray,
    prepared: PreparedRegistry,
    beta: float,
    named: float,
    gamma: float,
    temperature: float,
) -> np.ndarray:
    split = np.exp(beta * (sim - sim.max(axis=1, keepdims=True)))
    norm = split @ prepared.holders.T  # (n, n_functions): each function's holders' weight
    share = np.divide(p, norm, out=np.zeros_like(p), where=norm > 0)
    function_part = (share @ prepared.holders) * split + NOVEL_PRIOR * prepared.novel
    unclaimed = p[:, prepared.unclaimed].sum(axis=1, keepdims=True)
    w = named * (mention.sum(axis=1, keepdims=True) > 0)
    q = (1.0 - w) * function_part + w * _shares(mention)
    logits = np.hstack([np.log(q + _FLOOR) + gamma * sim, np.log((1.0 - w) * unclaimed + _FLOOR)])
    logits *= temperature
    logits -= logits.max(axis=1, keepdims=True)
    exp = np.exp(logits)
    return np.asarray(exp[:, :-1] / exp.sum(axis=1, keepdims=True))
