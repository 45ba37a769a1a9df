from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from core.models import AuditEvent
from core.text import fold
from factchecks import services
from factchecks.models import Correction, FactCheck, PendingCorrection
from factchecks.tests.factories import draft, published, source
from factchecks.text import render_markdown


def test_the_author_cannot_publish_their_own_factcheck(world: Any) -> None:
    author = world.users_a["editor"]
    fc = draft(author, world.commune_a)
    services.factcheck_submit(acting_user=author, factcheck=fc)
    with pytest.raises(ValidationError, match="biên tập viên khác"):
        services.factcheck_publish(acting_user=author, factcheck=fc)
    fc.refresh_from_db()
    assert fc.status == FactCheck.Status.IN_REVIEW
    assert fc.reviewer is None


def test_a_second_editor_publishes(world: Any) -> None:
    fc = published(world.users_a["editor"], world.province_users["editor"], world.commune_a)
    assert fc.status == FactCheck.Status.PUBLISHED
    assert fc.reviewer == world.province_users["editor"]
    assert fc.published_at is not None


@pytest.mark.parametrize(
    ("who", "error"),
    [
        (lambda w: w.users_a["reporter"], PermissionDenied),
        (lambda w: w.users_a["viewer"], PermissionDenied),
        (lambda w: w.users_b["editor"], PermissionDenied),  # another subtree
        (lambda w: w.users_b["administrator"], PermissionDenied),
    ],
)
def test_only_an_editor_over_the_unit_may_publish(world: Any, who: Any, error: Any) -> None:
    fc = draft(world.users_a["editor"], world.commune_a)
    services.factcheck_submit(acting_user=world.users_a["editor"], factcheck=fc)
    with pytest.raises(error):
        services.factcheck_publish(acting_user=who(world), factcheck=fc)


def test_a_superuser_author_still_needs_a_second_person(world: Any) -> None:
    from django.contrib.auth import get_user_model

    root = get_user_model().objects.create_superuser("root", "r@example.org", "x-Pass-2026")
    fc = draft(root, world.commune_a)
    services.factcheck_submit(acting_user=root, factcheck=fc)
    with pytest.raises(ValidationError):
        services.factcheck_publish(acting_user=root, factcheck=fc)
    services.factcheck_publish(acting_user=world.users_a["editor"], factcheck=fc)


