"""Routing decisions: turn class probabilities into an OPD, a topic and a review flag."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace

import numpy as np

from triage.routing.authority import AuthoritySettings
from triage.routing.authority_lexicon import default_lexicon
from triage.routing.conduct import ConductFinding, conduct_lexicon, detect_conduct
from triage.routing.external_bodies import default_external_bodies
from triage.routing.labels import KnownPlaces, canonical_label, resolve_area_office

INSPECTORATE_KEY = "inspektorat"


@dataclass(frozen=True)
class Alternative:
    """One candidate label with its calibrated probability."""

    label: str
    confidence: float


@dataclass(frozen=True)
class RoutingPolicy:
    """When a prediction may be routed without a human looking at it.

    Parameters
    ----------
    opd_threshold : float
        Minimum calibrated OPD probability for automatic routing; chosen by the evaluation
        so that the auto-routed share reaches ``target_accuracy``.
    target_accuracy : float
        The accuracy the threshold was chosen for (recorded, not enforced here).
    top_k : int
        How many alternatives a decision lists.
    """

    opd_threshold: float = 0.5
    target_accuracy: float = 0.95
    top_k: int = 3


@dataclass(frozen=True)
class Conduct:
    """Why a complaint was kept from the office it names: it reports its staff's conduct.

    ``evidence`` is the complaint's own normalised words that say so; ``office`` the office
    complained about (an area office named after the complaint's place), None when unnamed.
    """

    evidence: str
    office: str | None


@dataclass(frozen=True)
class Referral:
    """Whose business a complaint is when it is not the tenant's ("bukan wewenang").

    ``body`` is the registry key (``"PLN"``), ``name`` and ``contact`` what a citizen is told,
    ``reason`` the sentence quoting the complaint's phrase that points there.
    """

    body: str
    name: str
    contact: str
    reason: str


_DEFAULT_AUTHORITY = AuthoritySettings()


def load_routing_lexicons() -> None:
    """Compile the conduct and authority lexicons now, not on the first complaint."""
    conduct_lexicon()
    default_lexicon()


@dataclass(frozen=True)
class RoutingDecision:
    """Where one complaint goes, how sure the model is, and whether a human must look.

    ``authority`` is ``"local"`` or ``"external"``; an external complaint names its body in
    ``external_body`` (a registry key, ``""`` when local) and ``referral``, is never routed
    to a city agency (``opd`` None, the model's suggestions kept in ``alternatives``) and
    always needs review.
    """

    opd: str | None
    opd_confidence: float
    topic: str | None
    topic_confidence: float | None
    needs_review: bool
    alternatives: tuple[Alternative, ...] = field(default_factory=tuple)
    topic_alternatives: tuple[Alternative, ...] = field(default_factory=tuple)
    reasons: tuple[str, ...] = field(default_factory=tuple)
    conduct: Conduct | None = None
    authority: str = "local"
    external_body: str = ""
    referral: Referral | None = None

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready dict."""
        return asdict(self)


def top_indices(proba: np.ndarray, k: int) -> np.ndarray:
    """The columns of the ``k`` most probable labels, best first, of one row or of every row
    of a matrix (equal probabilities: the lower column first).  One sort for a whole batch
    costs less than a sort per complaint."""
    return np.argsort(-proba, axis=-1, kind="stable")[..., :k]


def top_alternatives(
    proba: np.ndarray, labels: Sequence[str], k: int, order: np.ndarray | None = None
) -> tuple[Alternative, ...]:
    """The ``k`` most probable labels of one probability row, best first.

    ``order`` is the row's :func:`top_indices`, when they were found for a whole batch.
    """
    if order is None:
        order = top_indices(proba, k)
    return tuple(Alternative(str(labels[i]), round(float(proba[i]), 4)) for i in order[:k])


def decide(
    opd_proba: np.ndarray | None,
    opd_labels: Sequence[str],
    topic_proba: np.ndarray | None,
    topic_labels: Sequence[str],
    policy: RoutingPolicy,
    kecamatan: str | None = None,
    kelurahan: str | None = None,
    *,
    places: KnownPlaces | None = None,
    opd_order: np.ndarray | None = None,
    topic_order: np.ndarray | None = None,
    text: str | None = None,
    authority: AuthoritySettings | None = None,
) -> RoutingDecision:
    """Make the routing decision for one complaint.

    Parameters
    ----------
    opd_proba, topic_proba : ndarray of shape (n_labels,) or None
        Calibrated probabilities of one complaint; None when the model has no such head.
    opd_labels, topic_labels : sequence of str
        The labels in the column order of the probabilities.
    policy : RoutingPolicy
        Threshold and list length.
    kecamatan, kelurahan : str or None
        The complaint's location, which names the office for area classes.
    places : KnownPlaces, optional
        The places the model was trained on: an area office named after another place
        needs review.
    opd_order, topic_order : ndarray, optional
        The rows' :func:`top_indices`, when a batch found them at once.
    text : str, optional
        The complaint (title and text): one about the conduct of an office's own staff (see
        :func:`triage.routing.conduct.detect_conduct`) never goes to that office, and one
        that is another body's business (:func:`triage.routing.decide_authority`) goes to
        no city agency.
    authority : AuthoritySettings, optional
        The tenant's level and exceptions for the authority decision; a kota without
        exceptions when omitted.

    Returns
    -------
    RoutingDecision
        ``needs_review`` is true when the OPD confidence is under the policy threshold, when
        there is no OPD head, or when an area office is predicted but the location is unknown
        or not among ``places``.  A complaint about staff conduct goes to the Inspektorat
        when the model has such a label (first among the alternatives; reviewed when its
        confidence is under the threshold), else to review, with ``opd`` None when the
        prediction is the office complained about; ``conduct`` then says why.  A complaint
        for an external body has ``authority="external"``, ``opd`` None, needs review
        and its ``referral``, whatever the model's confidence.
    """
    reasons: list[str] = []
    opd: str | None = None
    opd_conf = 0.0
    alternatives: tuple[Alternative, ...] = ()
    if opd_proba is not None:
        raw = top_alternatives(opd_proba, opd_labels, policy.top_k, opd_order)
        alternatives = tuple(
            Alternative(resolve_area_office(a.label, kecamatan, kelurahan) or a.label, a.confidence)
            for a in raw
        )
        opd_conf = raw[0].confidence
        opd = resolve_area_office(raw[0].label, kecamatan, kelurahan)
        if opd is None:
            reasons.append("area office predicted but the complaint has no location")
        if opd_conf < policy.opd_threshold:
            reasons.append(
                f"OPD confidence {opd_conf:.2f} is under the threshold {policy.opd_threshold:.2f}"
            )
        doubt = (
            places.doubt(raw[0].label, kecamatan, kelurahan)
            if places is not None and opd is not None
            else None
        )
        if doubt:
            reasons.append(doubt)
    else:
        reasons.append("the model has no OPD head")
    topic: str | None = None
    topic_conf: float | None = None
    topic_alternatives: tuple[Alternative, ...] = ()
    if topic_proba is not None:
        topic_alternatives = top_alternatives(topic_proba, topic_labels, policy.top_k, topic_order)
        topic, topic_conf = topic_alternatives[0].label, topic_alternatives[0].confidence
    decision = RoutingDecision(
        opd=opd,
        opd_confidence=opd_conf,
        topic=topic,
        topic_confidence=topic_conf,
        needs_review=bool(reasons),
        alternatives=alternatives,
        topic_alternatives=topic_alternatives,
        reasons=tuple(reasons),
    )
    finding = detect_conduct(text) if text and opd_proba is not None else None
    if finding is not None and opd_proba is not None:
        decision = _keep_from_office(
            decision, finding, opd_proba, opd_labels, policy, kecamatan, kelurahan, opd_order
        )
    return _refer(decision, text, authority or _DEFAULT_AUTHORITY) if text else decision


def _refer(decision: RoutingDecision, text: str, settings: AuthoritySettings) -> RoutingDecision:
    """An external body's complaint: to no city agency, but to a reviewer with its body."""
    found = settings.decide(text)
    if found.authority != "external":
        return decision
    contact = default_external_bodies()[found.external_body].contact
    return replace(
        decision,
        opd=None,
        needs_review=True,
        reasons=(
            *decision.reasons,
            f"bukan wewenang: {found.reason}; forward it there ({contact})",
        ),
        authority="external",
        external_body=found.external_body,
        referral=Referral(found.external_body, found.body_name, contact, found.reason),
    )


def _keep_from_office(
    decision: RoutingDecision,
    finding: ConductFinding,
    opd_proba: np.ndarray,
    opd_labels: Sequence[str],
    policy: RoutingPolicy,
    kecamatan: str | None,
    kelurahan: str | None,
    opd_order: np.ndarray | None,
) -> RoutingDecision:
    """A conduct complaint: to the Inspektorat if the model knows one, else to a human."""
    office = _office_name(finding, kecamatan, kelurahan)
    who = f"{office}'s staff" if office else "public officials"
    said = f'complaint about the conduct of {who} ("{finding.evidence}")'
    conduct = Conduct(finding.evidence, office)
    column = inspectorate_column(opd_labels)
    if column is None:
        top = str(
            opd_labels[int(top_indices(opd_proba, 1)[0] if opd_order is None else opd_order[0])]
        )
        return replace(
            decision,
            opd=None if finding.names(top) else decision.opd,
            needs_review=True,
            reasons=(
                *decision.reasons,
                f"{said}: it must not go to the office complained about, and the model has "
                "no Inspektorat to send it to",
            ),
            conduct=conduct,
        )
    label = str(opd_labels[column])
    confidence = round(float(opd_proba[column]), 4)
    others = tuple(a for a in decision.alternatives if a.label != label)
    reasons: tuple[str, ...] = ()
    if confidence < policy.opd_threshold:
        reasons = (
            f"{said}: goes to the Inspektorat, not to the office complained about",
            f"Inspektorat confidence {confidence:.2f} is under the threshold "
            f"{policy.opd_threshold:.2f}",
        )
    return replace(
        decision,
        opd=label,
        opd_confidence=confidence,
        needs_review=bool(reasons),
        alternatives=(Alternative(label, confidence), *others)[: max(policy.top_k, 1)],
        reasons=reasons,
        conduct=conduct,
    )


def inspectorate_column(labels: Sequence[str]) -> int | None:
    """The column of the model's Inspektorat label (one whose canonical form contains
    "inspektorat"), or None when the model has none."""
    return next(
        (i for i, label in enumerate(labels) if INSPECTORATE_KEY in canonical_label(label)), None
    )


def _office_name(
    finding: ConductFinding, kecamatan: str | None, kelurahan: str | None
) -> str | None:
    # An area office named in the text is the office of the complaint's own place.
    if finding.area_class is not None:
        return resolve_area_office(finding.area_class, kecamatan, kelurahan) or finding.office
    return finding.office
