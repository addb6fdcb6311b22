"""The operators' commands: ``triage db``, ``keys``, ``alerts``, ``digest``, ``tenants``,
``import``.

Each module adds one sub-command to the ``triage`` parser (see :mod:`training.cli`, which
names them by string).  They may import the library (``triage``) but never ``training`` or
``api``.  Like the service, they read ``TRIAGE_DATABASE_URL`` for the default of
``--database-url``.
"""
