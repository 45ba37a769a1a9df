"""Reads of the connectors that depend on who asks, and what the home page and the reports
may show about connections (exposed for ``core`` and ``reports``; they call these)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Max, Q, QuerySet
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


@dataclass
class Freshness:
    channel: Channel
    source: str  # "api" (connected) or "import" (uploaded exports and forms)
    refreshed_at: datetime | None
    stale: bool


def freshness(unit: Unit, *, now: datetime | None = None) -> list[Freshness]:
    """For the reports: each channel of the unit's subtree, where its figures come from,
    when they were last refreshed, and whether they are older than two days (stale)."""
    from ledger.models import ImportBatch

    now = now or timezone.now()
    channels = list(
        Channel.objects.filter(subtree_q(unit))
        .filter(status=Channel.Status.VERIFIED)
        .select_related("unit")
        .order_by("unit__path", "platform", "identifier")
    )
    connections = {
        c.channel_id: c
        for c in Connection.objects.filter(channel__in=channels).exclude(
            status=Connection.Status.DISCONNECTED
        )
    }
    imported = dict(
        ImportBatch.objects.filter(channel__in=channels, status=ImportBatch.Status.DONE)
        .values("channel_id")
        .annotate(last=Max("finished_at"))
        .values_list("channel_id", "last")
    )
    out = []
    for channel in channels:
        connection = connections.get(channel.pk)
        if connection is not None:
            when = connection.last_success_at
            out.append(Freshness(channel, "api", when, when is None or now - when > STALE_AFTER))
        else:
            when = imported.get(channel.pk)
            out.append(Freshness(channel, "import", when, when is None or now - when > STALE_AFTER))
    return out


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
