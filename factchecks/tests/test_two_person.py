"""Issue 18, finding 2: the second pair of eyes is never the last writer (core.review)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from factchecks import services
from factchecks.models import Correction, FactCheck
from factchecks.tests.factories import draft, published, source

pytestmark = pytest.mark.urls("factchecks.tests.urls")

REWRITE = {
    "claim_short": "Lời khẳng định do người duyệt viết lại",
    "claim_text": "Văn bản khác hẳn.",
    "first_seen": "2026-01-03",
    "platforms": ["facebook"],
    "verdict": "true",
    "explanation": "Giải thích của người thứ hai.",
    "sources": "Nguồn khác | UBND xã | https://coto.quangninh.gov.vn/x | 04/01/2026",
    "topics": "",
}


def test_an_editor_who_rewrites_in_review_cannot_publish_it(world: Any) -> None:
    author, second, third = (
        world.users_a["editor"],
        world.province_users["editor"],
        world.users_a["administrator"],
    )
    fc = draft(author, world.commune_a)
    services.factcheck_submit(acting_user=author, factcheck=fc)
    b = Client()
    b.force_login(second)
    rewrite = {**REWRITE, "unit": world.commune_a.code}
    assert b.post(f"/factchecks/{fc.pk}/edit/", rewrite).status_code == 302
    fc.refresh_from_db()
    assert (fc.status, fc.verdict) == ("in_review", "true")
    response = b.post(f"/factchecks/{fc.pk}/publish/", follow=True)
    assert "biên tập viên khác phải duyệt" in response.content.decode()
    fc.refresh_from_db()
    assert fc.status == "in_review" and fc.reviewer is None
    services.factcheck_publish(acting_user=third, factcheck=fc)  # a third editor reads it
    fc.refresh_from_db()
    assert (fc.status, fc.reviewer) == ("published", third)


def test_the_author_cannot_publish_after_someone_else_edited(world: Any) -> None:
    author, second = world.users_a["editor"], world.province_users["editor"]
    fc = draft(author, world.commune_a)
    services.factcheck_update(
        acting_user=second,
        factcheck=fc,
        claim_short=fc.claim_short,
        claim_text=fc.claim_text,
        first_seen=fc.first_seen,
        platforms=fc.platforms,
        verdict="true",
        explanation=fc.explanation,
        sources=[source()],
    )
    services.factcheck_submit(acting_user=author, factcheck=fc)
    with pytest.raises(ValidationError):
        services.factcheck_publish(acting_user=author, factcheck=fc)
    with pytest.raises(ValidationError):
        services.factcheck_publish(acting_user=second, factcheck=fc)


def test_a_correction_that_changes_the_verdict_waits_for_a_second_editor(world: Any) -> None:
    author, reviewer = world.users_a["editor"], world.users_a["administrator"]
    fc = published(author, reviewer, world.commune_a)
    proposer = world.province_users["editor"]
    services.factcheck_correct(
        acting_user=proposer,
        factcheck=fc,
        what_changed="Đổi kết luận thành Đúng",
        reason="Có văn bản mới",
        verdict="true",
        explanation="Giải thích mới.",
    )
    fc.refresh_from_db()
    assert fc.verdict == "false" and not Correction.objects.exists()  # nothing public yet
    pending = fc.pending_corrections.get()
    with pytest.raises(ValidationError, match="biên tập viên khác"):
        services.correction_approve(acting_user=proposer, pending=pending)
    fc.refresh_from_db()
    assert fc.verdict == "false"
    services.correction_approve(acting_user=author, pending=pending)
    fc.refresh_from_db()
    assert (fc.verdict, fc.explanation) == ("true", "Giải thích mới.")
    correction = Correction.objects.get()
    assert (correction.made_by, correction.approved_by) == (proposer, author)
    assert "verdict" in correction.changed_fields
    assert not fc.pending_corrections.exists()


def test_a_correction_that_keeps_the_verdict_is_published_at_once(world: Any) -> None:
    fc = published(world.users_a["editor"], world.users_a["administrator"], world.commune_a)
    services.factcheck_correct(
        acting_user=world.users_a["editor"],
        factcheck=fc,
        what_changed="Sửa lỗi chính tả",
        reason="Lỗi gõ",
        explanation="Ngành điện không hoàn tiền qua đường dẫn (đã sửa).",
    )
    fc.refresh_from_db()
    assert fc.explanation.endswith("(đã sửa).") and Correction.objects.count() == 1
    assert FactCheck.objects.get().verdict == "false"


def test_the_pending_correction_is_approved_through_the_page(world: Any) -> None:
    author, reviewer = world.users_a["editor"], world.users_a["administrator"]
    fc = published(author, reviewer, world.commune_a)
    b = Client()
    b.force_login(world.province_users["editor"])
    form = {
        "what_changed": "Đổi kết luận",
        "reason": "Văn bản mới",
        "claim_short": fc.claim_short,
        "claim_text": fc.claim_text,
        "verdict": "true",
        "explanation": fc.explanation,
        "sources": "Nguồn | UBND | https://quangninh.gov.vn/a | 04/01/2026",
    }
    response = b.post(f"/factchecks/{fc.pk}/correct/", form, follow=True)
    assert "chờ một biên tập viên khác" in response.content.decode()
    pending = fc.pending_corrections.get()
    a = Client()
    a.force_login(author)
    page = a.get(f"/factchecks/{fc.pk}/").content.decode()
    assert f"/factchecks/{fc.pk}/corrections/{pending.pk}/approve/" in page
    a.post(f"/factchecks/{fc.pk}/corrections/{pending.pk}/approve/")
    fc.refresh_from_db()
    assert fc.verdict == "true"
