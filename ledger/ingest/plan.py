"""The plan of a batch: pure, no database.

Rows (from a file's parser, the API, a connector) become what the writer writes and what
the aggregate adds: each row's month and half-month, the duplicates within the batch,
which posts are new, changed or unchanged, and the aggregate's deltas summed per key.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext as _

from ledger.formats import Row, RowError
from ledger.messages import translated
from ledger.models import METRICS, SubtreeStat, UnitMonthStat

if TYPE_CHECKING:
    from registry.models import Channel

TZ = ZoneInfo("Asia/Ho_Chi_Minh")

StatKey = tuple[int, date, str, str]  # unit id, month, platform, content type
RollKey = tuple[int, date, int, str, str]  # unit id, month, half, platform, content type

# The metrics of a row or a post in METRICS order.
Metrics = tuple[int | None, int | None, int | None, int | None, int | None, int | None, int | None]
row_metrics: Callable[[Row], Metrics] = operator.attrgetter(*METRICS)  # a tuple, in C


def local_today() -> date:
    return timezone.now().astimezone(TZ).date()


def month_half(moment: datetime | None, fallback: date) -> tuple[date, int]:
    """The month of ``moment`` and its half for the roll-up (``SubtreeStat.half``):
    1 for days 1-14, 2 for days 15 to the end, 0 when the moment is unknown."""
    if moment is None:
        return fallback.replace(day=1), SubtreeStat.Half.WHOLE
    if moment.tzinfo is not TZ:
        moment = moment.astimezone(TZ)
    half = 1 if moment.day < SubtreeStat.SECOND_HALF_FROM else 2
    return _first_day(moment.year, moment.month), half


@functools.lru_cache(maxsize=4096)
def _first_day(year: int, month: int) -> date:
    return date(year, month, 1)


def add_into(acc: dict[Any, list[int]], key: Any, values: Iterable[int], sign: int = 1) -> None:
    """``acc[key] += sign * values``, element by element (a zero row when missing)."""
    t = acc.get(key)
    if t is None:
        t = acc[key] = [0] * len(UnitMonthStat.SUMS)
    for i, v in enumerate(values):
        t[i] += sign * v


def contribution(values: dict[str, int | None]) -> dict[str, int]:
    reach, views = values.get("reach"), values.get("views")
    reactions, comments, shares = (
        values.get("reactions"),
        values.get("comments"),
        values.get("shares"),
    )
    return {
        "posts": 1,
        "posts_with_reach": 0 if reach is None else 1,
        "reach": reach or 0,
        "posts_with_views": 0 if views is None else 1,
        "views": views or 0,
        "reactions": reactions or 0,
        "comments": comments or 0,
        "shares": shares or 0,
        "clicks": values.get("clicks") or 0,
        "engagements": (reactions or 0) + (comments or 0) + (shares or 0),
        "watch_time_seconds": values.get("watch_time_seconds") or 0,
    }


class Deltas:
    """The aggregate's changes, summed in memory per key and applied once at the end.

    ``add`` is :func:`contribution` unrolled over lists in ``UnitMonthStat.SUMS`` order
    (it runs once per imported row).
    """

    def __init__(self) -> None:
        assert UnitMonthStat.SUMS == (  # noqa: S101 - the unrolled order below
            "posts", "posts_with_reach", "reach", "posts_with_views", "views", "reactions",
            "comments", "shares", "clicks", "engagements", "watch_time_seconds",
        )  # fmt: skip
        self.sums: dict[RollKey, list[int]] = {}
        self.months: set[tuple[int, date]] = set()
        # ``ChannelActivity``: (channel id, year) → posts by half-month (24, h01 … h24).
        self.activity: dict[tuple[int, int], list[int]] = {}

    def active(self, channel_id: int, month: date, half: int, sign: int) -> None:
        """``sign`` posts of the channel published in this half-month (added or, if
        negative, removed);
        half 0 (no publication time) is in no period's window and not counted."""
        if not half:
            return
        t = self.activity.get((channel_id, month.year))
        if t is None:
            t = self.activity[(channel_id, month.year)] = [0] * 24
        t[(month.month - 1) * 2 + half - 1] += sign

    def add(self, key: RollKey, metrics: Metrics, sign: int) -> None:
        views, reach, reactions, comments, shares, clicks, watch = metrics
        t = self.sums.get(key)
        if t is None:
            t = self.sums[key] = [0] * 11
        t[0] += sign
        if reach is not None:
            t[1] += sign
            t[2] += sign * reach
        if views is not None:
            t[3] += sign
            t[4] += sign * views
        engagements = 0
        if reactions:
            t[5] += sign * reactions
            engagements += reactions
        if comments:
            t[6] += sign * comments
            engagements += comments
        if shares:
            t[7] += sign * shares
            engagements += shares
        if clicks:
            t[8] += sign * clicks
        t[9] += sign * engagements
        if watch:
            t[10] += sign * watch

    def add_new(self, key: RollKey, rows: list[Metrics]) -> None:
        """``add(key, metrics, +1)`` for each of ``rows`` (a chunk's new posts of one key),
        summed a column at a time."""
        t = self.sums.get(key)
        if t is None:
            t = self.sums[key] = [0] * 11
        views, reach, reactions, comments, shares, clicks, watch = zip(*rows, strict=True)
        known_reach = [v for v in reach if v is not None]
        known_views = [v for v in views if v is not None]
        engagements = (sum(filter(None, reactions)), sum(filter(None, comments)),
                       sum(filter(None, shares)))  # fmt: skip
        t[0] += len(rows)
        t[1] += len(known_reach)
        t[2] += sum(known_reach)
        t[3] += len(known_views)
        t[4] += sum(known_views)
        t[5] += engagements[0]
        t[6] += engagements[1]
        t[7] += engagements[2]
        t[8] += sum(filter(None, clicks))
        t[9] += sum(engagements)
        t[10] += sum(filter(None, watch))

    def merge(self, other: Deltas) -> None:
        """Add another batch's deltas (several batches, one refresh of the aggregate)."""
        for key, values in other.sums.items():
            add_into(self.sums, key, values)
        self.months |= other.months
        for pair, counts in other.activity.items():
            t = self.activity.setdefault(pair, [0] * 24)
            for i, n in enumerate(counts):
                t[i] += n

    @property
    def by_key(self) -> dict[StatKey, dict[str, int]]:
        """The deltas of ``UnitMonthStat``: the halves of each month summed."""
        out: dict[StatKey, list[int]] = {}
        for (unit_id, month, _half, platform, ctype), values in self.sums.items():
            add_into(out, (unit_id, month, platform, ctype), values)
        return {k: dict(zip(UnitMonthStat.SUMS, v, strict=True)) for k, v in out.items()}


