from __future__ import annotations

import random
from typing import Any

import pytest

from conftest import make_user
from core.demo import DemoContext
from hub.demo import step_hub
from hub.models import Item, Republication
from ledger.models import Post
from registry.tests.factories import make_channel

pytestmark = pytest.mark.django_db


def test_demo_step_republishes_with_ledger_reach_and_runs_twice(world: Any) -> None:
    make_user("bientap", world.province, "editor")
    make_user("quantri", world.province, "administrator")
    make_channel(world.commune_a, "https://www.facebook.com/ubndcoto", verified=True)
    make_channel(world.commune_b, "https://www.tiktok.com/@phuonghalong", verified=True)
    ctx = DemoContext(
        province_code="22", months=1, scale="province", rng=random.Random(3), log=lambda m: None
    )
    ctx.data["province"] = world.province
    step_hub(ctx)
    assert Item.objects.filter(status="approved").count() == 4
    assert Item.objects.filter(status="draft").count() == 1
    reps = list(Republication.objects.select_related("post", "channel"))
    assert reps and all(r.post is not None and r.post.reach for r in reps)
    assert all(r.channel.unit_id == r.unit_id for r in reps)
    assert Post.objects.filter(hub_item_id__isnull=False).count() == len(reps)
    step_hub(ctx)
    assert Republication.objects.count() == len(reps) and Item.objects.count() == 5
