"""The synthetic-corpus generator: realistic, labelled complaints from the sample city.

``generator`` composes the corpus from its phrase tables (``vocab``, ``topics_*``), its
calendar (``timing``), its registers (``register``) and its personal data (``people``).
Imports only ``triage.errors`` and ``triage.resources``.
"""