def test_the_database_refuses_a_reviewer_who_is_the_author(world: Any) -> None:
    fc = published(world.users_a["editor"], world.users_a["administrator"], world.commune_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        FactCheck.objects.filter(pk=fc.pk).update(reviewer=world.users_a["editor"])


def test_publishing_needs_a_draft_in_review_and_a_source(world: Any) -> None:
    author, reviewer = world.users_a["editor"], world.users_a["administrator"]
    fc = draft(author, world.commune_a, sources=[])
    with pytest.raises(ValidationError, match="trạng thái"):
        services.factcheck_publish(acting_user=reviewer, factcheck=fc)
    services.factcheck_submit(acting_user=author, factcheck=fc)
    with pytest.raises(ValidationError) as exc:
        services.factcheck_publish(acting_user=reviewer, factcheck=fc)
    assert "sources" in exc.value.message_dict


def test_a_published_factcheck_changes_only_by_correction(world: Any) -> None:
    author, reviewer = world.users_a["editor"], world.users_a["administrator"]
    fc = published(author, reviewer, world.commune_a)
    with pytest.raises(ValidationError, match="đính chính"):
        services.factcheck_update(
            acting_user=author,
            factcheck=fc,
            claim_short="Lén sửa",
            claim_text="x",
            first_seen=dt.date(2026, 1, 1),
            platforms=[],
            verdict="true",
            explanation="x",
        )
    proposed = services.factcheck_correct(
        acting_user=author,
        factcheck=fc,
        what_changed="Kết luận đổi thành Phần lớn sai.",
        reason="Có văn bản mới.",
        verdict="mostly_false",
    )
    assert isinstance(proposed, PendingCorrection)  # a new verdict: a second editor approves
    correction = services.correction_approve(acting_user=reviewer, pending=proposed)
    fc.refresh_from_db()
    assert fc.verdict == "mostly_false"
    assert correction.changed_fields == ["verdict"]
    assert Correction.objects.filter(factcheck=fc).count() == 1
    with pytest.raises(ValidationError) as exc:
        services.factcheck_correct(acting_user=author, factcheck=fc, what_changed="", reason="")
    assert set(exc.value.message_dict) == {"what_changed", "reason"}


def test_withdrawal_keeps_the_factcheck_and_its_reason(world: Any) -> None:
    fc = published(world.users_a["editor"], world.users_a["administrator"], world.commune_a)
    with pytest.raises(ValidationError):
        services.factcheck_withdraw(acting_user=world.users_a["editor"], factcheck=fc, reason=" ")
    services.factcheck_withdraw(
        acting_user=world.users_a["editor"], factcheck=fc, reason="Văn bản gốc bị thay thế."
    )
    fc.refresh_from_db()
    assert fc.status == FactCheck.Status.WITHDRAWN
    assert fc.withdrawn_at is not None
    with pytest.raises(ValidationError):  # no correction after withdrawal
        services.factcheck_correct(
            acting_user=world.users_a["editor"], factcheck=fc, what_changed="x", reason="y"
        )


def test_every_step_is_audited(world: Any) -> None:
    author, reviewer = world.users_a["editor"], world.users_a["administrator"]
    fc = draft(author, world.commune_a)
    services.factcheck_update(
        acting_user=author,
        factcheck=fc,
        claim_short="Sửa bản nháp",
        claim_text="x",
        first_seen=dt.date(2026, 1, 1),
        platforms=["tiktok"],
        verdict="false",
        explanation="y",
        sources=[source()],
    )
    services.factcheck_submit(acting_user=author, factcheck=fc)
    services.factcheck_return_to_draft(acting_user=reviewer, factcheck=fc, note="Thêm nguồn")
    services.factcheck_submit(acting_user=author, factcheck=fc)
    services.factcheck_publish(acting_user=reviewer, factcheck=fc)
    services.factcheck_correct(acting_user=reviewer, factcheck=fc, what_changed="a", reason="b")
    services.factcheck_withdraw(acting_user=reviewer, factcheck=fc, reason="c")
    actions = list(
        AuditEvent.objects.filter(object_type="factchecks.factcheck", object_id=str(fc.pk))
        .order_by("id")
        .values_list("action", "actor__username")
    )
    assert actions == [
        ("factcheck.create", "a_editor"),
        ("factcheck.update", "a_editor"),
        ("factcheck.submit", "a_editor"),
        ("factcheck.return", "a_administrator"),
        ("factcheck.submit", "a_editor"),
        ("factcheck.publish", "a_administrator"),
        ("factcheck.correct", "a_administrator"),
        ("factcheck.withdraw", "a_administrator"),
    ]
    assert AuditEvent.objects.get(action="factcheck.create").unit_path == world.commune_a.path


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("claim_short", "x" * 76),
        ("claim_short", ""),
        ("claim_text", "Xem https://facebook.com/some.person/posts/1"),
        ("claim_text", "nguồn: www.tiktok.com/@ai-do"),
        ("platforms", ["facebook", "telegram-group-x"]),
        ("verdict", "pants_on_fire"),
        ("explanation", "   "),
        ("first_seen", dt.date(2999, 1, 1)),
    ],
)
def test_bad_input_names_the_field_and_leaves_nothing(world: Any, field: str, value: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        draft(world.users_a["editor"], world.commune_a, **{field: value})
    assert field in exc.value.message_dict
    assert not FactCheck.objects.exists()


def test_a_bad_source_names_its_line(world: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        draft(
            world.users_a["editor"],
            world.commune_a,
            sources=[source(), source(url="javascript:alert(1)")],
        )
    assert "dòng 2" in exc.value.message_dict["sources"][0]
    assert not FactCheck.objects.exists()


def test_folding_strips_vietnamese_diacritics() -> None:
    assert fold("  Hoàn TIỀN   Điện ") == "hoan tien dien"
    assert fold("Đặc khu Cô Tô, sổ đỏ") == "dac khu co to, so do"


def test_markdown_is_sanitised() -> None:
    html = render_markdown(
        "**đậm** <script>alert(1)</script> <img src=x onerror=alert(2)> "
        "[x](javascript:alert(3)) [ok](https://gov.vn)"
    )
    assert "<strong>đậm</strong>" in html
    assert "<script" not in html and "alert(1)" not in html
    assert "onerror" not in html and "<img" not in html
    assert "javascript:" not in html
    assert 'href="https://gov.vn"' in html and "nofollow" in html


def test_policies_are_edited_by_province_administrators_only(world: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.policy_update(
            acting_user=world.users_a["administrator"], kind="methodology", body="x"
        )
    with pytest.raises(PermissionDenied):
        services.policy_update(
            acting_user=world.province_users["editor"], kind="methodology", body="x"
        )
    page = services.policy_update(
        acting_user=world.province_users["administrator"],
        kind="methodology",
        body="## Cách làm\n\n<script>x</script>Nguồn luôn được nêu.",
    )
    assert "<h2>Cách làm</h2>" in page.body_html and "<script" not in page.body_html
    assert AuditEvent.objects.filter(action="factcheck_policy.update").count() == 1
