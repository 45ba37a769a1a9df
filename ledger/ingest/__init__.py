"""The ledger's ingest: every source of post rows enters through one function.

``plan`` (pure) turns rows into writes and deltas, ``writer`` is the only code that
touches the database connection for them, ``aggregate`` keeps the unit-month aggregate and
the subtree roll-up, ``imports`` runs a batch. Files, the JSON API, the demo and the
platform connectors all call ``ledger.ingest.imports.ingest_rows`` (files through
``import_file``); monthly forms add to the aggregate through ``forms``.
"""
