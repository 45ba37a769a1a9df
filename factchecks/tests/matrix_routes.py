"""Permission matrix entries for every fact-check route, the public ones included.

The public pages (``factchecks_public:*``) join ``ROUTES`` once ``factchecks.public_urls``
is included from config/urls.py; until then ``test_matrix_public.py`` checks them against
the test urlconf ``factchecks.tests.urls``.
"""

from __future__ import annotations

from typing import Any

from django.urls import NoReverseMatch, reverse

from core.tests.matrix import Route, listing, public, scoped

B_SECRET = "Bí mật xã B: bản nháp"
A_CLAIM = "Bản nháp của xã A"


def _b_draft(w: Any) -> Any:
    from factchecks.tests.factories import draft

    if "fc_b_draft" not in w.cache:
        w.cache["fc_b_draft"] = draft(w.users_b["editor"], w.commune_b, claim_short=B_SECRET)
    return w.cache["fc_b_draft"]


def _a_review(w: Any) -> Any:
    from factchecks import services
    from factchecks.tests.factories import draft

    if "fc_a_review" not in w.cache:
        fc = draft(w.users_a["editor"], w.commune_a, claim_short=A_CLAIM)
        w.cache["fc_a_review"] = services.factcheck_submit(
            acting_user=w.users_a["editor"], factcheck=fc
        )
    return w.cache["fc_a_review"]


def _b_published(w: Any) -> Any:
    from factchecks.tests.factories import published

    if "fc_b_pub" not in w.cache:
        w.cache["fc_b_pub"] = published(
            w.users_b["editor"], w.users_b["administrator"], w.commune_b,
            claim_short="Bài đã đăng của xã B",
        )  # fmt: skip
    return w.cache["fc_b_pub"]


def _a_published(w: Any) -> Any:
    from factchecks.tests.factories import published

    if "fc_a_pub" not in w.cache:
        w.cache["fc_a_pub"] = published(
            w.users_a["editor"], w.users_a["administrator"], w.commune_a,
            claim_short="Bài đã đăng của xã A",
        )  # fmt: skip
    return w.cache["fc_a_pub"]


def _pending(w: Any, which: str) -> Any:
    """A verdict-changing correction proposed by the province's editor."""
    from factchecks import services

    key = f"fc_pending_{which}"
    if key not in w.cache:
        fc = _b_published(w) if which == "b" else _a_published(w)
        w.cache[key] = services.factcheck_correct(
            acting_user=w.province_users["editor"],
            factcheck=fc,
            what_changed="Đổi kết luận",
            reason="Văn bản mới",
            verdict="true",
        )
    return w.cache[key]


def _suggestion(w: Any, unit: Any, key: str, text: str) -> Any:
    from factchecks import services

    if key not in w.cache:
        w.cache[key] = services.suggestion_create(
            unit=unit, claim_text=text, platform="zalo", contact=""
        )
    return w.cache[key]


def _b_suggestion(w: Any) -> Any:
    return _suggestion(w, w.commune_b, "sg_b", "Đề nghị bí mật gửi xã B")


def _a_suggestion(w: Any) -> Any:
    return _suggestion(w, w.commune_a, "sg_a", "Đề nghị gửi xã A")


def _write(action: str, b: Any, a: Any, **kw: Any) -> Route:
    return scoped(
        lambda w: f"/factchecks/{b(w).pk}/{action}/",
        method="POST",
        write=True,
        own_url=lambda w: f"/factchecks/{a(w).pk}/{action}/",
        min_role="editor",
        secret=lambda w: B_SECRET,
        **kw,
    )


def _created_in_b(w: Any) -> bool:
    from factchecks.models import FactCheck

    return FactCheck.objects.filter(unit=w.commune_b, claim_short="Tạo trái phép").exists()


def _policy_changed(w: Any) -> bool:
    from factchecks.models import PolicyPage

    return PolicyPage.objects.filter(body="Sửa trái phép").exists()


