"""Casework: the life of one complaint after it has been routed.

``lifecycle`` (the SP4N-LAPOR! states, who may move a complaint between them, append-only
events), ``sla`` (working-day clocks on the Indonesian calendar with cuti bersama),
``compliance`` (the monthly SLA page per agency), ``urgency`` (emergencies that belong with
112), ``completeness`` (what a complaint lacks before anyone can act on it), ``phrases`` (the
negation-aware phrase matching the last two share) and ``incidents`` (one incident told by
several citizens, and the same complaint sent again: ``IncidentIndex``).

Imports ``triage.errors``, ``triage.periods`` and ``triage.text``; nothing above them.
"""
