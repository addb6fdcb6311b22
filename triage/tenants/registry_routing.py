"""Route a tenant's complaints to the agencies of its own registry with any trained model.

What the API calls for a tenant whose registry is not the one the model was trained on:
:func:`route_with_registry` takes complaints as mappings (as :meth:`TriageModel.decide`)
and returns the same :class:`~triage.routing.RoutingDecision` per complaint, with the
registry's agency names as ``opd`` (an area office named after the complaint's place).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from triage.model.registry_layer import registry_decisions, registry_layer
from triage.model.triage_model import TriageModel, records_frame
from triage.routing.authority import AuthoritySettings
from triage.routing.decision import RoutingDecision
from triage.tenants.registry import AgencyRegistry


def route_with_registry(
    model: TriageModel,
    registry: AgencyRegistry,
    records: Sequence[Mapping[str, object]],
    *,
    authority: AuthoritySettings | None = None,
) -> list[RoutingDecision]:
    """Routing decisions to ``registry``'s agencies for complaints given as mappings.

    Parameters
    ----------
    model : TriageModel
        A model trained with a registry layer (``triage train --tenant`` or ``--registry``).
    registry : AgencyRegistry
        The tenant's agencies; read once per registry digest and kept with the model.
    records : sequence of mapping
        Each with ``text`` (required) and optionally ``title``, ``kecamatan``, ``kelurahan``.
    authority : AuthoritySettings, optional
        The tenant's level and exceptions for "bukan wewenang".

    Returns
    -------
    list of RoutingDecision
        One per record, in order; the review threshold is the calibrated one for the
        registry the layer learnt through, a stricter one for any other.

    Raises
    ------
    InputError
        When a record has no non-empty ``text``, the model has no registry layer, or no
        agency of the registry holds an urusan the model learnt.
    """
    prepared = registry_layer(model).prepare(model, registry)
    return registry_decisions(
        model, prepared, records_frame(records, model.columns), authority=authority
    )
