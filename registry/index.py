"""This process's lookup snapshot (``registry.snapshot``), kept fresh off the request path.

Every registry write bumps ``RegistryVersion.version`` and stamps the channel's
``change_seq`` with the new number (``registry.services``). A snapshot is refreshed in three
ways:

* **overlay refresh** (milliseconds): the channels whose ``change_seq`` is above the base's
  version are read again (an indexed range) and indexed in a small overlay;
* **resync** (about 80 ms at 20,000 channels), every ``MAX_AGE_SECONDS``: every channel's row
  is compared with the base's picture, and the rows that differ (a unit renamed by another
  app, a row changed by hand) stay in the overlay;
* **new base** (over a second at 20,000 channels): every channel is read into a new base, for
  another database (``RegistryVersion.epoch``), or when the overlay would hold more than
  ``OVERLAY_MAX`` channels. The web processes share it (``new_base``): the first to need it
  builds it under a file lock and writes it to ``shared_path()``; the others load that file,
  about a sixth of a build's CPU.

With the **background refresher** running (``start_background()``; gunicorn's
``post_worker_init`` calls ``warm()``, which starts it), a daemon thread polls the version
every ``CHECK_SECONDS`` and does all three (a new base on a thread of its own); a lookup only
reads the current snapshot and never waits: the previous snapshot answers until the next one
is swapped in. Writes are visible to lookups in every process within ``CHECK_SECONDS`` plus
an overlay refresh (see docs/registry-index.md). Without the thread (tests, ``runserver``,
shell commands) the same refreshes run inline in ``get()``, and a new base is built in the
process (never shared).
"""

from __future__ import annotations

import contextlib
import fcntl
import gc
import json
import logging
import os
import pickle
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from registry.snapshot import (
    BARE_FORMS,
    ROW_FIELDS,
    ChannelInfo,
    Layer,
    Snapshot,
    build_layer,
    layer_from_state,
    layer_state,
    name_key,
    row_of,
)

__all__ = ["BARE_FORMS", "ChannelInfo", "Snapshot", "get", "mark_stale", "name_key", "warm"]

log = logging.getLogger(__name__)

MAX_AGE_SECONDS = 300.0
CHECK_SECONDS = 1.0  # another process's write is seen within this (plus an overlay refresh)
OVERLAY_MAX = 2000
# While the background thread builds a base it sleeps this long every few hundred rows, so a
# request thread of the same process gets the interpreter at once instead of after Python's
# 5 ms switch interval, several times per request.
YIELD_SECONDS = 0.0005

_lock = threading.Lock()  # one overlay refresh at a time in this process
_build_lock = threading.Lock()  # one base build at a time
_current: Snapshot | None = None
_stale = True  # a write in this process: refresh at the next chance
_checked_at = 0.0
_wake = threading.Event()
_stop = threading.Event()
_thread: threading.Thread | None = None
_sharing = False  # the base is shared through a file with the other web processes (warm())
_freezing = False  # a web process (warm()): each new base is frozen out of the collector's walks
builds = 0  # full rebuilds in this process (tests and the bench read them)
loads = 0  # bases loaded from the shared file
refreshes = 0  # overlay refreshes
resyncs = 0  # comparisons of every row with the base
SHARED_FORMAT = 1  # the shared file's layout; another value is ignored (rebuilt)


def mark_stale() -> None:
    """A write in this process: refresh before the next lookup (inline), or now (thread)."""
    global _stale
    _stale = True
    _wake.set()


def db_state() -> tuple[int, str]:
    """The registry's version and epoch (one primary-key read)."""
    from django.db import connection

    from registry.models import RegistryVersion

    table = connection.ops.quote_name(RegistryVersion._meta.db_table)
    with connection.cursor() as cursor:  # raw: the ORM would cost more than the lookup
        cursor.execute(f"SELECT version, epoch FROM {table} WHERE id = 1")  # noqa: S608 - no input
        row = cursor.fetchone()
    return (int(row[0]), str(row[1])) if row else (0, "")


def _rows(since: int | None):  # type: ignore[no-untyped-def]
    from registry.models import Channel

    qs = Channel.objects.order_by("id")
    if since is not None:
        qs = qs.filter(change_seq__gt=since)
    return qs.values_list(*ROW_FIELDS).iterator(chunk_size=5000)


