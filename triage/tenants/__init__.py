"""Tenants: one government each, with its own registries.

``tenancy`` onboards a tenant from its files and reads back what the store keeps of it (its
registry, gazetteer and validated settings: SLA days, spike sensitivity, models directory).
Its gazetteer (``gazetteer``: the kecamatan and kelurahan a complaint's place is checked
against) and its agency registry (``registry``: the agencies it routes to, with their
Permendagri 90/2019 affairs, duties and short names).
Whose business a complaint is ("bukan wewenang") is part of the routing decision and lives
in :mod:`triage.routing.authority`; what a tenant passes to it is its level of government
(``kota``, ``kabupaten``, ``provinsi``) and its local-exceptions file, read by
:func:`triage.routing.load_local_exceptions`.

May import ``triage.errors``, ``triage.text``, ``triage.routing``, ``triage.casework.sla``,
``triage.trends.sensitivity`` and the model and store layers below it; nothing of the API or
CLI.
"""

from __future__ import annotations