EDITOR_ROUTES: dict[str, Route] = {
    "factchecks:list": listing(lambda w: "/factchecks/", secret=lambda w: _b_draft(w).claim_short),
    "factchecks:create": listing(
        lambda w: "/factchecks/new/",
        method="POST",
        min_role="editor",
        data=lambda w: {
            "unit": w.commune_b.code,
            "claim_short": "Tạo trái phép",
            "claim_text": "x",
            "first_seen": "2026-01-01",
            "verdict": "false",
            "explanation": "x",
        },
        secret=lambda w: _b_draft(w).claim_short,
        effect=_created_in_b,
    ),
    "factchecks:detail": scoped(
        lambda w: f"/factchecks/{_b_draft(w).pk}/", secret=lambda w: B_SECRET
    ),
    "factchecks:edit": _write(
        "edit",
        _b_draft,
        _a_review,
        data=lambda w: {"claim_short": "Sửa trái phép", "claim_text": "x", "verdict": "false"},
    ),
    "factchecks:submit": _write("submit", _b_draft, _a_review),
    "factchecks:return": _write("return", _b_draft, _a_review),
    "factchecks:publish": _write("publish", _b_draft, _a_review),
    "factchecks:correct": _write(
        "correct",
        _b_published,
        _a_published,
        data=lambda w: {"what_changed": "x", "reason": "y", "claim_short": "z"},
    ),
    "factchecks:correction_approve": scoped(
        lambda w: f"/factchecks/{_b_published(w).pk}/corrections/{_pending(w, 'b').pk}/approve/",
        method="POST",
        write=True,
        own_url=lambda w: (
            f"/factchecks/{_a_published(w).pk}/corrections/{_pending(w, 'a').pk}/approve/"
        ),
        min_role="editor",
        secret=lambda w: B_SECRET,
    ),
    "factchecks:withdraw": _write(
        "withdraw", _b_published, _a_published, data=lambda w: {"reason": "x"}
    ),
    "factchecks:suggestions": listing(
        lambda w: "/factchecks/suggestions/",
        min_role="editor",
        secret=lambda w: _b_suggestion(w).claim_text,
    ),
    "factchecks:suggestion_close": scoped(
        lambda w: f"/factchecks/suggestions/{_b_suggestion(w).pk}/close/",
        method="POST",
        write=True,
        own_url=lambda w: f"/factchecks/suggestions/{_a_suggestion(w).pk}/close/",
        min_role="editor",
        data=lambda w: {"status": "declined"},
    ),
    # Site-wide pages: only an administrator of a top-level unit (province) may edit.
    "factchecks:policy_edit": listing(
        lambda w: "/factchecks/policy/methodology/",
        method="POST",
        min_role="administrator",
        data=lambda w: {"body": "Sửa trái phép"},
        secret=lambda w: "Sửa trái phép",
        effect=_policy_changed,
    ),
    # The API: published ones are public; drafts only within the caller's subtree.
    "GET /api/factchecks": public(lambda w: "/api/factchecks"),
    "GET /api/factchecks/{id}": scoped(
        lambda w: f"/api/factchecks/{_b_draft(w).pk}", secret=lambda w: B_SECRET
    ),
    "GET /api/factchecks/{id}/claimreview": public(
        lambda w: f"/api/factchecks/{_b_published(w).pk}/claimreview"
    ),
}

PUBLIC_ROUTES: dict[str, Route] = {
    "factchecks_public:list": public(lambda w: "/p/kiem-chung/?q=dien"),
    "factchecks_public:detail": public(lambda w: f"/p/kiem-chung/{_b_published(w).pk}/"),
    "factchecks_public:feed": public(lambda w: "/p/kiem-chung/feed/"),
    "factchecks_public:methodology": public(lambda w: "/p/kiem-chung/phuong-phap/"),
    "factchecks_public:corrections_policy": public(
        lambda w: "/p/kiem-chung/chinh-sach-dinh-chinh/"
    ),
    "factchecks_public:suggest": public(lambda w: "/p/kiem-chung/de-nghi/"),
}


def _public_mounted() -> bool:
    try:
        reverse("factchecks_public:list", urlconf="config.urls")
    except NoReverseMatch:
        return False
    return True


ROUTES: dict[str, Route] = {**EDITOR_ROUTES, **(PUBLIC_ROUTES if _public_mounted() else {})}
