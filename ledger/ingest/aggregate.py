"""The unit-month aggregate (``UnitMonthStat``) and the subtree roll-up (``SubtreeStat``).

Imports and forms hand their deltas here, inside their own transaction; nothing else
writes these two tables. ``recompute_stats`` and ``recompute_rollup`` rebuild both from the
posts and approved forms, for the tests' oracles and for audits.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db.models import Q

from ledger.ingest import activity, completeness
from ledger.ingest.plan import Deltas, RollKey, StatKey, add_into, contribution, month_half
from ledger.ingest.tree import ancestors, moved_deltas, up_the_tree, upsert_add, write_kept
from ledger.models import (
    METRICS,
    MonthlyForm,
    Post,
    SubtreeStat,
    UnitMonthStat,
)
from units.models import Unit


def apply_stat_deltas(by_key: dict[StatKey, dict[str, int]], source: str) -> None:
    """Add deltas to the aggregate rows (created when missing)."""
    upsert_add(
        UnitMonthStat,
        ("unit_id", "month", "platform", "content_type", "source"),
        [((*key, source), [delta[f] for f in UnitMonthStat.SUMS]) for key, delta in by_key.items()],
        insert_only={"counted": source == UnitMonthStat.Source.IMPORT},
    )
    UnitMonthStat.objects.filter(source=source, posts=0, reach=0, views=0).filter(
        Q(
            *[Q(unit_id=k[0], month=k[1], platform=k[2], content_type=k[3]) for k in by_key],
            _connector=Q.OR,
        )
        if by_key
        else Q(pk__in=[])
    ).delete()


def recount_forms(touched: set[tuple[int, date, str]]) -> None:
    """A form's rows count only while no import has posts for its unit, month, platform.

    Two queries per 200 keys, not two per key: a sync's batch touches hundreds of
    (unit, month, platform), and most have no form at all."""
    keys = sorted(touched)
    for start in range(0, len(keys), 200):
        where = _keys_q(keys[start : start + 200])
        forms = list(
            UnitMonthStat.objects.filter(where, source=UnitMonthStat.Source.FORM).values_list(
                "pk", "unit_id", "month", "platform", "counted"
            )
        )
        if not forms:
            continue
        imported = set(
            UnitMonthStat.objects.filter(
                where, source=UnitMonthStat.Source.IMPORT, posts__gt=0
            ).values_list("unit_id", "month", "platform")
        )
        for counted in (True, False):
            flip = [
                pk
                for pk, unit_id, month, platform, now in forms
                if now != counted and ((unit_id, month, platform) in imported) != counted
            ]
            if flip:
                UnitMonthStat.objects.filter(pk__in=flip).update(counted=counted)


def _keys_q(keys: list[tuple[int, date, str]]) -> Q:
    return Q(*[Q(unit_id=u, month=m, platform=p) for u, m, p in keys], _connector=Q.OR)


def lock_units(unit_ids: set[int]) -> None:
    """Serialise the writers of these units' figures until commit (row locks in id order).

    An import and a form approval or unlock of the same unit each read which form rows
    count before and after their change; without the lock both could see the same
    "before" and move the roll-up twice."""
    if unit_ids:
        list(
            Unit.objects.select_for_update()
            .filter(pk__in=sorted(unit_ids))
            .order_by("pk")
            .values_list("pk", flat=True)
        )


def counted_forms(touched: set[tuple[int, date, str]]) -> dict[RollKey, list[int]]:
    """The form rows that count now for these (unit, month, platform), as roll-up keys."""
    out: dict[RollKey, list[int]] = {}
    keys = sorted(touched)
    for start in range(0, len(keys), 200):
        where = _keys_q(keys[start : start + 200])
        rows = UnitMonthStat.objects.filter(where, source=UnitMonthStat.Source.FORM, counted=True)
        out.update(form_rows(rows))
    return out


def form_rows(rows: Any) -> dict[RollKey, list[int]]:
    """Form rows of the aggregate as roll-up keys (a form counts for the whole month)."""
    return {
        (unit_id, month, SubtreeStat.Half.WHOLE, platform, ctype): values
        for unit_id, month, platform, ctype, *values in rows.values_list(
            "unit_id", "month", "platform", "content_type", *UnitMonthStat.SUMS
        )
    }


def apply_stats(
    by_key: dict[StatKey, dict[str, int]],
    source: str,
    *,
    touched: set[tuple[int, date, str]],
    rollup: dict[RollKey, list[int]],
) -> None:
    """Apply an import's or a form's deltas to the aggregate, recount which form rows
    count for the ``touched`` (unit, month, platform), and add ``rollup`` plus the change
    in counted form rows to the roll-up. The caller holds the ``touched`` units' locks
    (``lock_units``)."""
    before = counted_forms(touched)
    apply_stat_deltas(by_key, source)
    recount_forms(touched)
    for key, values in before.items():
        add_into(rollup, key, values, -1)
    for key, values in counted_forms(touched).items():
        add_into(rollup, key, values)
    apply_rollup(rollup)


def spread(
    acc: dict[RollKey, list[int]],
    key: RollKey,
    values: list[int],
    units: Iterable[int],
    sign: int = 1,
) -> None:
    """Add ``values`` (of ``key``'s unit) to the same key of each of ``units``."""
    _unit_id, month, half, platform, ctype = key
    for unit_id in units:
        add_into(acc, (unit_id, month, half, platform, ctype), values, sign)


def apply_rollup(deltas: dict[RollKey, list[int]]) -> None:
    """Add counted deltas to ``SubtreeStat`` for each unit and every unit above it."""
    write_rollup(up_the_tree(deltas))


ROLL_KEY = ("unit_id", "month", "half", "platform", "content_type")


def rollup_units_moved(*, moves: list[tuple[Unit, str]]) -> None:
    """Move re-parented units' figures (each one's own roll-up rows, its whole subtree; its
    subtree's active channels; its units that reported each month) from the units above its
    old path to the units above its new one.

    ``moves`` are (unit saved with its new path, its old path); call it in the transaction
    that saved them, after their descendants were re-pathed. The moved units must not lie
    one under another (for nested moves call it once per move, in order)."""
    if not moves:
        return
    write_rollup(moved_deltas(SubtreeStat, ROLL_KEY, moves))
    activity.subtree_activity_units_moved(moves=moves)
    completeness.reported_units_moved(moves=moves)


def write_rollup(acc: dict[RollKey, list[int]]) -> None:
    write_kept(SubtreeStat, ROLL_KEY, acc)


def recompute_stats() -> dict[tuple[int, date, str, str, str], dict[str, int]]:
    """The aggregate recomputed from scratch (posts + approved forms): for tests/audits."""
    out: dict[tuple[int, date, str, str, str], dict[str, int]] = {}
    for post in Post.objects.values("unit_id", "month", "platform", "content_type", *METRICS):
        key = (post["unit_id"], post["month"], post["platform"], post["content_type"], "import")
        target = out.setdefault(key, dict.fromkeys(UnitMonthStat.SUMS, 0))
        for name, value in contribution(post).items():
            target[name] += value
    for form in MonthlyForm.objects.filter(
        status__in=(MonthlyForm.Status.APPROVED, MonthlyForm.Status.LOCKED)
    ):
        for name, content_type in MonthlyForm.CONTENT_TYPE_OF.items():
            if getattr(form, name):
                key = (form.unit_id, form.month, form.platform, content_type, "form")
                target = out.setdefault(key, dict.fromkeys(UnitMonthStat.SUMS, 0))
                target["posts"] += getattr(form, name)
                if form.reach is not None:
                    target["posts_with_reach"] += getattr(form, name)
        if form.reach:
            key = (form.unit_id, form.month, form.platform, UnitMonthStat.UNSPECIFIED, "form")
            target = out.setdefault(key, dict.fromkeys(UnitMonthStat.SUMS, 0))
            target["reach"] += form.reach
    return {k: v for k, v in out.items() if any(v.values())}


def recompute_rollup() -> dict[RollKey, dict[str, int]]:
    """The roll-up recomputed from scratch (posts by half-month, plus the form rows that
    count, summed up the tree of units): for tests and audits."""
    own: dict[RollKey, list[int]] = {}
    fields = ("unit_id", "month", "published_at", "platform", "content_type", *METRICS)
    for post in Post.objects.values(*fields):
        _month, half = month_half(post["published_at"], post["month"])
        key = (post["unit_id"], post["month"], half, post["platform"], post["content_type"])
        add_into(own, key, contribution(post).values())
    forms = UnitMonthStat.objects.filter(source=UnitMonthStat.Source.FORM, counted=True)
    for key, values in form_rows(forms).items():
        add_into(own, key, values)
    up = ancestors({k[0] for k in own})
    out: dict[RollKey, list[int]] = {}
    for key, values in own.items():
        spread(out, key, values, up[key[0]])
    return {k: dict(zip(SubtreeStat.SUMS, v, strict=True)) for k, v in out.items() if any(v)}


def apply_import(deltas: Deltas) -> None:
    """Add a batch's deltas (``plan.Deltas``) to the aggregate, the roll-up and the
    channels' activity, and mark the months it touched as reported by import."""
    by_key = deltas.by_key
    # Every unit whose figures or completeness this batch changes, locked at once and in
    # order, so that a form approval of the same unit waits for this batch and no two
    # writers lock in opposite orders.
    lock_units({k[0] for k in by_key} | {unit_id for unit_id, _month in deltas.months})
    apply_stats(
        by_key,
        UnitMonthStat.Source.IMPORT,
        touched={(k[0], k[1], k[2]) for k in by_key},
        rollup={k: list(v) for k, v in deltas.sums.items()},
    )
    activity.apply_activity(deltas.activity)
    completeness.mark_reported(deltas.months)


def apply_form(form: MonthlyForm, sign: int) -> None:
    """Add (``sign`` +1, on approval) or remove (-1, on unlock) a monthly form's rows."""
    by_key: dict[StatKey, dict[str, int]] = {}
    unit_id, month, platform = form.unit_id, form.month, form.platform
    # A form's reach covers all its items but is not broken down by content type: each
    # item row says its items have a reach (so no row has more posts with reach than
    # posts), and the reach itself sits in the "unspecified" row (docs/reports.md).
    for name, content_type in MonthlyForm.CONTENT_TYPE_OF.items():
        count = getattr(form, name)
        if count:
            delta = dict.fromkeys(UnitMonthStat.SUMS, 0)
            delta["posts"] = sign * count
            delta["posts_with_reach"] = sign * count if form.reach is not None else 0
            by_key[(unit_id, month, platform, content_type)] = delta
    if form.reach:
        delta = dict.fromkeys(UnitMonthStat.SUMS, 0)
        delta["reach"] = sign * form.reach
        by_key[(unit_id, month, platform, UnitMonthStat.UNSPECIFIED)] = delta
    lock_units({unit_id})
    apply_stats(by_key, UnitMonthStat.Source.FORM, touched={(unit_id, month, platform)}, rollup={})
    completeness.set_form_reported(unit_id=unit_id, month=month)
