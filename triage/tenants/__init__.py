"""Tenants: one government each, with its own registries.

Today: its gazetteer (``gazetteer``: the kecamatan and kelurahan a complaint's place is
checked against). To come (the "Many governments" issue): its agency registry.
Whose business a complaint is ("bukan wewenang") is part of the routing decision and lives
in :mod:`triage.routing.authority`; what a tenant passes to it is its level of government
(``kota``, ``kabupaten``, ``provinsi``) and its local-exceptions file, read by
:func:`triage.routing.load_local_exceptions`.

May import ``triage.errors``, ``triage.text``, ``triage.routing`` and the model and store
layers below it; nothing of the API or CLI.
"""

from __future__ import annotations
