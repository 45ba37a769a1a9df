"""Reads of the channel registry: what a signed-in user may see, and the public lookup."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from django.db.models import Count, QuerySet

from core.permissions import home_unit
from core.text import fold
from registry import index
from registry.index import BARE_FORMS, ChannelInfo
from registry.models import Channel
from registry.normalize import BareHandle, Canonical, NotAChannel, parse_query
from units.models import Unit
from units.selectors import subtree, subtree_q

SIMILAR_LIMIT = 5


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


# --- the public lookup -------------------------------------------------------------------------

OFFICIAL = "official"
PENDING = "pending"
LOOKALIKE = "lookalike"
NOT_FOUND = "not_found"
INVALID = "invalid"  # never in the JSON: the API answers 400 and the page shows the message


@dataclass
class LookupResult:
    status: str
    query: str
    channel: ChannelInfo | None = None
    similar: list[ChannelInfo] = field(default_factory=list)
    error: str = ""
    error_code: str = ""
    bare: bool = False  # the query was a bare @handle or name, not a link
    canonical: Canonical | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "channel": self.channel.channel_json() if self.channel else None,
            "unit": self.channel.unit_json() if self.channel else None,
            "similar": [{"channel": s.channel_json(), "unit": s.unit_json()} for s in self.similar],
        }


def _status_of(info: ChannelInfo) -> str:
    if info.status == Channel.Status.VERIFIED:
        return OFFICIAL
    if info.status == Channel.Status.PENDING:
        return PENDING
    return NOT_FOUND  # retired: no longer official


def _rank(infos: list[ChannelInfo]) -> list[ChannelInfo]:
    """Verified before pending, keeping the given order otherwise; no duplicates."""
    seen: set[int] = set()
    unique = []
    for info in infos:
        if info.id not in seen and info.status != Channel.Status.RETIRED:
            seen.add(info.id)
            unique.append(info)
    return sorted(unique, key=lambda i: i.status != Channel.Status.VERIFIED)


def _website_parent(snap: index.Snapshot, host: str) -> ChannelInfo | None:
    """A subdomain of a registered site is run by the same owner (dichvucong.x.gov.vn)."""
    labels = host.split(".")
    for start in range(1, len(labels) - 1):
        info = snap.by_key.get(("website", ".".join(labels[start:])))
        if info is not None and info.status != Channel.Status.RETIRED:
            return info
    return None


def lookup(query: str) -> LookupResult:
    """Is ``query`` (a link, a domain, an @handle or a page name) an official channel?"""
    return _lookup(query)[0]


def lookup_json(query: str) -> tuple[int, bytes]:
    """HTTP status and JSON body of ``GET /api/registry/lookup`` (the LookupOut schema, or
    ``{"detail": {"q": message}}`` with 400 for input that cannot designate a channel)."""
    result, body = _lookup(query)
    if result.status == INVALID:
        return 400, _dumps({"detail": {"q": result.error}})
    return 200, body


def _dumps(data: object) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


def _lookup(query: str) -> tuple[LookupResult, bytes]:
    text = query if isinstance(query, str) else ""
    try:
        parsed = parse_query(text)
    except NotAChannel as exc:
        return LookupResult(INVALID, text, error=exc.message, error_code=exc.code), b""
    snap = index.get()
    # The answer depends only on the normalised query and the snapshot (one registry version).
    key = parsed.key if isinstance(parsed, Canonical) else ("", parsed.text)
    cached = snap.results.get(key)
    if cached is None:
        result = _answer(snap, parsed)
        cached = (result, _dumps(result.as_json()))
        snap.results.put(key, cached)
    result, body = cached
    canonical = parsed if isinstance(parsed, Canonical) else None
    return replace(result, query=text, canonical=canonical), body


def _answer(snap: index.Snapshot, parsed: Canonical | BareHandle) -> LookupResult:
    text = ""  # set by the caller: the same answer serves every spelling of the query
    find = snap.lookalikes.find
    by_id = snap.by_id
    if isinstance(parsed, Canonical):
        result = LookupResult(NOT_FOUND, text, canonical=parsed)
        info = snap.by_key.get(parsed.key) or snap.by_external.get(parsed.key)
        if info is None and parsed.platform == "website":
            info = _website_parent(snap, parsed.identifier)
        if info is not None:
            result.status = _status_of(info)
            result.channel = info
            if result.status != NOT_FOUND:
                return result
        # Not registered (or retired): does it resemble a registered channel?
        similar = [by_id[k] for k in find(parsed.platform, parsed.identifier, limit=SIMILAR_LIMIT)]  # type: ignore[index]
        bare_handle = parsed.identifier.lstrip("@")
        for platform, prefix in BARE_FORMS:  # the same handle on another platform
            other = snap.by_key.get((platform, prefix + bare_handle))
            if other is not None and other.platform != parsed.platform:
                similar.append(other)
        if not similar:
            similar = [by_id[k] for k in find(None, parsed.identifier, limit=SIMILAR_LIMIT)]  # type: ignore[index]
        result.similar = _rank(similar)[:SIMILAR_LIMIT]
        if result.similar and result.channel is None:
            result.status = LOOKALIKE
        return result

    assert isinstance(parsed, BareHandle)
    handle = parsed.text
    result = LookupResult(NOT_FOUND, text, bare=True)
    exact: list[ChannelInfo] = []
    if " " not in handle:
        for platform, prefix in BARE_FORMS:
            for table in (snap.by_key, snap.by_external):
                info = table.get((platform, prefix + handle))
                if info is not None:
                    exact.append(info)
    name = index.name_key(handle)
    if name:
        exact.extend(snap.by_name.get(name, ()))
    exact = _rank(exact)
    if exact:
        result.channel = exact[0]
        result.status = _status_of(exact[0])
        result.similar = exact[1 : SIMILAR_LIMIT + 1]
        return result
    keys = find(None, handle, display_name=handle, limit=SIMILAR_LIMIT)
    result.similar = _rank([by_id[k] for k in keys])  # type: ignore[index]
    if result.similar:
        result.status = LOOKALIKE
    return result


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