def _pause() -> None:
    time.sleep(YIELD_SECONDS)


def build(state: tuple[int, str], *, background: bool = False) -> Snapshot:
    """A new snapshot: every channel in the base, then the rows written meanwhile."""
    global builds
    builds += 1
    version, epoch = state
    base = build_layer(_rows(None), _pause if background else None)
    snap = Snapshot(
        version=version, base_seq=version, built_at=time.monotonic(), base=base, epoch=epoch
    )
    # rows written while the base was read carry a higher change_seq: read them again
    return _with_overlay(snap, db_state())


def _with_overlay(snap: Snapshot, state: tuple[int, str]) -> Snapshot:
    """``snap``'s base under a new overlay: the rows written since the base was read, and the
    rows the last resync found different from the base (unless written again since)."""
    global refreshes
    refreshes += 1
    rows = list(_rows(snap.base_seq))
    if snap.drift:
        written = {row[0] for row in rows}
        rows = [row for row in snap.drift if row[0] not in written] + rows
    return Snapshot(
        version=state[0],
        base_seq=snap.base_seq,
        built_at=snap.built_at,
        base=snap.base,
        overlay=build_layer(rows) if rows else Layer(),
        epoch=snap.epoch,
        synced_at=snap.synced_at,
        drift=snap.drift,
    )


def resync(snap: Snapshot, state: tuple[int, str]) -> Snapshot | None:
    """``snap`` checked against every channel's row: the rows that differ from the base's
    picture (a unit renamed by another app, a row changed by hand; a row deleted by hand
    becomes a retired picture) join the overlay. About a tenth of a base build, and nothing
    to load in the other processes. ``None`` when more than ``OVERLAY_MAX`` rows differ: a
    new base is due."""
    global resyncs
    resyncs += 1
    base = snap.base.by_id
    drift: dict[int, tuple[object, ...]] = {}
    ids = set()
    for row in _rows(None):
        ids.add(row[0])
        info = base.get(row[0])
        if info is None or row_of(info) != row:
            drift[row[0]] = row
        if len(ids) % 2000 == 0:
            _pause()
    for cid, info in base.items():
        if cid not in ids and info.status != "retired":
            drift[cid] = row_of(replace(info, status="retired"))
    if len(drift) > OVERLAY_MAX:
        return None
    synced = replace(snap, synced_at=time.monotonic(), drift=tuple(drift.values()))
    return _with_overlay(synced, state)


def shared_path() -> Path:
    """The base the web processes share (``BANTIN_REGISTRY_INDEX_DIR``, by default
    ``var/registry-index/``): one of them builds it, the others load it."""
    from django.conf import settings

    directory = getattr(settings, "BANTIN_REGISTRY_INDEX_DIR", None)
    if directory is None:
        directory = Path(getattr(settings, "VAR_DIR", tempfile.gettempdir())) / "registry-index"
    return Path(directory) / "base.pickle"


@contextlib.contextmanager
def _file_lock(directory: Path, *, wait: bool) -> Iterator[bool]:
    """Whether this process holds the build lock (one base build at a time on the host)."""
    directory.mkdir(parents=True, exist_ok=True)
    with (directory / "build.lock").open("a+b") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def _load_shared(path: Path, state: tuple[int, str]) -> Snapshot | None:
    """The base another process wrote, with an overlay: when it is of this database, younger
    than ``MAX_AGE_SECONDS`` and leaves at most ``OVERLAY_MAX`` channels to the overlay."""
    global loads
    try:
        with path.open("rb") as f:
            header = json.loads(f.readline())
            if header.get("format") != SHARED_FORMAT or header.get("epoch") != state[1]:
                return None
            base_seq = int(header["base_seq"])
            age = time.time() - float(header["built"])
            if base_seq > state[0] or not 0 <= age < MAX_AGE_SECONDS:
                return None
            if _overlay_count(base_seq) > OVERLAY_MAX:
                return None
            # Loading makes a few hundred thousand lists and dicts: no collections meanwhile
            # (the collector would walk the growing base again and again).
            collecting = gc.isenabled()
            gc.disable()
            try:
                base = layer_from_state(pickle.load(f))  # noqa: S301 - this app's own file
            finally:
                if collecting:
                    gc.enable()
    except FileNotFoundError:
        return None
    except Exception:  # noqa: BLE001 - a torn or foreign file: build instead
        log.exception("registry index: cannot load %s", path)
        return None
    loads += 1
    snap = Snapshot(
        version=base_seq,
        base_seq=base_seq,
        built_at=time.monotonic() - age,
        base=base,
        epoch=state[1],
    )
    return _with_overlay(snap, db_state())


