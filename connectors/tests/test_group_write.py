"""The sync writes several channels per transaction (``BANTIN_SYNC_GROUP``) with one refresh
of the aggregate, and keeps every per-channel guarantee: each channel its own batch, the
same figures again change nothing, and one channel's failing write sinks no other."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from connectors import sync
from connectors.models import FollowerCount, SyncRun
from connectors.tests.conftest import connect
from ledger.ingest import aggregate, imports
from ledger.models import ImportBatch, Post
from ledger.tests.test_import import assert_stats_match

pytestmark = pytest.mark.django_db
DAY = date(2026, 11, 20)


def _three(fakes: Any, world: Any) -> list[Any]:
    return [
        connect(fakes, world.commune_a, "facebook"),
        connect(fakes, world.commune_a, "zalo"),
        connect(fakes, world.commune_b, "youtube"),
    ]


def test_a_group_of_channels_refreshes_the_aggregate_once(
    world: Any, fakes: Any, settings: Any, monkeypatch: Any
) -> None:
    settings.BANTIN_CONNECTORS = {**settings.BANTIN_CONNECTORS, "GROUP": 10}
    connected = _three(fakes, world)
    refreshes: list[Any] = []
    real = aggregate.apply_import

    def counted(deltas: Any) -> None:
        refreshes.append(deltas)
        real(deltas)

    monkeypatch.setattr(aggregate, "apply_import", counted)
    results = sync.run(channels=[c.channel for c in connected], today=DAY)
    assert [r.status for r in results] == ["ok"] * 3, [r.errors for r in results]
    assert len(refreshes) == 1
    # Each channel its own batch, its run pointing at it, every post accounted for.
    for c, r in zip(connected, results, strict=True):
        assert r.posts_created == Post.objects.filter(channel=c.channel).count() > 0
        run = SyncRun.objects.get(channel=c.channel)
        assert run.batch is not None and run.batch.channel_id == c.channel.pk
        assert run.batch.accepted == run.batch.rows_read == r.posts_created
    assert FollowerCount.objects.filter(as_of=DAY).count() == 3
    assert_stats_match()
    # The same figures the same day again: duplicates, nothing written.
    batches = ImportBatch.objects.count()
    again = sync.run(channels=[c.channel for c in connected], today=DAY)
    assert [(r.status, r.posts_created, r.posts_updated) for r in again] == [("ok", 0, 0)] * 3
    assert ImportBatch.objects.count() == batches
    assert_stats_match()


def test_a_failing_write_in_a_group_does_not_sink_the_others(
    world: Any, fakes: Any, settings: Any, monkeypatch: Any
) -> None:
    settings.BANTIN_CONNECTORS = {**settings.BANTIN_CONNECTORS, "GROUP": 10}
    good_a, bad, good_b = _three(fakes, world)
    real = imports._write_batch

    def failing(acting_user: Any, source: str, rows: Any, channel: Any, *args: Any) -> Any:
        if channel.pk == bad.channel.pk:
            raise RuntimeError("disk full")
        return real(acting_user, source, rows, channel, *args)

    monkeypatch.setattr(imports, "_write_batch", failing)
    results = {
        r.channel: r
        for r in sync.run(channels=[c.channel for c in (good_a, bad, good_b)], today=DAY)
    }
    assert results[bad.channel.pk].status == "failed"
    assert results[bad.channel.pk].errors == [{"code": "internal", "message": "RuntimeError"}]
    for good in (good_a, good_b):
        assert results[good.channel.pk].status == "ok"
        created = results[good.channel.pk].posts_created
        assert Post.objects.filter(channel=good.channel).count() == created > 0
    # The group's transaction was rolled back whole: nothing of the bad channel, and the
    # good ones written once each (again on their own).
    assert not Post.objects.filter(channel=bad.channel).exists()
    assert ImportBatch.objects.count() == 2
    assert_stats_match()
