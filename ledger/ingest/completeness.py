"""Completeness kept per subtree: ``SubtreeReported`` counts, for each unit and month, the
units of its subtree that have reported the month (``UnitMonthReport``), so that a report
reads a few rows per month instead of every unit's.

``mark_reported`` (imports) and ``set_form_reported`` (form approvals and unlocks) are the
only writers of ``UnitMonthReport``; each hands the units whose state flipped to
:func:`_add`. A re-parented unit carries its subtree's counts with it
(:func:`reported_units_moved`, called by ``aggregate.rollup_units_moved``).
``recompute_subtree_reported`` is the oracle, for tests and audits.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from django.db.models import Q
from django.utils import timezone

from ledger.ingest.tree import ancestors, moved_deltas, up_the_tree, write_kept
from ledger.models import MonthlyForm, SubtreeReported, UnitMonthReport
from units.models import Unit

ReportedKey = tuple[int, date]  # (unit, month)


def mark_reported(months: set[ReportedKey]) -> None:
    """These (unit, month) have reported by import. The caller holds the units' locks
    (``aggregate.lock_units``): a form approval of the same unit and month waits, so the two
    never both see the month unreported and count it twice."""
    keys = sorted(months)
    flipped: dict[ReportedKey, int] = {}
    for start in range(0, len(keys), 200):
        part = keys[start : start + 200]
        where = Q(*[Q(unit_id=u, month=m) for u, m in part], _connector=Q.OR)
        existing = {
            (unit_id, month): (pk, by_import, by_form)
            for pk, unit_id, month, by_import, by_form in UnitMonthReport.objects.filter(
                where
            ).values_list("pk", "unit_id", "month", "by_import", "by_form")
        }
        new = [key for key in part if key not in existing]
        UnitMonthReport.objects.bulk_create(
            [UnitMonthReport(unit_id=u, month=m, by_import=True) for u, m in new]
        )
        not_yet = {key: row for key, row in existing.items() if not row[1]}
        UnitMonthReport.objects.filter(pk__in=[pk for pk, _i, _f in not_yet.values()]).update(
            by_import=True, updated_at=timezone.now()
        )
        flipped.update(dict.fromkeys(new, 1))
        flipped.update({key: 1 for key, (_pk, _i, by_form) in not_yet.items() if not by_form})
    _add(flipped)


def set_form_reported(*, unit_id: int, month: date) -> None:
    """After a form of (unit, month) was approved or unlocked: the month counts as reported
    by form while any of its forms is approved (or locked)."""
    report, _created = UnitMonthReport.objects.get_or_create(unit_id=unit_id, month=month)
    approved = MonthlyForm.objects.filter(
        unit_id=unit_id,
        month=month,
        status__in=(MonthlyForm.Status.APPROVED, MonthlyForm.Status.LOCKED),
    ).exists()
    if report.by_form == approved:
        return
    before = report.reported
    report.by_form = approved
    report.save(update_fields=["by_form", "updated_at"])
    if report.reported != before:
        _add({(unit_id, month): 1 if report.reported else -1})


def _add(deltas: dict[ReportedKey, int]) -> None:
    """Add each unit's change to its own row and every row above it."""
    _write(up_the_tree({k: [n] for k, n in deltas.items()}))


def _write(acc: dict[tuple[Any, ...], list[int]]) -> None:
    write_kept(SubtreeReported, ("unit_id", "month"), acc)


def reported_units_moved(*, moves: list[tuple[Unit, str]]) -> None:
    """Move re-parented units' counts (each one's whole subtree) from the units above its old
    path to the units above its new one (the contract of ``rollup_units_moved``)."""
    if moves:
        _write(moved_deltas(SubtreeReported, ("unit_id", "month"), moves))


def reported_in(units: list[int], months: list[date]) -> dict[ReportedKey, int]:
    """(unit, month) → the units of its subtree that reported the month."""
    rows = SubtreeReported.objects.filter(unit_id__in=units, month__in=months)
    return {(u, m): n for u, m, n in rows.values_list("unit_id", "month", "units")}


def recompute_subtree_reported() -> dict[ReportedKey, int]:
    """``SubtreeReported`` recomputed from ``UnitMonthReport`` and the tree (tests, audits)."""
    reported = UnitMonthReport.objects.filter(Q(by_import=True) | Q(by_form=True))
    pairs = list(reported.values_list("unit_id", "month"))
    up = ancestors({unit_id for unit_id, _month in pairs})
    out: dict[ReportedKey, int] = defaultdict(int)
    for unit_id, month in pairs:
        for above in up[unit_id]:
            out[(above, month)] += 1
    return dict(out)


def stored_subtree_reported() -> dict[ReportedKey, int]:
    return {
        (u, m): n for u, m, n in SubtreeReported.objects.values_list("unit_id", "month", "units")
    }
