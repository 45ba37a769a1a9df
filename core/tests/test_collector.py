"""The collector's settings of a process that works through big batches (decision 0018)."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from core import collector


@pytest.fixture
def collector_restored() -> Iterator[None]:
    """The test process's own collector back afterwards (settle() is process-wide)."""
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)


def test_settle_freezes_what_is_alive_and_lets_the_young_generation_grow(
    collector_restored: None,
) -> None:
    gc.set_threshold(700, 10, 10)
    kept = [{"loaded": "at start"} for _ in range(100)]
    assert gc.get_freeze_count() == 0
    collector.settle()
    assert gc.get_freeze_count() >= len(kept)
    assert gc.get_threshold() == (collector.YOUNG_THRESHOLD, 10, 10)
    # Frozen objects are in no generation a collection walks.
    assert not any(obj is kept[0] for obj in gc.get_objects())


def test_settle_frees_cyclic_garbage_before_it_freezes(collector_restored: None) -> None:
    class Node:
        pass

    a, b = Node(), Node()
    a.other, b.other = b, a  # type: ignore[attr-defined]
    cycle = weakref.ref(a)
    del a, b
    collector.settle()
    assert cycle() is None  # a frozen cycle would be kept for the process's lifetime


def test_a_larger_threshold_is_kept(collector_restored: None) -> None:
    gc.set_threshold(collector.YOUNG_THRESHOLD * 2, 10, 10)
    collector.settle()
    assert gc.get_threshold()[0] == collector.YOUNG_THRESHOLD * 2


@pytest.mark.parametrize("command", ["import_data", "worker"])
def test_the_commands_settle_when_they_are_the_process_job_only(
    command: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """``manage.py import_data`` / ``manage.py worker`` settle the collector; the same
    command called from other code (``call_command``, the tests) leaves it alone."""
    from django.core.management import call_command, load_command_class

    calls: list[str] = []
    monkeypatch.setattr(collector, "settle", lambda: calls.append("settle"))
    ran: list[Any] = []
    cmd = load_command_class("ledger", command)
    monkeypatch.setattr(type(cmd), "handle", lambda self, *a, **o: ran.append(o))
    missing = str(tmp_path / "none.csv")
    call_command(command, *([missing] if command == "import_data" else []))
    assert calls == [] and len(ran) == 1
    cmd.run_from_argv(["manage.py", command, *([missing] if command == "import_data" else [])])
    assert calls == ["settle"] and len(ran) == 2
