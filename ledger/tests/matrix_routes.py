"""Every ledger route in the permission matrix (see core/tests/matrix.py)."""

from __future__ import annotations

from datetime import date
from typing import Any

from core.tests.matrix import listing, login_only, scoped


def _channel(w: Any, side: str) -> Any:
    from ledger.tests.factories import make_channel

    key = f"ledger_channel_{side}"
    if key not in w.cache:
        unit = w.commune_a if side == "a" else w.commune_b
        w.cache[key] = make_channel(unit, "facebook", f"ledger-{side}", external_id=f"99{side}")
    return w.cache[key]


def _batch(w: Any, side: str) -> Any:
    from ledger.services import PostInput, posts_upsert

    key = f"ledger_batch_{side}"
    if key not in w.cache:
        result = posts_upsert(
            acting_user=None,
            channel=_channel(w, side),
            posts=[PostInput(post_id=f"secret-{side}-1", content_type="photo", reach=5)],
        )
        from ledger.models import ImportBatch

        assert result.batch is not None
        ImportBatch.objects.filter(pk=result.batch).update(filename=f"bi-mat-{side}.csv")
        w.cache[key] = ImportBatch.objects.get(pk=result.batch)
    return w.cache[key]


def _waiting(w: Any, side: str) -> Any:
    """A batch of the side's channel waiting for an editor to confirm its page."""
    from django.utils import timezone

    from ledger.models import ImportBatch

    key = f"ledger_waiting_{side}"
    if key not in w.cache:
        channel = _channel(w, side)
        w.cache[key] = ImportBatch.objects.create(
            channel=channel,
            unit=channel.unit,
            filename=f"cho-xac-nhan-{side}.csv",
            status=ImportBatch.Status.NEEDS_CHANNEL,
            file_channel_ref="123",
            confirm_requested_at=timezone.now(),
        )
    return w.cache[key]


def _form(w: Any, side: str) -> Any:
    from ledger.models import MonthlyForm

    key = f"ledger_form_{side}"
    if key not in w.cache:
        unit = w.commune_a if side == "a" else w.commune_b
        w.cache[key] = MonthlyForm.objects.create(
            unit=unit, month=date(2026, 1, 1), platform="zalo", articles=3, status="submitted"
        )
    return w.cache[key]


def _b_wrote(w: Any) -> bool:
    from ledger.models import ImportBatch, MonthlyForm, Post

    return (
        ImportBatch.objects.filter(unit=w.commune_b).exclude(filename="bi-mat-b.csv").exists()
        or MonthlyForm.objects.filter(unit=w.commune_b).exists()
        or Post.objects.filter(unit=w.commune_b).exists()
    )


ROUTES = {
    "ledger:index": listing(lambda w: (_batch(w, "b"), "/ledger/")[1], secret=lambda w: "bi-mat-b"),
    "ledger:upload": listing(
        lambda w: "/ledger/imports/new/",
        method="POST",
        min_role="reporter",
        data=lambda w: {"channel": _channel(w, "b").pk},
        secret=lambda w: "ledger-b",
        effect=_b_wrote,
    ),
    "ledger:batch": scoped(
        lambda w: f"/ledger/imports/{_batch(w, 'b').pk}/", secret=lambda w: "bi-mat-b"
    ),
    "ledger:batch_progress": scoped(
        lambda w: f"/ledger/imports/{_batch(w, 'b').pk}/progress/",
        secret=lambda w: "bi-mat-b",
    ),
    "ledger:batch_confirm": scoped(
        lambda w: f"/ledger/imports/{_batch(w, 'b').pk}/confirm/",
        method="POST",
        write=True,
        own_url=lambda w: f"/ledger/imports/{_batch(w, 'a').pk}/confirm/",
        min_role="reporter",
    ),
    "ledger:batch_request_confirmation": scoped(
        lambda w: f"/ledger/imports/{_batch(w, 'b').pk}/request-confirmation/",
        method="POST",
        write=True,
        own_url=lambda w: f"/ledger/imports/{_batch(w, 'a').pk}/request-confirmation/",
        min_role="reporter",
    ),
    "ledger:batch_decline": scoped(
        lambda w: f"/ledger/imports/{_batch(w, 'b').pk}/decline/",
        method="POST",
        write=True,
        own_url=lambda w: f"/ledger/imports/{_batch(w, 'a').pk}/decline/",
        min_role="editor",
    ),
    "ledger:confirmations": listing(
        lambda w: (_waiting(w, "b"), "/ledger/confirmations/")[1],
        secret=lambda w: "cho-xac-nhan-b",
    ),
    "ledger:template": login_only(lambda w: "/ledger/template.csv"),
    "ledger:forms": listing(
        lambda w: (_form(w, "b"), "/ledger/forms/")[1], secret=lambda w: w.commune_b.name
    ),
    "ledger:form_new": listing(
        lambda w: "/ledger/forms/new/",
        method="POST",
        min_role="reporter",
        data=lambda w: {
            "unit": w.commune_b.pk,
            "month": "2026-01",
            "website-articles": 1,
            "action": "submit",
        },
        secret=lambda w: w.commune_b.name,
        effect=_b_wrote,
    ),
    "ledger:forms_approve": listing(
        lambda w: "/ledger/forms/approve/",
        method="POST",
        min_role="administrator",
        data=lambda w: {"form": _form(w, "b").pk},
        secret=lambda w: w.commune_b.name,
        effect=lambda w: (
            _form(w, "b").__class__.objects.filter(pk=_form(w, "b").pk, status="approved").exists()
        ),
    ),
    "ledger:form": scoped(
        lambda w: f"/ledger/forms/{_form(w, 'b').pk}/", secret=lambda w: w.commune_b.name
    ),
    "ledger:form_submit": scoped(
        lambda w: f"/ledger/forms/{_form(w, 'b').pk}/submit/",
        method="POST",
        write=True,
        own_url=lambda w: f"/ledger/forms/{_form(w, 'a').pk}/submit/",
        min_role="reporter",
    ),
    "ledger:form_review": scoped(
        lambda w: f"/ledger/forms/{_form(w, 'b').pk}/review/",
        method="POST",
        write=True,
        own_url=lambda w: f"/ledger/forms/{_form(w, 'a').pk}/review/",
        min_role="administrator",
        data=lambda w: {"action": "approve"},
    ),
    "POST /api/imports": scoped(
        lambda w: f"/api/imports?channel={_channel(w, 'b').pk}",
        method="POST",
        write=True,
        own_url=lambda w: f"/api/imports?channel={_channel(w, 'a').pk}",
        min_role="reporter",
    ),
    "GET /api/imports/{batch_id}": scoped(
        lambda w: f"/api/imports/{_batch(w, 'b').pk}", secret=lambda w: "bi-mat-b"
    ),
    "POST /api/posts": scoped(
        lambda w: "/api/posts",
        method="POST",
        write=True,
        own_url=lambda w: "/api/posts",
        min_role="reporter",
        data=lambda w: {
            "channel": _channel(w, "b").pk,
            "posts": [{"post_id": "x1", "content_type": "photo", "reach": 1}],
        },
    ),
}
