from __future__ import annotations

import random
from typing import Any

from core.demo import STEPS, DemoContext
from factchecks.demo import IN_REVIEW, step_factcheck_in_review, step_factchecks
from factchecks.models import Correction, FactCheck


def test_demo_step_is_registered() -> None:
    assert step_factchecks in STEPS


def test_demo_publishes_with_a_correction_and_a_withdrawal(world: Any) -> None:
    from accounts.services import user_create

    user_create(username="bientap", unit=world.province, role="editor", password="Bantin-x-2026")
    ctx = DemoContext(
        province_code="22", months=1, scale="province", rng=random.Random(1), log=lambda s: None
    )
    ctx.data["province"] = world.province
    step_factchecks(ctx)
    step_factchecks(ctx)  # idempotent
    assert FactCheck.objects.count() == 5
    assert FactCheck.objects.filter(status="published").count() == 4
    assert FactCheck.objects.filter(status="withdrawn").count() == 1
    assert Correction.objects.count() == 1
    for fc in FactCheck.objects.all():
        assert fc.reviewer is not None
        assert (fc.author.username, fc.reviewer.username) == ("kiemchung", "bientap")
    claims = " ".join(FactCheck.objects.values_list("claim_short", flat=True))
    assert "tiền điện" in claims and "sổ đỏ" in claims and "lớp 1" in claims


def test_demo_leaves_one_fact_check_for_the_editors_home(world: Any) -> None:
    from accounts.services import user_create
    from core.home import editor_tasks

    bientap = user_create(
        username="bientap", unit=world.province, role="editor", password="Bantin-x-2026"
    )
    ctx = DemoContext(
        province_code="22", months=1, scale="province", rng=random.Random(1), log=lambda s: None
    )
    ctx.data["province"] = world.province
    assert step_factcheck_in_review in STEPS
    step_factchecks(ctx)
    step_factcheck_in_review(ctx)
    step_factcheck_in_review(ctx)  # idempotent
    waiting = FactCheck.objects.get(status="in_review")
    assert waiting.claim_short == IN_REVIEW["claim_short"]
    assert waiting.author.username == "kiemchung"
    tasks = editor_tasks(bientap, world.province)
    assert [f.pk for f in tasks.factchecks] == [waiting.pk]
