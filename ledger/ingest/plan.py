"""The plan of a batch: pure, no database.

Rows (from a file's parser, the API, a connector) become what the writer writes and what
the aggregate adds: each row's month and half-month, the duplicates within the batch,
which posts are new, changed or unchanged, and the aggregate's deltas summed per key.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from ledger.formats import Row
from ledger.models import METRICS, SubtreeStat, UnitMonthStat

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

    @property
    def by_key(self) -> dict[StatKey, dict[str, int]]:
        """The deltas of ``UnitMonthStat``: the halves of each month summed."""
        out: dict[StatKey, list[int]] = {}
        for (unit_id, month, _half, platform, ctype), values in self.sums.items():
            add_into(out, (unit_id, month, platform, ctype), values)
        return {k: dict(zip(UnitMonthStat.SUMS, v, strict=True)) for k, v in out.items()}