def _write_shared(path: Path, snap: Snapshot) -> None:
    """Write ``snap``'s base for the other processes: a new file renamed over the old one, so
    a reader sees one whole file or the other."""
    built = time.time() - (time.monotonic() - snap.built_at)
    header = {"format": SHARED_FORMAT, "epoch": snap.epoch, "base_seq": snap.base_seq}
    header["built"] = built
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".base-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(json.dumps(header).encode() + b"\n")
            pickle.dump(layer_state(snap.base), f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def new_base(state: tuple[int, str], *, background: bool = False) -> Snapshot | None:
    """A snapshot over a new base. In the web processes (``warm()``) the base is shared: the
    one that finds a new base due first builds it under a file lock and writes it, the others
    load it (about a tenth of a build's CPU) instead of building their own. ``None``: another
    process is building it; keep serving the current snapshot and ask again next round."""
    if not _sharing:
        return build(state, background=background)
    path = shared_path()
    t0, cpu0 = time.perf_counter(), time.thread_time()
    snap = _load_shared(path, state)
    if snap is not None:
        log.info(
            "registry index: base %s loaded in %.2f s (%.2f s of CPU)",
            snap.base_seq,
            time.perf_counter() - t0,
            time.thread_time() - cpu0,
        )
        return snap
    with _file_lock(path.parent, wait=_current is None) as mine:
        if not mine:
            return None
        snap = _load_shared(path, state)  # written while this process waited for the lock
        if snap is not None:
            return snap
        t0, cpu0 = time.perf_counter(), time.thread_time()
        snap = build(state, background=background)
        try:
            _write_shared(path, snap)
        except OSError:
            log.exception("registry index: cannot write %s", path)
        log.info(
            "registry index: base %s built and shared in %.2f s (%.2f s of CPU)",
            snap.base_seq,
            time.perf_counter() - t0,
            time.thread_time() - cpu0,
        )
        return snap


def _overlay_count(base_seq: int) -> int:
    from registry.models import Channel

    return Channel.objects.filter(change_seq__gt=base_seq).count()


def _needs_base(snap: Snapshot | None, state: tuple[int, str]) -> bool:
    # first build, or another database: its versions started again
    return snap is None or snap.epoch != state[1] or state[0] < snap.version


def _needs_sync(snap: Snapshot) -> bool:
    return time.monotonic() - max(snap.built_at, snap.synced_at) >= MAX_AGE_SECONDS


def _swap(snap: Snapshot) -> Snapshot:
    global _current
    new_base = _current is None or _current.base is not snap.base
    _current = snap
    if new_base and _freezing:
        _freeze()
    return snap


def _freeze() -> None:
    """Keep the base out of the cyclic garbage collector's walks (web processes only;
    docs/decisions/0016).

    A base is a few hundred thousand lists, dicts and records that live until the next one;
    every full collection walked them all, holding the interpreter for hundreds of
    milliseconds while a request of the process waited. ``gc.freeze()`` moves everything
    tracked now, the new base included, to the permanent generation, which no collection
    walks. A base holds no reference cycle, so the one it replaces is still freed by
    reference counting (a test checks it). The young generations are collected first, so
    that fresh cyclic garbage is not frozen with it (a frozen cycle is never freed). Not in
    tests and commands (no ``warm()``), which make and drop many snapshots and cycles.
    """
    gc.collect(1)
    gc.freeze()


def refresh(*, background: bool = False, force: bool = False) -> Snapshot:
    """Bring this process's snapshot up to date: an overlay over the current base, or a new
    base when one is due. In the background a base is built by a thread of its own, so the
    refresher goes on laying overlays over the previous base meanwhile (writes stay visible
    within ``CHECK_SECONDS``); inline (no refresher) it is built here."""
    global _stale, _checked_at
    _stale = False
    state = db_state()
    _checked_at = time.monotonic()
    snap = _current
    due = _needs_base(snap, state)
    if not due and snap is not None and (force or state[0] != snap.version):
        due = _overlay_count(snap.base_seq) > OVERLAY_MAX
    if not due and snap is not None and _needs_sync(snap):
        synced = resync(snap, state)
        if synced is None:
            due = True  # too many rows changed behind the services' back: a new base
        else:
            with _lock:
                if _current is None or _current.base is snap.base:
                    return _swap(synced)
                snap = _current  # a new base was swapped in meanwhile: keep it
    if due and snap is not None and (background or _build_lock.locked()):
        _start_builder()  # (or one is under way): meanwhile, an overlay on the current base
    elif due:
        with _build_lock:  # the first snapshot may be under way elsewhere: wait for it
            current = _current
            if current is None or _needs_base(current, state) or current is snap:
                fresh = new_base(state)
                if fresh is None:  # pragma: no cover - only with a snapshot to keep serving
                    raise RuntimeError("registry index: no snapshot")
                return _swap(fresh)
            snap = current
    if snap is None:  # pragma: no cover - built above
        raise RuntimeError("registry index: no snapshot")
    if force or state[0] != snap.version or due:
        with _lock:
            latest = _current
            if latest is not None and latest.base is not snap.base:
                snap = latest  # a new base was swapped in meanwhile: keep it
            return _swap(_with_overlay(snap, state))
    return snap


def _start_builder() -> None:
    """Build a new base in a thread of its own (one at a time) and swap it in when ready."""
    if not _build_lock.acquire(blocking=False):
        return  # one is under way

    def run() -> None:
        from django.db import connection

        try:
            snap = new_base(db_state(), background=True)
            if snap is not None:
                with _lock:
                    _swap(snap)
        except Exception:  # noqa: BLE001 - keep serving the previous base; retry later
            log.exception("registry index build failed")
        finally:
            _build_lock.release()
            connection.close()

    threading.Thread(target=run, name="registry-index-build", daemon=True).start()


def get(*, fresh: bool = False) -> Snapshot:
    """The current snapshot. With the background refresher running, this never waits for
    a refresh (only a process's very first lookup, before any snapshot exists, builds one).
    ``fresh=True`` (the registration services) first applies the writes already committed
    (an overlay refresh: milliseconds, never a wait for a base being built)."""
    snap = _current
    running = _thread is not None and _thread.is_alive()
    if fresh:
        return refresh(force=True, background=running)
    if snap is not None and running:
        return snap
    now = time.monotonic()
    if snap is None or _stale or _needs_sync(snap):
        return refresh()
    if now - _checked_at < CHECK_SECONDS:
        return snap
    return refresh()


def _loop() -> None:
    from django.db import close_old_connections, connection

    while not _stop.is_set():
        _wake.wait(CHECK_SECONDS)
        _wake.clear()
        if _stop.is_set():
            break
        try:
            close_old_connections()
            refresh(background=True)
        except Exception:  # noqa: BLE001 - keep serving the previous snapshot; retry later
            log.exception("registry index refresh failed")
        connection.close()  # this thread's own connection; a new one at the next round


def start_background() -> None:
    """Start this process's refresher thread (once; after a fork, in the child)."""
    global _thread
    with _lock:
        if _thread is not None and _thread.is_alive():
            return
        _stop.clear()
        _wake.clear()
        _thread = threading.Thread(target=_loop, name="registry-index", daemon=True)
        _thread.start()


def stop_background() -> None:
    """Stop the refresher thread (tests); lookups refresh inline again, from a base of their
    own, and the bases are no longer frozen (``_freeze``)."""
    global _thread, _sharing, _freezing
    _sharing = _freezing = False
    thread = _thread
    _stop.set()
    _wake.set()
    if thread is not None:
        thread.join(timeout=30)
    if _build_lock.acquire(timeout=60):  # and the base it may have started building
        _build_lock.release()
    _thread = None
    gc.unfreeze()  # what warm()'s bases froze goes back to the collector


def warm() -> None:
    """Build (or load, ``new_base``) this process's snapshot before it serves requests and
    start the refresher (gunicorn's post_worker_init); from now on each new base is frozen
    out of the garbage collector's walks (``_freeze``). A failure is logged and left to the
    first lookup."""
    global _sharing, _freezing
    _sharing = _freezing = True
    try:
        refresh()
    except Exception:  # noqa: BLE001 - a cold index is not fatal: the first lookup builds it
        log.exception("registry index warm-up failed")
    start_background()
