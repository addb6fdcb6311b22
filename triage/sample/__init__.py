"""The synthetic-corpus generator: realistic, labelled complaints from the sample city.

Code and data are kept apart. The phrase tables are data files in ``tables/`` (JSON,
shipped with the package): the topics with their routes and templates
(``topics_city.json``, ``topics_service.json``; ``topics_external.json`` for complaints that
are an external body's business), the agencies they route to
(``agencies.json``), which topics borrow each other's words (``neighbours.json``), what
people say during an injected spike (``spike_notes.json``), the city's kecamatan and
street furniture (``city.json``), names (``people.json``), the parts of a letter
(``letters.json``) and the informal register (``register.json``).

The modules are code only: ``vocab`` declares the tables' shapes (``TopicSpec`` and
friends) and the template slots, ``schema`` checks one entry, ``loader`` reads every
table once and checks it (``tables()``), ``compose`` expands the templates into one
complaint, ``register`` makes it informal, ``people`` invents personal data, ``timing``
spreads complaints over the calendar, and ``generator`` puts the corpus together.
Imports only ``triage.errors`` and ``triage.resources``.
"""
