"""Reads of the connectors that depend on who asks, and what the home page and the reports
may show about connections (exposed for ``core`` and ``reports``; they call these)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import connection as db
from django.db.models import (
    BigIntegerField,
    Count,
    DateField,
    Exists,
    Field,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.expressions import RawSQL
from django.utils import timezone

from connectors import platforms
from connectors.models import Connection, FollowerCount, SyncRun
from core.permissions import Role, has_role, home_unit
from registry.models import Channel
from units.models import Unit
from units.selectors import subtree_q

STALE_AFTER = timedelta(days=2)


def _scope_q(user: Any, field: str) -> Q | None:
    if getattr(user, "is_superuser", False) and getattr(user, "is_active", False):
        return Q()
    unit = home_unit(user)
    if unit is None:
        return None
    return subtree_q(unit, field=field)


def channels_visible_to(user: Any) -> QuerySet[Channel]:
    """The verified channels of supported platforms in the user's subtree."""
    q = _scope_q(user, "unit")
    if q is None:
        return Channel.objects.none()
    return (
        Channel.objects.filter(q)
        .filter(status=Channel.Status.VERIFIED)
        .filter(platform__in=platforms.SUPPORTED)
        .select_related("unit", "connection", "connection__connected_by")
    )


def channel_for(user: Any, pk: int) -> Channel | None:
    return channels_visible_to(user).filter(pk=pk).first()


def can_manage(user: Any, channel: Channel) -> bool:
    """Connecting, syncing and disconnecting: an editor or administrator of the unit."""
    return has_role(user, channel.unit, Role.EDITOR)


def recent_runs(channel: Channel, limit: int = 10) -> list[SyncRun]:
    return list(SyncRun.objects.filter(channel=channel).order_by("-started_at", "-id")[:limit])


@dataclass
class Notice:
    channel: Channel
    kind: str  # "reconnect", "failing", "expiring"
    when: datetime | None


def notices_for(user: Any) -> list[Notice]:
    """For the home page of an editor or administrator: the connections of their own unit
    that need a person (reconnect needed, failing, expiring within the warning period)."""
    from connectors.notify import renewal_due_q

    unit = home_unit(user)
    if unit is None or not has_role(user, unit, Role.EDITOR):
        return []
    notices: list[Notice] = []
    connections = Connection.objects.filter(unit=unit).select_related("channel")
    due = set(connections.filter(renewal_due_q()).values_list("pk", flat=True))
    for connection in connections.exclude(status=Connection.Status.DISCONNECTED):
        if connection.status == Connection.Status.RECONNECT:
            notices.append(Notice(connection.channel, "reconnect", connection.last_error_at))
        elif connection.last_error_at and (
            not connection.last_success_at or connection.last_error_at > connection.last_success_at
        ):
            notices.append(Notice(connection.channel, "failing", connection.last_error_at))
        elif connection.pk in due:
            notices.append(
                Notice(
                    connection.channel,
                    "expiring",
                    connection.refresh_expires_at or connection.access_expires_at,
                )
            )
    return notices


# Where a channel's figures came from, as the reports name them.
SOURCE_CONNECTOR, SOURCE_FILE, SOURCE_API, SOURCE_DEMO = "connector", "file", "api", "demo"


@dataclass
class Freshness:
    channel: Channel
    source: str  # "api" (connected) or "import" (uploaded exports, the JSON API, forms)
    refreshed_at: datetime | None
    stale: bool
    # The batches' sources since the period began ("connector", "file", "api", "demo");
    # a connected channel's always include "connector".
    kinds: tuple[str, ...] = ()
    followers_start: int | None = None  # the first count in the period
    followers_end: int | None = None  # the last count in the period


def _other_formats() -> list[str]:
    """Every batch format but the API's: named, so that the index on (channel, format,
    finished_at) seeks each instead of reading a connected channel's daily batches."""
    from ledger.formats import FORMATS
    from ledger.models import FORMAT_LABELS

    return sorted(({f.NAME for f in FORMATS} | set(FORMAT_LABELS)) - {SOURCE_API})


def _kind(fmt: str) -> str:
    if fmt in (SOURCE_API, SOURCE_DEMO):
        return fmt
    return SOURCE_FILE


