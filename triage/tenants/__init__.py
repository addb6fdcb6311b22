"""Tenants (coming, see the "Many governments" issue): one government each, with its agency
registry, gazetteer, external bodies and the authority decision.

Will import ``triage.routing`` and ``triage.store``; nothing above them.
"""
