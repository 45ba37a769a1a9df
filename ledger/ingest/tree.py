"""Sums kept per unit and summed up the tree of units: the helpers every kept table shares
(the roll-up ``SubtreeStat``, ``SubtreeActivity``, ``SubtreeReported``): an ordered additive
upsert, the units above a unit, and the deltas that carry a re-parented unit's rows along.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.db import connection
from django.utils import timezone

from units.models import Unit, path_codes


def upsert_add(
    model: Any,
    key_fields: tuple[str, ...],
    rows: list[tuple[tuple[Any, ...], list[int]]],
    *,
    insert_only: dict[str, Any] | None = None,
) -> None:
    """Add ``rows`` ((key, sums in ``model.SUMS`` order)) to ``model``'s rows, creating
    missing ones: ``INSERT … ON CONFLICT (key) DO UPDATE SET x = x + EXCLUDED.x`` (PostgreSQL
    and SQLite alike), in key order, so that two transactions adding to the same new key
    neither fail nor deadlock; the second waits for the first."""
    ops = connection.ops
    table = model._meta.db_table
    extra = dict(insert_only or {})
    if any(f.name == "updated_at" for f in model._meta.fields):
        extra["updated_at"] = timezone.now()
    columns = (*key_fields, *model.SUMS, *extra)
    qn = connection.ops.quote_name
    sets = ", ".join(f"{qn(c)} = {qn(table)}.{qn(c)} + EXCLUDED.{qn(c)}" for c in model.SUMS)
    if "updated_at" in extra:
        sets += ", updated_at = EXCLUDED.updated_at"
    extra_values = [
        ops.adapt_datetimefield_value(v) if isinstance(v, datetime) else v for v in extra.values()
    ]
    ordered = sorted((r for r in rows if any(r[1])), key=lambda r: r[0])
    row_sql = "(" + ", ".join(["%s"] * len(columns)) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(ordered), 200):
            part = ordered[start : start + 200]
            params: list[Any] = []
            for key, values in part:
                params.extend(
                    ops.adapt_datefield_value(k) if isinstance(k, date) else k for k in key
                )
                params.extend(values)
                params.extend(extra_values)
            cursor.execute(
                f"INSERT INTO {qn(table)} ({', '.join(qn(c) for c in columns)}) "  # noqa: S608
                f"VALUES {', '.join([row_sql] * len(part))} "
                f"ON CONFLICT ({', '.join(qn(c) for c in key_fields)}) DO UPDATE SET {sets}",
                params,
            )


def ids_of_codes(paths: Iterable[str]) -> dict[str, int]:
    """code → unit id for every unit named in these materialised paths."""
    codes = {code for path in paths for code in path_codes(path)}
    return dict(Unit.objects.filter(code__in=codes).values_list("code", "pk"))


def ancestors(unit_ids: set[int]) -> dict[int, list[int]]:
    """unit id → the ids of the unit and of every unit above it (by materialised path)."""
    paths = dict(Unit.objects.filter(pk__in=unit_ids).values_list("pk", "path"))
    ids = ids_of_codes(paths.values())
    return {pk: [ids[c] for c in path_codes(path) if c in ids] for pk, path in paths.items()}


def up_the_tree(deltas: dict[tuple[Any, ...], list[int]]) -> dict[tuple[Any, ...], list[int]]:
    """Each delta keyed (unit, *rest), added to the same key of the unit and of every unit
    above it: what a change to one unit's own rows makes of its subtrees' sums."""
    deltas = {k: v for k, v in deltas.items() if any(v)}
    up = ancestors({k[0] for k in deltas}) if deltas else {}
    acc: dict[tuple[Any, ...], list[int]] = {}
    for (unit_id, *rest), values in deltas.items():
        for above in up.get(unit_id, ()):
            sums = acc.setdefault((above, *rest), [0] * len(values))
            for i, v in enumerate(values):
                sums[i] += v
    return acc


def write_kept(
    model: Any, key_fields: tuple[str, ...], acc: dict[tuple[Any, ...], list[int]]
) -> None:
    """Add ``acc`` to a kept table (``upsert_add``, in key order, so that two writers under
    one province wait rather than deadlock) and delete the rows it left all zero."""
    if not acc:
        return
    upsert_add(model, key_fields, list(acc.items()))
    unit_field, second = key_fields[0], key_fields[1]
    model.objects.filter(
        **{f"{unit_field}__in": {k[0] for k in acc}, f"{second}__in": {k[1] for k in acc}},
        **dict.fromkeys(model.SUMS, 0),
    ).delete()


def moved_deltas(
    model: Any, key_fields: tuple[str, ...], moves: list[tuple[Unit, str]]
) -> dict[tuple[Any, ...], list[int]]:
    """The deltas that carry re-parented units' kept rows (a unit's own rows: its whole
    subtree) from the units above each one's old path to the units above its new one.
    ``moves``: (unit saved with its new path, its old path); ``key_fields`` start with
    ``unit_id``. Codes do not change when a unit moves: the old ancestors are found by
    theirs."""
    ids = ids_of_codes(old for _unit, old in moves)
    old_up = {unit.pk: [ids[c] for c in path_codes(old)[:-1] if c in ids] for unit, old in moves}
    new_up = ancestors(set(old_up))
    acc: dict[tuple[Any, ...], list[int]] = {}
    width = len(key_fields)
    unit_ids = sorted(old_up)
    for start in range(0, len(unit_ids), 500):
        rows = model.objects.filter(unit_id__in=unit_ids[start : start + 500]).values_list(
            *key_fields, *model.SUMS
        )
        for row in rows:
            unit_id, rest, values = row[0], row[1:width], row[width:]
            for above, sign in [(a, -1) for a in old_up[unit_id]] + [
                (a, 1) for a in new_up[unit_id][:-1]
            ]:
                sums = acc.setdefault((above, *rest), [0] * len(values))
                for i, v in enumerate(values):
                    sums[i] += sign * v
    return acc