def freshness(
    unit: Unit,
    period: Any = None,
    *,
    now: datetime | None = None,
    limit: int | None = None,
) -> list[Freshness]:
    """For the reports: each verified channel of the unit's subtree, where its figures come
    from (a connection, or uploaded batches), when they were last refreshed, and whether
    that is older than two days (stale). With a ``period`` (``start``/``end`` dates): the
    sources of the batches since it began (a batch before it holds none of its posts) and
    the channel's followers at its start and end. ``limit``: the first channels only (by
    unit, platform), for a document that cannot list a country's channels."""
    from ledger.models import ImportBatch

    now = now or timezone.now()
    channels_qs = (
        Channel.objects.filter(subtree_q(unit))
        .filter(status=Channel.Status.VERIFIED)
        .select_related("unit")
        .order_by("unit__path", "platform", "identifier", "pk")
    )
    channels = list(channels_qs[:limit] if limit is not None else channels_qs)
    ids = [c.pk for c in channels]
    connections = {
        c.channel_id: c
        for c in Connection.objects.filter(channel_id__in=ids).exclude(
            status=Connection.Status.DISCONNECTED
        )
    }
    # A connected channel's daily batches are many (one a day): they are never scanned. Its
    # freshness is its last successful sync; its other sources are the batches of another
    # format. Only the other channels' batches of format "api" are the JSON API's.
    others = [pk for pk in ids if pk not in connections]
    done = ImportBatch.objects.filter(status=ImportBatch.Status.DONE)
    imported = dict(
        done.filter(channel_id__in=others)
        .values("channel_id")
        .annotate(last=Max("finished_at"))
        .values_list("channel_id", "last")
    )
    kinds: dict[int, set[str]] = {}
    followers: dict[int, tuple[int | None, int | None]] = {}
    if period is not None:
        since = done.filter(
            finished_at__gte=datetime.combine(
                period.start, time.min, tzinfo=timezone.get_current_timezone()
            )
        )
        rows = [
            *since.filter(channel_id__in=ids, format__in=_other_formats())
            .values_list("channel_id", "format")
            .order_by()  # the model's ordering would join the DISTINCT
            .distinct(),
            *since.filter(channel_id__in=others, format=SOURCE_API)
            .values_list("channel_id", "format")
            .order_by()  # the model's ordering would join the DISTINCT
            .distinct(),
        ]
        for channel_id, fmt in rows:
            kinds.setdefault(channel_id, set()).add(_kind(fmt))
        followers = followers_at_ends(ids, since=period.start, until=period.end)
    out = []
    for channel in channels:
        connection = connections.get(channel.pk)
        found = kinds.get(channel.pk, set())
        if connection is not None:
            source, when = "api", connection.last_success_at
            found.add(SOURCE_CONNECTOR)
        else:
            source, when = "import", imported.get(channel.pk)
        first, last = followers.get(channel.pk, (None, None))
        out.append(
            Freshness(
                channel,
                source,
                when,
                when is None or now - when > STALE_AFTER,
                kinds=tuple(k for k in KIND_ORDER if k in found),
                followers_start=first,
                followers_end=last,
            )
        )
    return out


KIND_ORDER = (SOURCE_CONNECTOR, SOURCE_FILE, SOURCE_API, SOURCE_DEMO)


def verified_channel_count(unit: Unit) -> int:
    return Channel.objects.filter(subtree_q(unit)).filter(status=Channel.Status.VERIFIED).count()


def followers_at_ends(
    channel_ids: list[int], *, since: date, until: date
) -> dict[int, tuple[int | None, int | None]]:
    """Each channel's first and last follower count between ``since`` and ``until``
    (one indexed look-up each way per channel: the daily counts are never all read)."""
    counts = FollowerCount.objects.filter(
        channel_id=OuterRef("pk"), as_of__gte=since, as_of__lte=until
    )
    rows = (
        Channel.objects.filter(pk__in=channel_ids)
        .annotate(
            first=Subquery(counts.order_by("as_of").values("followers")[:1]),
            last=Subquery(counts.order_by("-as_of").values("followers")[:1]),
        )
        .filter(last__isnull=False)
        .values_list("pk", "first", "last")
    )
    return {pk: (first, last) for pk, first, last in rows}


@dataclass
class FormSource:
    unit: Unit
    platform: str
    months: int  # approved forms of the period
    approved_at: datetime | None


def form_sources(unit: Unit, *, since: date, until: date) -> list[FormSource]:
    """For the reports: the units of the subtree whose figures of the period came (also)
    from approved monthly forms, by platform, and when the latest was approved."""
    from ledger.models import MonthlyForm

    rows = (
        MonthlyForm.objects.filter(subtree_q(unit))
        .filter(status__in=(MonthlyForm.Status.APPROVED, MonthlyForm.Status.LOCKED))
        .filter(month__gte=since.replace(day=1), month__lte=until)
        .values("unit_id", "platform")
        .annotate(months=Count("pk"), last=Max("approved_at"))
        .order_by()
    )
    found = list(rows)
    units = Unit.objects.in_bulk({r["unit_id"] for r in found})
    out = [FormSource(units[r["unit_id"]], r["platform"], r["months"], r["last"]) for r in found]
    return sorted(out, key=lambda f: (f.unit.path, f.platform))


