from __future__ import annotations

import random
from typing import Any

from core.demo import STEPS, DemoContext
from ledger.demo import step_ledger
from ledger.models import MonthlyForm, Post, UnitMonthStat
from ledger.tests.factories import make_channel
from ledger.tests.test_import import assert_stats_match


def test_step_registered_and_writes_believable_activity(world: Any) -> None:
    assert step_ledger in STEPS
    make_channel(world.commune_a, "facebook", "demo-a")
    make_channel(world.commune_b, "youtube", "@demo-b")
    ctx = DemoContext(province_code="22", months=3, scale="province", rng=random.Random(1))
    ctx.data["province"] = world.province
    step_ledger(ctx)
    posts = Post.objects.all()
    assert posts.count() == ctx.summary["ledger_posts"] > 20
    assert not posts.filter(platform="youtube", reach__isnull=False).exists()
    assert MonthlyForm.objects.exists()
    assert UnitMonthStat.objects.exists()
    assert_stats_match()
    step_ledger(ctx)  # idempotent
    assert Post.objects.count() == ctx.summary["ledger_posts"]


def test_step_skips_without_channels(world: Any) -> None:
    ctx = DemoContext(province_code="22", months=3, scale="province", rng=random.Random(1))
    step_ledger(ctx)
    assert not Post.objects.exists()
