"""Casework (coming, see "The complaint's life" issue): lifecycle states and events, working-day
SLA clocks, incidents and duplicates, missing information and urgency.

Will import ``triage.store`` and ``triage.periods``; nothing above them.
"""