def followers_series(unit: Unit, *, since: date, until: date) -> dict[int, list[tuple[date, int]]]:
    """Followers per channel of the subtree over time: {channel id: [(day, followers)]}."""
    rows = (
        FollowerCount.objects.filter(subtree_q(unit, field="channel__unit"))
        .filter(as_of__gte=since, as_of__lte=until)
        .order_by("channel_id", "as_of")
        .values_list("channel_id", "as_of", "followers")
    )
    series: dict[int, list[tuple[date, int]]] = {}
    for channel_id, as_of, followers in rows:
        series.setdefault(channel_id, []).append((as_of, followers))
    return series


@dataclass(frozen=True)
class ChannelFollowers:
    """A channel's last known follower count on or before each day asked for: ``(followers,
    the day of that count)``, or None before its first count (never invented)."""

    channel: Channel
    counts: tuple[tuple[int, date] | None, ...]


def _last_count(column: str, day: date) -> RawSQL:
    """The channel's (the outer query's row's) last ``followers`` or ``as_of`` on or before
    ``day``: a backward seek on the index of ``FollowerCount (channel, as_of)``. Written as
    SQL: a month's two subqueries built through the ORM cost ~1,5 ms of Python each, ten
    times what the database spends on them."""
    q = db.ops.quote_name
    counts, channels = q(FollowerCount._meta.db_table), q(Channel._meta.db_table)
    field: Field[Any, Any] = BigIntegerField() if column == "followers" else DateField()
    # Names from the models' metadata, quoted; the day is a parameter.
    sql = (
        f"SELECT c.{q(column)} FROM {counts} c "  # noqa: S608
        f"WHERE c.{q('channel_id')} = {channels}.{q('id')} AND c.{q('as_of')} <= %s "
        f"ORDER BY c.{q('as_of')} DESC LIMIT 1"
    )
    return RawSQL(  # noqa: S611
        sql,
        (day,),
        output_field=field,
    )


def _with_counts(unit: Unit, days: Sequence[date]) -> QuerySet[Channel]:
    """The subtree's verified channels that have a follower count on or before the last of
    ``days``."""
    return (
        Channel.objects.filter(subtree_q(unit))
        .filter(status=Channel.Status.VERIFIED)
        .filter(
            Exists(FollowerCount.objects.filter(channel_id=OuterRef("pk"), as_of__lte=max(days)))
        )
    )


def followers_on(unit: Unit, days: Sequence[date]) -> list[ChannelFollowers]:
    """Each verified channel of the unit's subtree that has a follower count, with its last
    count on or before each of ``days`` (a month's end: the count carried forward to a
    month without one) and the day of that count. One query: two index seeks on
    ``FollowerCount (channel, as_of)`` per channel and day, however many daily counts
    there are. For a unit's own few channels; a subtree's total is
    :func:`followers_totals`."""
    if not days:
        return []
    annotations: dict[str, Any] = {}
    for i, day in enumerate(days):
        annotations[f"n{i}"] = _last_count("followers", day)
        annotations[f"d{i}"] = _last_count("as_of", day)
    channels = (
        _with_counts(unit, days)
        .annotate(**annotations)
        .order_by("unit__path", "platform", "identifier", "pk")
    )
    out = []
    for channel in channels:
        counts = []
        for i in range(len(days)):
            n, d = getattr(channel, f"n{i}"), getattr(channel, f"d{i}")
            counts.append(None if n is None else (int(n), d))
        out.append(ChannelFollowers(channel, tuple(counts)))
    return out


def followers_totals(unit: Unit, days: Sequence[date]) -> list[tuple[int | None, int]]:
    """The subtree's followers on each of ``days``: the sum over its verified channels of
    each one's last count on or before that day (carried forward; a channel before its first
    count adds nothing), and how many channels that sum counts; ``(None, 0)`` for a day
    before any count. One query, one index seek per channel and day (summed here: summing
    in SQL made PostgreSQL run each seek twice, once for the sum and once for the count)."""
    if not days:
        return []
    names = [f"n{i}" for i in range(len(days))]
    rows = (
        _with_counts(unit, days)
        .annotate(
            **{name: _last_count("followers", day) for name, day in zip(names, days, strict=True)}
        )
        .order_by()
        .values_list(*names)
    )
    sums: list[int] = [0] * len(days)
    known: list[int] = [0] * len(days)
    for row in rows:
        for i, n in enumerate(row):
            if n is not None:
                sums[i] += int(n)
                known[i] += 1
    return [(s if k else None, k) for s, k in zip(sums, known, strict=True)]
