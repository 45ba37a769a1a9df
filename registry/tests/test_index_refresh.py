"""No stalls: the lookup index is rebuilt off the request path and swapped in when ready."""

from __future__ import annotations

import gc
import threading
import time
import weakref
from collections.abc import Iterator
from typing import Any

import pytest
from django.db.models import F
from django.test import Client

from registry import index
from registry.tests.factories import make_channel


@pytest.fixture
def refresher(monkeypatch: Any, settings: Any, tmp_path: Any) -> Iterator[None]:
    monkeypatch.setattr(index, "CHECK_SECONDS", 0.05)
    settings.BANTIN_REGISTRY_INDEX_DIR = tmp_path  # the base the "web processes" share
    settings.BANTIN_LOOKUP_RATE = None  # the tests poll the lookup
    yield
    release = getattr(index, "_release_for_tests", None)
    if release is not None:
        release.set()
    index.stop_background()
    monkeypatch.setattr(index, "_current", None)


def status_of(q: str) -> tuple[str, float]:
    t0 = time.perf_counter()
    body = Client().get("/api/registry/lookup", {"q": q}).json()
    return body["status"], time.perf_counter() - t0


def wait_for(predicate: Any, seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return False


@pytest.mark.django_db(transaction=True)
def test_lookups_answer_from_the_previous_snapshot_while_a_base_is_built(
    world: Any, refresher: None, monkeypatch: Any
) -> None:
    make_channel(world.commune_a, "https://www.facebook.com/ubndcoto", verified=True)
    index.warm()  # what gunicorn does: the first snapshot, then the refresher thread
    assert status_of("facebook.com/ubndcoto")[0] == "official"

    started, release = threading.Event(), threading.Event()
    real_build = index.build

    def slow_build(state: tuple[int, str], *, background: bool = False) -> Any:
        started.set()
        assert release.wait(120)  # a base that takes as long as the test wants
        return real_build(state, background=background)

    monkeypatch.setattr(index, "build", slow_build)
    monkeypatch.setattr(index, "_release_for_tests", release, raising=False)
    monkeypatch.setattr(index, "_needs_base", lambda snap, state: True)  # every round
    monkeypatch.setattr(index, "MAX_AGE_SECONDS", 0.0)  # a shared base is always too old
    builds = index.builds
    assert started.wait(30), "the refresher did not start a rebuild"

    # The rebuild is held in the thread for up to 120 s: a lookup that waited for it would
    # take that long (the machine may be loaded: the bound is loose, not a latency figure).
    for q in ("facebook.com/ubndcoto", "facebook.com/ubndc0to", "Cô Tô"):
        status, took = status_of(q)
        assert took < 30, (q, took)
    assert status_of("facebook.com/ubndcoto")[0] == "official"
    # a write is applied over the previous base at once, without waiting for the new one
    make_channel(world.commune_b, "https://halong.quangninh.gov.vn/", verified=True)
    assert wait_for(lambda: status_of("halong.quangninh.gov.vn")[0] == "official", 30.0)
    assert not release.is_set() and index.builds == builds  # the base is still being built

    release.set()
    assert wait_for(lambda: index.builds > builds, 60.0), "the new base was never swapped in"
    assert status_of("halong.quangninh.gov.vn")[0] == "official"


@pytest.mark.django_db(transaction=True)
def test_another_process_write_is_seen_within_the_check_interval(
    world: Any, refresher: None
) -> None:
    from registry.models import Channel, RegistryVersion

    channel = make_channel(world.commune_b, "https://halong.quangninh.gov.vn/")
    index.warm()
    assert status_of("halong.quangninh.gov.vn")[0] == "pending"
    # what another web process's service does: bump the version, stamp the row
    RegistryVersion.objects.filter(pk=1).update(version=F("version") + 1)
    version = RegistryVersion.objects.get(pk=1).version
    Channel.objects.filter(pk=channel.pk).update(status="verified", change_seq=version)
    builds = index.builds
    # within CHECK_SECONDS (0.05 s here) plus an overlay refresh; loose on a loaded machine
    assert wait_for(lambda: status_of("halong.quangninh.gov.vn")[0] == "official", 20.0)
    assert index.builds == builds  # an overlay refresh, not a full rebuild


def as_another_process() -> None:
    """What a second gunicorn worker starting now does: no snapshot yet, then warm()."""
    index.stop_background()
    index._current = None
    index.warm()


@pytest.mark.django_db(transaction=True)
def test_the_web_processes_build_one_base_and_the_others_load_it(
    world: Any, refresher: None, monkeypatch: Any
) -> None:
    make_channel(world.commune_a, "https://www.facebook.com/ubndcoto", verified=True)
    builds, loads = index.builds, index.loads
    as_another_process()  # the first worker: builds and shares its base
    assert (index.builds, index.loads) == (builds + 1, loads)
    assert index.shared_path().exists()

    # Written with no refresher polling: SQLite's shared-cache test database refuses a
    # write ("table is locked") while another connection is reading the same table.
    index.stop_background()
    make_channel(world.commune_b, "https://halong.quangninh.gov.vn/", verified=True)
    as_another_process()  # loads the shared base; the later write comes from the overlay
    assert (index.builds, index.loads) == (builds + 1, loads + 1)
    assert status_of("facebook.com/ubndcoto")[0] == "official"
    assert status_of("facebook.com/ubndc0to")[0] == "lookalike"
    assert status_of("halong.quangninh.gov.vn")[0] == "official"
    assert status_of("Cô Tô")[0] == "name_matches"

    # a base older than MAX_AGE_SECONDS is not loaded: a unit renamed since must show
    monkeypatch.setattr(index, "MAX_AGE_SECONDS", 0.0)
    as_another_process()
    assert (index.builds, index.loads) == (builds + 2, loads + 1)


@pytest.mark.django_db(transaction=True)
def test_a_base_of_another_database_is_never_loaded(world: Any, refresher: None) -> None:
    from registry.models import RegistryVersion

    make_channel(world.commune_a, "https://www.facebook.com/ubndcoto", verified=True)
    as_another_process()
    assert index.shared_path().exists()
    index.stop_background()  # as above: no read of the table while it is written
    RegistryVersion.objects.filter(pk=1).update(epoch="restored")
    builds, loads = index.builds, index.loads
    as_another_process()
    assert (index.builds, index.loads) == (builds + 1, loads)
    assert status_of("facebook.com/ubndcoto")[0] == "official"


@pytest.mark.django_db(transaction=True)
def test_while_another_process_builds_the_base_this_one_waits_for_its_file(
    world: Any, refresher: None, monkeypatch: Any
) -> None:
    import fcntl

    make_channel(world.commune_a, "https://www.facebook.com/ubndcoto", verified=True)
    as_another_process()
    path = index.shared_path()
    with (path.parent / "build.lock").open("a+b") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another worker is building
        builds = index.builds
        monkeypatch.setattr(index, "_needs_base", lambda snap, state: True)  # every round
        monkeypatch.setattr(index, "MAX_AGE_SECONDS", 0.0)  # and the shared one is too old
        time.sleep(0.5)  # ten rounds of the refresher
        assert index.builds == builds  # it did not build one of its own meanwhile
        assert status_of("facebook.com/ubndcoto")[0] == "official"  # nor stopped answering
        fcntl.flock(lock, fcntl.LOCK_UN)
    assert wait_for(lambda: index.builds > builds, 30.0)


@pytest.mark.django_db(transaction=True)
def test_changes_behind_the_services_back_are_seen_within_max_age_without_a_new_base(
    world: Any, refresher: None, monkeypatch: Any
) -> None:
    from registry.models import Channel
    from units.models import Unit

    coto = make_channel(world.commune_a, "https://www.facebook.com/ubndcoto", verified=True)
    gone = make_channel(world.commune_b, "https://halong.quangninh.gov.vn/", verified=True)
    as_another_process()
    assert status_of("halong.quangninh.gov.vn")[0] == "official"
    builds, resyncs = index.builds, index.resyncs
    # another app renames the unit, a channel is retired and another deleted by hand: no
    # registry version bump, no change_seq
    Unit.objects.filter(pk=world.commune_a.pk).update(name="Đặc khu Bạch Long Vĩ")
    Channel.objects.filter(pk=coto.pk).update(status="retired")
    Channel.objects.filter(pk=gone.pk).delete()
    monkeypatch.setattr(index, "MAX_AGE_SECONDS", 0.2)
    assert wait_for(lambda: status_of("halong.quangninh.gov.vn")[0] == "not_found", 20.0)
    assert wait_for(lambda: status_of("facebook.com/ubndcoto")[0] == "not_found", 20.0)
    assert index.resyncs > resyncs and index.builds == builds  # compared, not rebuilt
    Channel.objects.filter(pk=coto.pk).update(status="verified")
    assert wait_for(lambda: status_of("facebook.com/ubndcoto")[0] == "official", 20.0)
    body = Client().get("/api/registry/lookup", {"q": "facebook.com/ubndcoto"}).json()
    assert body["unit"]["name"] == "Đặc khu Bạch Long Vĩ"


def tracked(obj: object) -> bool:
    """Whether the garbage collector's walks reach ``obj`` (not frozen by gc.freeze())."""
    return any(o is obj for o in gc.get_objects())


@pytest.mark.django_db(transaction=True)
def test_a_web_process_keeps_its_base_out_of_the_collectors_walks(
    world: Any, refresher: None, monkeypatch: Any
) -> None:
    make_channel(world.commune_a, "https://www.facebook.com/ubndcoto", verified=True)
    as_another_process()
    first = index._current
    assert first is not None
    assert not tracked(first.base.by_id) and not tracked(first.base.lookalikes)
    gone = weakref.ref(first.base)

    # a new base: frozen in its turn; the one it replaces holds no cycle, so reference
    # counting frees it although the collector never walks it (a frozen cycle would stay)
    monkeypatch.setattr(index, "MAX_AGE_SECONDS", 0.0)
    as_another_process()
    second = index._current
    assert second is not None and second.base is not first.base
    assert not tracked(second.base.by_id)
    del first
    assert wait_for(lambda: gone() is None, 10.0), "the replaced base was never freed"

    # tests and commands (no warm()): nothing stays frozen, bases are collected as usual
    index.stop_background()
    assert gc.get_freeze_count() == 0 and tracked(second.base.by_id)
