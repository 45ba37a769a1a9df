"""The report's active channels (a channel with a post published in the period), read from
the channels' activity summary: whole half-months from the summary, the partial half-months
at a date range's ends from the posts, a period across two years (the administrative Q1
starts on 15/12), and a channel counted under the unit it is registered to now."""

from __future__ import annotations

from typing import Any

import pytest

from ledger.ingest.activity import recompute_subtree_activity, stored_subtree_activity
from registry.services import channel_register, channel_retire
from reports import selectors
from reports.periods import parse_period
from reports.tests.factories import add_posts, at, channel

pytestmark = pytest.mark.django_db


def _active(unit: Any, code: str, convention: str = "calendar") -> int:
    return selectors.active_channels(unit, parse_period(code, convention))


def test_active_channels_by_period(world: Any) -> None:
    admin = world.province_users["administrator"]
    posts = {
        "edge": at(2026, 1, 12),  # in 10/01-14/01, the range's partial first half
        "whole": at(2026, 2, 3),
        "before": at(2026, 1, 5),
        "after": at(2026, 3, 6),  # in 01/03-14/03, but after the range's end (05/03)
        "december": at(2025, 12, 20),  # the administrative Q1 2026 starts on 15/12/2025
        "undated": None,
    }
    made = {}
    for i, (name, when) in enumerate(posts.items()):
        made[name] = channel(world.commune_a, "facebook", f"ubndkenh{i}")
        add_posts(admin, made[name], [{"post_id": f"p-{name}", "published_at": when}])
    assert _active(world.province, "2026-01-10:2026-03-05") == 2  # edge, whole
    assert _active(world.province, "2026-Q1") == 4  # edge, whole, before, after
    assert _active(world.province, "2026-Q1", "administrative") == 5  # and december
    assert _active(world.province, "2025-12") == 1
    assert _active(world.commune_b, "2026-Q1") == 0
    # A re-import moves the post of "whole" to another month: it leaves February.
    add_posts(admin, made["whole"], [{"post_id": "p-whole", "published_at": at(2026, 4, 2)}])
    assert _active(world.province, "2026-02") == 0
    assert _active(world.province, "2026-04") == 1
    # A channel re-registered to another unit counts there, with its earlier posts.
    edge = made["edge"]
    channel_retire(acting_user=admin, channel=edge, reason="chuyển đơn vị")
    moved = channel_register(
        acting_user=admin,
        unit=world.commune_b,
        url=f"https://www.facebook.com/{edge.identifier}",
        acknowledge_lookalike="Kênh chuyển sang xã B",  # its former neighbours look alike
    )
    assert moved.pk == edge.pk
    summary = selectors.summary(world.province, parse_period("2026-Q1"))
    by_code = {c["unit"]["code"]: c["totals"]["active_channels"] for c in summary["children"]}
    assert by_code[world.commune_b.code] == 1 and by_code[world.commune_a.code] == 2
    assert stored_subtree_activity() == recompute_subtree_activity()
