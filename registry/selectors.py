"""Reads of the channel registry: what a signed-in user may see, and the public lookup."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, QuerySet

from core.permissions import home_unit
from core.text import fold
from registry.models import Channel
from units.models import Unit
from units.selectors import subtree, subtree_q


def channels_visible_to(user: Any) -> QuerySet[Channel]:
    """Channels of the user's unit subtree (every status); nothing for anyone else."""
    if getattr(user, "is_superuser", False) and getattr(user, "is_active", False):
        return Channel.objects.select_related("unit")
    unit = home_unit(user)
    if unit is None:
        return Channel.objects.none()
    return Channel.objects.select_related("unit").filter(subtree_q(unit))


def units_seen_by(user: Any) -> QuerySet[Unit]:
    """The user's subtree (every unit for the installation's operator)."""
    from units.selectors import units_visible_to

    if getattr(user, "is_superuser", False) and getattr(user, "is_active", False):
        return Unit.objects.all()
    return units_visible_to(user)


def units_for_registration(user: Any) -> QuerySet[Unit]:
    """Units where ``user`` may register a channel (editor over their subtree)."""
    from core.permissions import Role, has_role

    if getattr(user, "is_superuser", False) and getattr(user, "is_active", False):
        return Unit.objects.all()
    unit = home_unit(user)
    if unit is None or not has_role(user, unit, Role.EDITOR):
        return Unit.objects.none()
    return subtree(unit)


# --- the public lookup (registry.lookup; re-exported for the views, API and commands) -------

from registry.lookup import (  # noqa: E402
    FAKE_PLATFORM,
    INVALID,
    LOOKALIKE,
    NAME_MATCHES,
    NOT_FOUND,
    OFFICIAL,
    PENDING,
    LookupResult,
    lookup,
    lookup_json,
)

__all__ = [
    "FAKE_PLATFORM",
    "INVALID",
    "LOOKALIKE",
    "NAME_MATCHES",
    "NOT_FOUND",
    "OFFICIAL",
    "PENDING",
    "LookupResult",
    "lookup",
    "lookup_json",
]


# --- public directory, open data and feed ------------------------------------------------------


def active_channels() -> QuerySet[Channel]:
    return Channel.objects.exclude(status=Channel.Status.RETIRED).select_related("unit")


def directory_search(query: str, *, limit: int = 200) -> list[Channel]:
    """Channels (not retired) whose name, identifier or unit name contains ``query``,
    ignoring case and accents: "co to" finds "Đặc khu Cô Tô"."""
    words = fold(query).split()
    if not words:
        return []
    qs = active_channels()
    for word in words[:8]:
        qs = qs.filter(search_text__contains=word)
    return list(qs.order_by("unit__path", "platform", "identifier")[:limit])


@dataclass
class DirectoryNode:
    unit: Unit
    channels: int


def directory_roots() -> list[DirectoryNode]:
    """Top-level units (provinces, cities) with their count of channels."""
    roots = list(Unit.objects.filter(parent__isnull=True).order_by("name"))
    return _with_counts(roots, None)


def directory_children(unit: Unit) -> list[DirectoryNode]:
    children = list(Unit.objects.filter(parent=unit).order_by("kind", "name"))
    return _with_counts(children, unit)


def _with_counts(units: list[Unit], parent: Unit | None) -> list[DirectoryNode]:
    qs = Channel.objects.exclude(status=Channel.Status.RETIRED)
    if parent is not None:
        qs = qs.filter(subtree_q(parent))
    counts: dict[str, int] = {}
    prefix_len = len(parent.path) if parent else 0
    for path, n in qs.values_list("unit__path").annotate(n=Count("id")).order_by():
        code = path[prefix_len:].split("/", 1)[0]
        counts[code] = counts.get(code, 0) + n
    return [DirectoryNode(u, counts.get(u.code, 0)) for u in units]


def unit_channels(unit: Unit) -> list[Channel]:
    return list(active_channels().filter(unit=unit).order_by("platform", "identifier"))


def unit_by_code_public(code: str) -> Unit | None:
    return Unit.objects.filter(code=code).first()


def ancestors(unit: Unit) -> list[Unit]:
    return list(Unit.objects.filter(code__in=unit.ancestor_codes()).order_by("path"))


OPEN_DATA_FIELDS = (
    "id",
    "platform",
    "identifier",
    "url",
    "display_name",
    "status",
    "registered_at",
    "verified_at",
    "retired_at",
    "unit_code",
    "unit_name",
    "unit_path",
)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def open_data_rows() -> Iterator[dict[str, Any]]:
    """Every registered channel, retired ones included, in the open-data schema
    (docs/open-data.md). Ordered by id, so a file diff shows what changed."""
    rows = Channel.objects.order_by("id").values_list(
        "id",
        "platform",
        "identifier",
        "url",
        "display_name",
        "status",
        "created_at",
        "verified_at",
        "retired_at",
        "unit__code",
        "unit__name",
        "unit__path",
    )
    for row in rows.iterator(chunk_size=2000):
        record = dict(zip(OPEN_DATA_FIELDS, row, strict=True))
        for key in ("registered_at", "verified_at", "retired_at"):
            record[key] = _iso(record[key])  # type: ignore[arg-type]
        yield record


@dataclass
class FeedEvent:
    kind: str  # "register", "verify", "retire"
    when: datetime
    channel: Channel


def feed_events(*, limit: int = 50) -> list[FeedEvent]:
    """The latest registrations, verifications and retirements (three indexed reads)."""
    base = Channel.objects.select_related("unit")
    events = [FeedEvent("register", c.created_at, c) for c in base.order_by("-created_at")[:limit]]
    events += [
        FeedEvent("verify", c.verified_at, c)  # type: ignore[arg-type]
        for c in base.filter(verified_at__isnull=False).order_by("-verified_at")[:limit]
    ]
    events += [
        FeedEvent("retire", c.retired_at, c)  # type: ignore[arg-type]
        for c in base.filter(retired_at__isnull=False).order_by("-retired_at")[:limit]
    ]
    events.sort(key=lambda e: (e.when, e.channel.pk, e.kind), reverse=True)
    return events[:limit]


def channel_counts() -> dict[str, int]:
    rows = Channel.objects.values("status").annotate(n=Count("id")).order_by()
    return {row["status"]: row["n"] for row in rows}
