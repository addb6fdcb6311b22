"""Alembic migrations of the complaint store; applied by ``triage db upgrade``."""
