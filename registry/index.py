"""The in-memory lookup index: one per process, rebuilt only when the registry changed.

A lookup reads ``RegistryVersion.version`` (one primary-key read, at most once per
``CHECK_SECONDS`` per process, so a warm lookup usually runs no query at all); the index is
rebuilt when that number moved, when a service in this process marked it stale, or after
``MAX_AGE_SECONDS`` (so a unit renamed in another app shows within minutes). Exact hits,
external ids, display names and lookalikes are then all answered from memory.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from registry.lookalike import LookalikeIndex, skeleton

MAX_AGE_SECONDS = 300.0
# Whole lookup answers remembered per snapshot (so per registry version): a link that is going
# round is checked by many people. About 1 kB each.
RESULT_CACHE_SIZE = 4096
# Another process's write is seen within this delay; this process's own writes at once.
CHECK_SECONDS = 1.0

# A bare handle may be any of these identifiers: (platform, prefix added to the handle)
BARE_FORMS: tuple[tuple[str, str], ...] = (
    ("facebook", ""),
    ("instagram", ""),
    ("tiktok", ""),
    ("zalo", ""),
    ("youtube", "@"),
    ("youtube", "c/"),
    ("youtube", "user/"),
    ("website", ""),
    ("other", ""),
)


@dataclass(frozen=True, slots=True)
class ChannelInfo:
    """What the public may know of a registered channel and its unit."""

    id: int
    platform: str
    identifier: str
    url: str
    display_name: str
    status: str
    verified_at: Any  # datetime | None
    retired_at: Any  # datetime | None
    external_id: str
    unit_code: str
    unit_name: str
    unit_path: str

    @property
    def platform_label(self) -> str:
        from registry.models import Channel

        return str(Channel.Platform(self.platform).label)

    @property
    def name(self) -> str:
        return self.display_name or self.identifier

    def channel_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "platform": self.platform,
            "identifier": self.identifier,
            "url": self.url,
            "display_name": self.display_name,
            "status": self.status,
            "verified_at": self.verified_at.isoformat() if self.verified_at else None,
        }

    def unit_json(self) -> dict[str, str]:
        return {"code": self.unit_code, "name": self.unit_name, "path": self.unit_path}


class ResultCache:
    """A small thread-safe LRU map (gunicorn may run threads)."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._data: OrderedDict[object, Any] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._data)

    def get(self, key: object) -> Any:
        with self._lock:
            value = self._data.get(key)
            if value is None:
                self.misses += 1
            else:
                self.hits += 1
                self._data.move_to_end(key)
            return value

    def put(self, key: object, value: Any) -> None:
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self._size:
                self._data.popitem(last=False)


@dataclass
class Snapshot:
    version: int
    built_at: float
    by_key: dict[tuple[str, str], ChannelInfo] = field(default_factory=dict)
    by_external: dict[tuple[str, str], ChannelInfo] = field(default_factory=dict)
    by_id: dict[int, ChannelInfo] = field(default_factory=dict)
    by_name: dict[str, list[ChannelInfo]] = field(default_factory=dict)
    lookalikes: LookalikeIndex = field(default_factory=LookalikeIndex)
    # normalised query -> answer; dies with the snapshot, so never outlives a registry change
    results: ResultCache = field(default_factory=lambda: ResultCache(RESULT_CACHE_SIZE))


_lock = threading.Lock()
_current: Snapshot | None = None
_stale = True
builds = 0  # how many times this process built the index (tests read it)


def mark_stale() -> None:
    global _stale
    _stale = True


_checked_at = 0.0


def db_version() -> int:
    from django.db import connection

    from registry.models import RegistryVersion

    table = connection.ops.quote_name(RegistryVersion._meta.db_table)
    with connection.cursor() as cursor:  # raw: the ORM would cost more than the lookup
        cursor.execute(f"SELECT version FROM {table} WHERE id = 1")  # noqa: S608 - no input
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def get() -> Snapshot:
    """The current index, rebuilt first if the registry changed."""
    global _current, _stale, _checked_at
    snap = _current
    now = time.monotonic()
    fresh = snap is not None and not _stale and now - snap.built_at < MAX_AGE_SECONDS
    if fresh and now - _checked_at < CHECK_SECONDS:
        return snap  # type: ignore[return-value]
    version = db_version()
    _checked_at = now
    if fresh and snap is not None and snap.version == version:
        return snap
    with _lock:
        snap = _current
        if snap is not None and not _stale and snap.version == version:
            if time.monotonic() - snap.built_at < MAX_AGE_SECONDS:
                return snap
        _stale = False
        snap = build(version)
        _current = snap
        return snap


def name_key(display_name: str) -> str:
    folded = skeleton(display_name) if display_name else ""
    return folded if len(folded) >= 4 else ""


def build(version: int) -> Snapshot:
    from registry.models import Channel

    global builds
    builds += 1
    snap = Snapshot(version=version, built_at=time.monotonic())
    rows = Channel.objects.order_by("id").values_list(
        "id",
        "platform",
        "identifier",
        "url",
        "display_name",
        "status",
        "verified_at",
        "retired_at",
        "external_id",
        "unit__code",
        "unit__name",
        "unit__path",
    )
    retired = Channel.Status.RETIRED
    for row in rows.iterator(chunk_size=5000):
        info = ChannelInfo(*row)
        snap.by_key[(info.platform, info.identifier)] = info
        snap.by_id[info.id] = info
        if info.external_id:
            snap.by_external[(info.platform, info.external_id)] = info
        if info.status == retired:
            continue
        key = name_key(info.display_name)
        if key:
            snap.by_name.setdefault(key, []).append(info)
        snap.lookalikes.add(info.id, info.platform, info.identifier, info.display_name)
    # first find() freezes the index; do it now rather than in a request
    snap.lookalikes.find("facebook", "warm-up-probe")
    return snap


def warm() -> None:
    """Build this process's index before it serves requests (gunicorn's post_worker_init),
    so no visitor waits for the build. Failures are logged and left to the first lookup."""
    import logging

    try:
        get()
    except Exception:  # noqa: BLE001 - a cold index is not fatal: the first lookup builds it
        logging.getLogger(__name__).exception("registry index warm-up failed")
