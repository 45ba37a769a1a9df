"""A system check: the subtree filter must hold on this database's collation."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig, apps
from django.core import checks
from django.db import connections

from core.fields import PathField

# (subtree root, path, inside?) - one sample per character class a code may hold, and the
# neighbours that must stay outside.
SAMPLES = [
    ("22/", "22/07192/", True),
    ("22/", "22/SO-TTTT/", True),
    ("22/", "22/so.tt_tt/", True),
    ("22/", "22/Z/0/", True),
    ("22/", "220/", False),
    ("22/", "23/", False),
    ("22/", "21/99/", False),
    ("22/", "2/", False),
]


def _path_columns() -> list[tuple[str, str]]:
    return [
        (model._meta.db_table, str(field.column))
        for model in apps.get_models()
        for field in model._meta.local_fields
        if isinstance(field, PathField)
    ]


def _collation(cursor: Any, table: str, column: str) -> str | None:
    cursor.execute(
        "SELECT c.collname FROM pg_attribute a JOIN pg_collation c ON c.oid = a.attcollation"
        " WHERE a.attrelid = to_regclass(%s) AND a.attname = %s",
        [table, column],
    )
    row = cursor.fetchone()
    return row[0] if row else None


def _range_holds(cursor: Any, collation: str, quote: Any) -> bool:
    values = ", ".join(["(%s, %s, %s)"] * len(SAMPLES))
    # The collation is a name read from pg_collation, quoted; the samples are parameters.
    collate = f"COLLATE {quote(collation)}"
    test = f"((v.p {collate} >= v.s) AND (v.p {collate} < v.s || '~')) = v.inside"
    sql = f"SELECT bool_and({test}) FROM (VALUES {values}) AS v(s, p, inside)"  # noqa: S608
    cursor.execute(sql, [item for sample in SAMPLES for item in sample])
    return bool(cursor.fetchone()[0])


@checks.register(checks.Tags.database)
def subtree_range_holds(
    *,
    app_configs: Sequence[AppConfig] | None = None,
    databases: Sequence[str] | None = None,
    **kwargs: Any,
) -> list[checks.CheckMessage]:
    """Every path column must sort "~" after letters, digits and "./_-" (see PathField)."""
    errors: list[checks.CheckMessage] = []
    for alias in databases or []:
        connection = connections[alias]
        if connection.vendor != "postgresql":
            continue  # SQLite compares text bytewise (BINARY): the range always holds.
        with connection.cursor() as cursor:
            for table, column in _path_columns():
                collation = _collation(cursor, table, column)
                if collation is None:
                    continue  # not migrated yet: the migration creates it COLLATE "C"
                if _range_holds(cursor, collation, connection.ops.quote_name):
                    continue
                errors.append(
                    checks.Error(
                        f'{table}.{column} uses collation "{collation}", which sorts "~" '
                        "before letters or digits: a unit's subtree would miss units.",
                        hint='Apply the migrations (the column must be COLLATE "C").',
                        id="units.E001",
                    )
                )
    return errors