CHUNK = 5000  # rows per write (and rejected rows per flush)
PROGRESS_EVERY = 5000


@dataclass
class Counts:
    rows_read: int = 0
    accepted: int = 0
    rejected: int = 0
    posts_created: int = 0
    posts_updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)


@dataclass
class Changed:
    """An existing post whose row differs: its new values (a missing publication time,
    permalink or caption keeps the post's own)."""

    pk: int
    row: Row
    month: date
    published_at: datetime | None
    permalink: str
    caption: str


@dataclass
class ChunkPlan:
    """One channel's rows of a chunk, as the writer writes them."""

    channel: Channel
    new: list[tuple[Row, date]] = field(default_factory=list)  # the row, its month
    changed: list[Changed] = field(default_factory=list)


# A row's registered channel, or the reason it has none (the row is rejected).
ChannelFor = Callable[[Row], "Channel | str"]


class Plan:
    """A batch's plan, row by row: which rows are accepted (their channel allows them, not
    a duplicate within the batch), which are rejected and why, and the aggregate's deltas.

    ``chunks`` groups the accepted rows; ``plan_chunk`` compares them with the posts the
    database already has (read by the caller) and decides what the writer writes.
    """

    def __init__(
        self,
        *,
        as_of: date,
        channel_for: ChannelFor,
        on_read: Callable[[int], None] | None = None,
    ) -> None:
        self.fallback_month = as_of.replace(day=1)
        self.channel_for = channel_for
        self.on_read = on_read
        self.counts = Counts()
        self.deltas = Deltas()
        self.rejections: list[RowError] = []  # not yet written
        # Channel id → its post ids in the batch → the first line of each. A dict of
        # strings to ints is never tracked by the garbage collector: a million rows' ids
        # cost no collection a walk over them (keyed by a tuple, each collection would).
        self._seen: dict[int, dict[str, int]] = {}

    def reject(self, line: int, column: str, message: str) -> None:
        self.counts.rejected += 1
        error = RowError(line=line, field=column, message=translated(message))
        self.counts.errors.append(error)
        self.rejections.append(error)

    def take_rejections(self) -> list[RowError]:
        taken, self.rejections = self.rejections, []
        return taken

    def chunks(self, items: Iterable[Row | RowError]) -> Iterator[list[tuple[Channel, list[Row]]]]:
        """The accepted rows by channel, ``CHUNK`` rows at a time (also yielded, maybe
        empty, when ``CHUNK`` rejected rows wait to be written)."""
        counts = self.counts
        channel_for = self.channel_for
        seen = self._seen
        on_read = self.on_read
        pending: dict[int, tuple[Channel, list[Row]]] = {}
        size = 0
        read = counts.rows_read
        last: Channel | None = None
        last_pk = 0
        last_seen: dict[str, int] = {}
        try:
            for item in items:  # once per row of a million-row file: locals only
                read += 1
                if on_read is not None and read % PROGRESS_EVERY == 0:
                    counts.rows_read = read
                    on_read(read)
                if type(item) is RowError:
                    self.reject(item.line, item.field, item.message)
                else:
                    assert isinstance(item, Row)  # noqa: S101 - for the type checker
                    target = channel_for(item)
                    if isinstance(target, str):
                        self.reject(item.line, _("Kênh"), target)
                        continue
                    if target is not last:  # ``pk`` is a property: once per channel
                        last, last_pk = target, target.pk
                        last_seen = seen.setdefault(last_pk, {})
                    first_line = last_seen.setdefault(item.post_id, item.line)
                    if first_line != item.line:
                        self.reject(item.line, "post_id", _duplicate(first_line))
                        continue
                    entry = pending.get(last_pk)
                    if entry is None:
                        entry = pending[last_pk] = (target, [])
                    entry[1].append(item)
                    size += 1
                if size >= CHUNK or len(self.rejections) >= CHUNK:
                    yield list(pending.values())
                    pending, size = {}, 0
            if pending or self.rejections:
                yield list(pending.values())
        finally:
            counts.rows_read = read

    def plan_chunk(
        self, channel: Channel, rows: list[Row], existing: dict[str, dict[str, Any]]
    ) -> ChunkPlan:
        """What to write for ``rows`` of ``channel``, given its ``existing`` posts among
        them (``writer.EXISTING_FIELDS``); the deltas are added to the batch's."""
        plan = ChunkPlan(channel=channel)
        unit_id, platform, channel_id = channel.unit_id, channel.platform, channel.pk
        add, months, fallback = self.deltas.add, self.deltas.months, self.fallback_month
        active = self.deltas.active
        # New posts' metrics by (month, half, content type), added to the deltas together.
        fresh: dict[tuple[date, int, str], list[Metrics]] = {}
        new = plan.new
        for row in rows:
            values = row_metrics(row)
            old = existing.get(row.post_id) if existing else None
            if old is None:
                month, half = month_half(row.published_at, fallback)
                new.append((row, month))
                group = fresh.get((month, half, row.content_type))
                if group is None:
                    group = fresh[(month, half, row.content_type)] = []
                group.append(values)
                continue
            change = _compare(old, row)
            months.add((unit_id, change.month))
            if change.pk == 0:
                self.counts.unchanged += 1
                continue
            old_values: Metrics = tuple(old[m] for m in METRICS)  # type: ignore[assignment]
            old_month, old_half = month_half(old["published_at"], old["month"])
            add((unit_id, old["month"], old_half, platform, old["content_type"]), old_values, -1)
            _month, half = month_half(change.published_at, old["month"])
            add((unit_id, change.month, half, platform, row.content_type), values, +1)
            if (old_month, old_half) != (change.month, half):
                active(channel_id, old_month, old_half, -1)
                active(channel_id, change.month, half, +1)
            plan.changed.append(change)
        for (month, half, content_type), group in fresh.items():
            self.deltas.add_new((unit_id, month, half, platform, content_type), group)
            active(channel_id, month, half, len(group))
            months.add((unit_id, month))
        self.counts.posts_created += len(plan.new)
        self.counts.posts_updated += len(plan.changed)
        self.counts.accepted += len(rows)
        return plan


def _compare(old: dict[str, Any], row: Row) -> Changed:
    """The post's values after ``row``; ``pk`` 0 when nothing changes."""
    published = row.published_at or old["published_at"]
    month, _half = month_half(published, old["month"])
    change = Changed(
        pk=old["id"],
        row=row,
        month=month,
        published_at=published,
        permalink=row.permalink or old["permalink"],
        caption=row.caption or old["caption"],
    )
    same = (
        all(old[m] == v for m, v in zip(METRICS, row_metrics(row), strict=True))
        and old["content_type"] == row.content_type
        and old["month"] == month
        and old["published_at"] == published
        and old["permalink"] == change.permalink
        and old["caption"] == change.caption
    )
    if same:
        change.pk = 0
    return change


def _duplicate(first_line: int) -> str:
    return _("Bài viết này đã có ở dòng %(line)s của cùng file; dòng này bị bỏ qua.") % {
        "line": first_line
    }
