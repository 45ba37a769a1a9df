"""The daily sync through real HTTP to the local fakes, for every platform."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.core import mail

from connectors import crypto, sync
from connectors.models import Connection, FollowerCount, SyncRun
from connectors.tests.conftest import PLATFORMS, connect
from core.models import AuditEvent
from ledger.models import ImportBatch, MetricSnapshot, Post, UnitMonthStat

pytestmark = pytest.mark.django_db


def _one(channel: Any) -> sync.ChannelResult:
    results = sync.run(channels=[channel])
    assert len(results) == 1
    return results[0]


@pytest.mark.parametrize("platform", PLATFORMS)
def test_first_sync_second_sync_and_changed_figures(world: Any, fakes: Any, platform: str) -> None:
    c = connect(fakes, world.commune_a, platform, posts=23)  # more than one page everywhere
    first = _one(c.channel)
    assert first.status == "ok", first.errors
    assert (first.posts_created, first.posts_updated, first.unchanged) == (23, 0, 0)
    assert first.requests >= 2
    assert Post.objects.filter(channel=c.channel).count() == 23
    batch = ImportBatch.objects.get(channel=c.channel)
    assert batch.format == "api" and batch.accepted == 23
    post = Post.objects.get(channel=c.channel, post_id=c.account.posts[0].id)
    assert post.views == (c.account.posts[0].views if platform != "zalo" or True else None)
    assert UnitMonthStat.objects.filter(unit=world.commune_a, platform=platform).exists()
    assert FollowerCount.objects.get(channel=c.channel).followers == c.account.followers
    connection = Connection.objects.get(channel=c.channel)
    assert connection.last_success_at is not None and connection.last_error == ""

    second = _one(c.channel)
    assert (second.posts_created, second.posts_updated, second.unchanged) == (0, 0, 23)
    assert MetricSnapshot.objects.filter(post__channel=c.channel).count() == 23

    for fake in c.account.posts[:2]:
        fake.views += 1000
        fake.reactions += 7
        fake.shares += 1
    third = _one(c.channel)
    assert (third.posts_created, third.posts_updated, third.unchanged) == (0, 2, 21)
    changed = Post.objects.get(channel=c.channel, post_id=c.account.posts[0].id)
    assert changed.views == c.account.posts[0].views
    # The earlier figures stay as history: two snapshots for each changed post.
    assert MetricSnapshot.objects.filter(post=changed).count() == 2
    assert MetricSnapshot.objects.filter(post__channel=c.channel).count() == 25
    assert SyncRun.objects.filter(channel=c.channel).count() == 3


@pytest.mark.parametrize("platform", PLATFORMS)
def test_token_refresh(world: Any, fakes: Any, platform: str) -> None:
    c = connect(fakes, world.commune_a, platform)
    connection = Connection.objects.get(channel=c.channel)
    if platform in ("facebook", "instagram"):
        # Meta's long-lived tokens are exchanged for new ones a week before they expire.
        from datetime import timedelta

        from django.utils import timezone

        connection.access_expires_at = timezone.now() + timedelta(days=2)
        connection.save()
    else:
        fakes.world.expire(c.access)  # the platform now refuses it: refresh, then go on
    result = _one(c.channel)
    assert result.status == "ok", result.errors
    connection.refresh_from_db()
    assert crypto.decrypt(connection.access_token) != c.access
    assert connection.status == "active"
    assert AuditEvent.objects.filter(action="connectors.token_refresh").count() == 1
    # And the new token works on the next day's run.
    assert _one(c.channel).status == "ok"


@pytest.mark.parametrize("platform", PLATFORMS)
def test_expired_refresh_token_needs_reconnect_and_others_go_on(
    world: Any, fakes: Any, platform: str
) -> None:
    editor = world.users_a["editor"]
    editor.email = "bientap@coto.example"
    editor.save()
    c = connect(fakes, world.commune_a, platform)
    other = connect(fakes, world.commune_a, "zalo" if platform != "zalo" else "tiktok", n=2)
    fakes.world.expire(c.access)
    if c.refresh:
        fakes.world.expire(c.refresh)
    results = {r.channel: r for r in sync.run()}
    assert results[c.channel.pk].status == "failed"
    assert results[c.channel.pk].errors[0]["code"] == "reconnect_needed"
    assert results[other.channel.pk].status == "ok"
    connection = Connection.objects.get(channel=c.channel)
    assert connection.status == "reconnect"
    assert "kết nối lại" in connection.last_error
    assert [m.to for m in mail.outbox] == [["bientap@coto.example"]]
    # A connection that needs a person is left out of the next runs until reconnected.
    assert {r.channel for r in sync.run()} == {other.channel.pk}


@pytest.mark.parametrize("platform", PLATFORMS)
def test_429_with_retry_after_is_waited_out(world: Any, fakes: Any, platform: str) -> None:
    c = connect(fakes, world.commune_a, platform)
    c.account.rate_limited = 1
    c.account.retry_after = "1"
    started = time.monotonic()
    result = _one(c.channel)
    assert result.status == "ok", result.errors
    assert time.monotonic() - started >= 0.9
    assert result.posts_created == 12


@pytest.mark.parametrize("platform", PLATFORMS)
def test_429_longer_than_we_wait_fails_that_channel_only(
    world: Any, fakes: Any, platform: str
) -> None:
    c = connect(fakes, world.commune_a, platform)
    other = connect(fakes, world.commune_b, "youtube" if platform != "youtube" else "facebook", n=3)
    c.account.rate_limited = 5
    c.account.retry_after = "3600"
    results = {r.channel: r for r in sync.run()}
    assert results[c.channel.pk].status == "failed"
    assert results[c.channel.pk].errors[0]["code"] == "rate_limited"
    assert results[other.channel.pk].status == "ok"
    assert Connection.objects.get(channel=c.channel).status == "active"  # not the person's job


@pytest.mark.parametrize("platform", PLATFORMS)
def test_a_failing_later_page_is_a_partial_result(world: Any, fakes: Any, platform: str) -> None:
    c = connect(fakes, world.commune_a, platform, posts=25)
    c.account.fail_later_pages = True
    result = _one(c.channel)
    assert result.status == "partial"
    assert result.errors[0]["code"] == "partial"
    assert 0 < result.posts_created < 25
    assert Post.objects.filter(channel=c.channel).count() == result.posts_created


@pytest.mark.parametrize("platform", ["facebook", "instagram"])
def test_deprecated_metric_is_dropped_for_the_run_and_recorded(
    world: Any, fakes: Any, platform: str
) -> None:
    c = connect(fakes, world.commune_a, platform)
    refused = "post_clicks" if platform == "facebook" else "reach"
    fakes.world.refused_metrics.add(refused)
    result = _one(c.channel)
    assert result.status == "partial"
    assert [e["code"] for e in result.errors] == ["metric_refused"]
    assert result.posts_created == 12
    field = "clicks" if platform == "facebook" else "reach"
    assert not Post.objects.filter(channel=c.channel, **{f"{field}__isnull": False}).exists()
    assert not Post.objects.filter(channel=c.channel, views__isnull=True).exists()
    connection = Connection.objects.get(channel=c.channel)
    assert connection.dropped_metrics[0]["metric"] == refused
    batch = ImportBatch.objects.get(channel=c.channel)
    assert any(refused in note for note in batch.notes)


def test_not_connected_channel_is_reported(world: Any, fakes: Any) -> None:
    from registry.tests.factories import make_channel

    channel = make_channel(world.commune_a, "https://www.facebook.com/khongketnoi", verified=True)
    assert _one(channel).status == "not_connected"


def test_meta_usage_above_90_percent_pauses_meta_calls(world: Any, fakes: Any) -> None:
    c = connect(fakes, world.commune_a, "facebook", posts=25)
    fakes.world.meta_usage = 95
    started = time.monotonic()
    assert _one(c.channel).status == "ok"
    # Three pages and the followers call: each call after the first waited the pause.
    assert time.monotonic() - started >= 0.2 * 3


def test_youtube_quota_spent_stops_youtube_for_the_run(
    world: Any, fakes: Any, settings: Any
) -> None:
    settings.BANTIN_CONNECTORS = {
        **settings.BANTIN_CONNECTORS,
        "YOUTUBE_QUOTA": 4,
        "CONCURRENCY": 1,
    }
    first = connect(fakes, world.commune_a, "youtube", n=1)
    second = connect(fakes, world.commune_a, "youtube", n=2)
    results = {r.channel: r for r in sync.run()}
    statuses = sorted(r.status for r in results.values())
    assert statuses == ["failed", "ok"]
    failed = next(r for r in results.values() if r.status == "failed")
    assert failed.errors[0]["code"] == "quota_exhausted"
    assert {first.channel.pk, second.channel.pk} == set(results)


def test_youtube_quota_exceeded_answer_stops_youtube_for_the_run(
    world: Any, fakes: Any, settings: Any
) -> None:
    settings.BANTIN_CONNECTORS = {**settings.BANTIN_CONNECTORS, "CONCURRENCY": 1}
    connect(fakes, world.commune_a, "youtube", n=1)
    connect(fakes, world.commune_a, "youtube", n=2)
    fakes.world.youtube_quota = 2  # the platform says quotaExceeded on the third call
    results = sync.run()
    assert [r.errors[0]["code"] for r in results] == ["quota_exhausted", "quota_exhausted"]
    # The second channel was not even tried: one refused call in all.
    assert sum(r.requests for r in results) == 3


def test_channels_left_out_by_the_quota_go_first_the_next_day(
    world: Any, fakes: Any, settings: Any
) -> None:
    """YouTube's quota covers about a third of a country's channels a day: the ones it left
    out are synced first the next day, so no channel is left out every day."""
    settings.BANTIN_CONNECTORS = {
        **settings.BANTIN_CONNECTORS,
        "YOUTUBE_QUOTA": 4,  # one channel's calls (3 units), not two
        "CONCURRENCY": 1,
    }
    made = [connect(fakes, world.commune_a, "youtube", n=n) for n in (1, 2, 3)]
    synced: list[int] = []
    for _day in range(3):
        ok = [r.channel for r in sync.run() if r.status == "ok"]
        assert len(ok) == 1
        synced += ok
    assert sorted(synced) == sorted(c.channel.pk for c in made)
