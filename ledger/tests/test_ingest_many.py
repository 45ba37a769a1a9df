"""``ingest_many``: several channels' rows, each its own batch, in one transaction with one
refresh of the aggregate; all or nothing; the same content again is a duplicate."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from ledger.ingest import imports
from ledger.ingest.upsert import validate_input
from ledger.models import ImportBatch, Post, RowRejection
from ledger.services import PostInput, posts_upsert, posts_upsert_many
from ledger.tests.factories import make_channel
from ledger.tests.test_import import assert_stats_match

pytestmark = pytest.mark.django_db
DAY = date(2026, 3, 10)


def _posts(prefix: str, n: int, reach: int = 100) -> list[PostInput]:
    return [
        PostInput(
            post_id=f"{prefix}{i}",
            content_type="article",
            published_at=datetime(2026, 2, 27, 3, tzinfo=UTC) + timedelta(days=i % 3),
            reach=reach + i,
            views=None if i % 2 else 2 * reach,
            reactions=i,
        )
        for i in range(n)
    ]


def test_each_channel_its_own_batch_and_the_aggregate_agrees(world: Any) -> None:
    fb = make_channel(world.commune_a, "facebook", "a-fb")
    zalo = make_channel(world.commune_b, "zalo", "b-zalo")
    bad = [*_posts("z", 3), PostInput(post_id="bad id", content_type="article")]
    results = posts_upsert_many(
        acting_user=None, items=[(fb, _posts("f", 4), ["một ghi chú"]), (zalo, bad, [])], as_of=DAY
    )
    assert [(r.channel, r.accepted, r.rejected, r.posts_created) for r in results] == [
        (fb.pk, 4, 0, 4),
        (zalo.pk, 3, 1, 3),
    ]
    batches = {b.channel_id: b for b in ImportBatch.objects.all()}
    assert batches[fb.pk].notes == ["một ghi chú"] and batches[zalo.pk].rows_read == 4
    assert RowRejection.objects.get().batch_id == batches[zalo.pk].pk
    assert_stats_match()
    # The same content the same day: each a duplicate of its own batch, nothing written.
    again = posts_upsert_many(
        acting_user=None, items=[(fb, _posts("f", 4), []), (zalo, bad, [])], as_of=DAY
    )
    assert [(r.duplicate, r.batch) for r in again] == [
        (True, batches[fb.pk].pk),
        (True, batches[zalo.pk].pk),
    ]
    assert ImportBatch.objects.count() == 2
    # New figures the next day update the posts; the aggregate follows.
    later = posts_upsert_many(
        acting_user=None, items=[(fb, _posts("f", 4, reach=500), [])], as_of=date(2026, 3, 11)
    )
    assert (later[0].posts_updated, later[0].posts_created) == (4, 0)
    assert_stats_match()


def test_a_group_and_one_by_one_give_the_same_figures(world: Any) -> None:
    """The oracle: the aggregate after a group equals the one after the same batches alone."""
    a = make_channel(world.commune_a, "facebook", "g-a")
    b = make_channel(world.commune_a, "youtube", "g-b")
    posts_upsert_many(acting_user=None, items=[(a, _posts("x", 5), [])], as_of=DAY)
    posts_upsert(acting_user=None, channel=b, posts=_posts("y", 5), as_of=DAY)
    assert_stats_match()


def test_all_or_nothing(world: Any) -> None:
    fb = make_channel(world.commune_a, "facebook", "n-fb")
    yt = make_channel(world.commune_b, "youtube", "n-yt")

    def broken() -> Iterator[Any]:
        yield from []
        raise RuntimeError("the connection dropped")

    parts = [
        imports.Part(
            channel=fb,
            rows=iter(validate_input(i, p, "facebook") for i, p in enumerate(_posts("f", 3))),
            origin=imports.Origin(name="api:x", sha256="1" * 64, size=1),
        ),
        imports.Part(
            channel=yt, rows=broken(), origin=imports.Origin(name="api:y", sha256="2" * 64, size=1)
        ),
    ]
    with pytest.raises(RuntimeError):
        imports.ingest_many(acting_user=None, source="api", parts=parts, as_of=DAY)
    assert not Post.objects.exists() and not ImportBatch.objects.exists()
    assert_stats_match()


def test_one_part_per_channel(world: Any) -> None:
    fb = make_channel(world.commune_a, "facebook", "o-fb")
    with pytest.raises(ValueError, match="one part per channel"):
        posts_upsert_many(
            acting_user=None,
            items=[(fb, _posts("a", 1), []), (fb, _posts("b", 1), [])],
            as_of=DAY,
        )
