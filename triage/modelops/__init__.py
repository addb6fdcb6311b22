"""Model management: artifact layout and persistence, versions, promotion checks, the
registry under ``models/``, model cards, drift and retraining from the store.

Imports ``triage.model``, ``triage.store`` and below; never ``triage.trends`` or the API.
"""
