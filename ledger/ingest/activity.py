"""The channels' activity: ``ChannelActivity`` (posts per channel, year and half-month) and,
kept from it in the same transaction, ``SubtreeActivity`` (for each unit's subtree, its
channels' active half-months by the gap since each one's previous active half), from which
a report counts the active channels of any run of half-months with a sum.

The imports hand their activity deltas to :func:`apply_activity`; a channel registered to
another unit (``registry.services``) calls :func:`move_activity`; a re-parented unit
(``units.services``) carries its subtree's rows with it through
:func:`subtree_activity_units_moved`. ``recompute_activity`` and
``recompute_subtree_activity`` are the oracles of both tables, for tests and audits.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models import F, OuterRef, Q, Subquery, Sum

from ledger.ingest.plan import month_half
from ledger.ingest.tree import ancestors, moved_deltas, up_the_tree, upsert_add, write_kept
from ledger.models import ChannelActivity, Post, SubtreeActivity
from registry.models import Channel
from units.models import Unit

# (unit, half, gap) → channels
ActivityKey = tuple[int, int, int]


def apply_activity(activity: dict[tuple[int, int], list[int]]) -> None:
    """Add posts-per-half-month deltas to ``ChannelActivity`` ((channel, year) rows, created
    when missing, deleted when left all zero), and the change in the channels' active
    half-months to ``SubtreeActivity``; the caller's transaction holds the channels' batches
    (one at a time per channel), so no two writers change the same channel at once."""
    if not activity:
        return
    channels = {k[0] for k in activity}
    before = _active_halves(channels)
    upsert_add(ChannelActivity, ("channel_id", "year"), list(activity.items()))
    ChannelActivity.objects.filter(channel_id__in=channels, unit__isnull=True).update(
        unit_id=Subquery(Channel.objects.filter(pk=OuterRef("channel_id")).values("unit_id"))
    )
    ChannelActivity.objects.filter(
        channel_id__in=channels,
        year__in={k[1] for k in activity},
        **dict.fromkeys(ChannelActivity.HALVES, 0),
    ).delete()
    after = _active_halves(channels)
    deltas: dict[ActivityKey, int] = defaultdict(int)
    for channel_id in channels:
        for sign, state in ((-1, before), (1, after)):
            if channel_id in state:
                unit_id, halves = state[channel_id]
                for half, gap in entries(halves):
                    deltas[(unit_id, half, gap)] += sign
    apply_subtree_activity(deltas)


def move_activity(*, channel_id: int, unit_id: int) -> None:
    """A channel registered to another unit counts there: its activity rows follow it, and
    its active half-months leave the old unit's subtree counts for the new one's (the
    caller, ``registry.services``, holds the channel's row lock and its transaction)."""
    state = _active_halves({channel_id}).get(channel_id)
    ChannelActivity.objects.filter(channel_id=channel_id).update(unit_id=unit_id)
    if state is None or state[0] == unit_id:
        return
    deltas: dict[ActivityKey, int] = defaultdict(int)
    for half, gap in entries(state[1]):
        deltas[(state[0], half, gap)] -= 1
        deltas[(unit_id, half, gap)] += 1
    apply_subtree_activity(deltas)


def entries(halves: Iterable[int]) -> list[tuple[int, int]]:
    """A channel's active half-months as (half, gap since the previous one; 0: the first)."""
    out = []
    previous = None
    for half in sorted(halves):
        out.append((half, half - previous if previous is not None else 0))
        previous = half
    return out


def _active_halves(channel_ids: set[int]) -> dict[int, tuple[int, list[int]]]:
    """channel → (its unit, the running indexes of its half-months with posts)."""
    out: dict[int, tuple[int, list[int]]] = {}
    rows = ChannelActivity.objects.filter(channel_id__in=channel_ids).values_list(
        "channel_id", "unit_id", "year", *ChannelActivity.HALVES
    )
    for channel_id, unit_id, year, *counts in rows:
        halves = out.setdefault(channel_id, (unit_id, []))[1]
        halves.extend(year * 24 + i for i, n in enumerate(counts) if n)
    return out


def apply_subtree_activity(deltas: dict[ActivityKey, int]) -> None:
    """Add (unit, half, gap) deltas to the rows of each unit and every unit above it."""
    _write(up_the_tree({k: [n] for k, n in deltas.items()}))


def _write(acc: dict[tuple[Any, ...], list[int]]) -> None:
    write_kept(SubtreeActivity, ("unit_id", "half", "gap"), acc)


def subtree_activity_units_moved(*, moves: list[tuple[Unit, str]]) -> None:
    """Move re-parented units' rows (each one's whole subtree) from the units above its old
    path to the units above its new one (the same contract as ``rollup_units_moved``)."""
    if moves:
        _write(moved_deltas(SubtreeActivity, ("unit_id", "half", "gap"), moves))


def active_in(units: list[int], first: int, last: int) -> dict[int, int]:
    """unit → its subtree's channels with a post in half-months ``first`` to ``last`` (running
    indexes, inclusive): one query over a few rows per unit and half-month."""
    rows = (
        SubtreeActivity.objects.filter(unit_id__in=units, half__gte=first, half__lte=last)
        # The channel's first active half in the run: none before it, or none since ``first``.
        .filter(Q(gap=0) | Q(gap__gt=F("half") - first))
        .values("unit_id")
        .annotate(n=Sum("channels"))
        .values_list("unit_id", "n")
    )
    return dict(rows)


def recompute_activity() -> dict[tuple[int, int, int], list[int]]:
    """``ChannelActivity`` recomputed from the posts and the channels' units, keyed by
    (channel, its unit, year) (for tests and audits)."""
    out: dict[tuple[int, int, int], list[int]] = {}
    for channel_id, unit_id, published_at, month in Post.objects.values_list(
        "channel_id", "channel__unit_id", "published_at", "month"
    ):
        first, half = month_half(published_at, month)
        if half:
            t = out.setdefault((channel_id, unit_id, first.year), [0] * 24)
            t[(first.month - 1) * 2 + half - 1] += 1
    return out


def stored_activity() -> dict[tuple[int, int, int], list[int]]:
    """``ChannelActivity`` as stored, in the shape of :func:`recompute_activity`."""
    return {
        (channel_id, unit_id, year): list(halves)
        for channel_id, unit_id, year, *halves in ChannelActivity.objects.values_list(
            "channel_id", "unit_id", "year", *ChannelActivity.HALVES
        )
    }


def recompute_subtree_activity() -> dict[ActivityKey, int]:
    """``SubtreeActivity`` recomputed from the posts and the channels' units."""
    halves: dict[tuple[int, int], list[int]] = defaultdict(list)
    for (channel_id, unit_id, year), counts in recompute_activity().items():
        halves[(channel_id, unit_id)].extend(year * 24 + i for i, n in enumerate(counts) if n)
    up = ancestors({unit_id for _channel, unit_id in halves})
    out: dict[ActivityKey, int] = defaultdict(int)
    for (_channel, unit_id), active in halves.items():
        for half, gap in entries(active):
            for above in up[unit_id]:
                out[(above, half, gap)] += 1
    return dict(out)


def stored_subtree_activity() -> dict[ActivityKey, int]:
    return {
        (unit_id, half, gap): n
        for unit_id, half, gap, n in SubtreeActivity.objects.values_list(
            "unit_id", "half", "gap", "channels"
        )
    }
