"""The monthly form: draft, submitted, approved, locked; its figures enter the aggregate on
approval and leave it on unlock, in the same transaction."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit
from core.permissions import Role, ensure_role
from ledger.ingest import aggregate
from ledger.ingest.plan import local_today
from ledger.models import MonthlyForm
from registry.models import Channel


def _first_of_month(month: date) -> date:
    return month.replace(day=1)


def _form_clean(form: MonthlyForm) -> None:
    errors: dict[str, str] = {}
    for name in MonthlyForm.COUNT_FIELDS:
        value = getattr(form, name)
        if value is None or value < 0:
            errors[name] = _("Số lượng không được âm.")
    if form.reach is not None and form.reach < 0:
        errors["reach"] = _("Lượt tiếp cận không được âm.")
    if form.month > local_today().replace(day=1):
        errors["month"] = _("Không thể báo cáo cho tháng chưa tới.")
    if errors:
        raise ValidationError(errors)


def _form_values(form: MonthlyForm) -> dict[str, Any]:
    return {
        "month": form.month.isoformat(),
        "platform": form.platform,
        **{n: getattr(form, n) for n in MonthlyForm.COUNT_FIELDS},
        "reach": form.reach,
        "status": form.status,
    }


@transaction.atomic
def monthly_form_save(
    *,
    acting_user: Any,
    unit: Any,
    month: date,
    platform: str,
    articles: int = 0,
    photos: int = 0,
    videos: int = 0,
    livestreams: int = 0,
    others: int = 0,
    reach: int | None = None,
    note: str = "",
) -> MonthlyForm:
    """Create or edit a unit's draft form for a month and platform."""
    ensure_role(acting_user, unit, Role.REPORTER)
    if platform not in Channel.Platform.values:
        raise ValidationError({"platform": _("Nền tảng không hợp lệ.")})
    month = _first_of_month(month)
    form = (
        MonthlyForm.objects.select_for_update()
        .filter(unit=unit, month=month, platform=platform)
        .first()
    )
    before = _form_values(form) if form else None
    if form is None:
        form = MonthlyForm(unit=unit, month=month, platform=platform, created_by=acting_user)
    elif not form.is_editable:
        raise ValidationError(
            _("Báo cáo đang ở trạng thái “%(status)s”; chỉ sửa được bản nháp.")
            % {"status": form.get_status_display()}
        )
    form.articles, form.photos, form.videos = articles, photos, videos
    form.livestreams, form.others, form.reach, form.note = livestreams, others, reach, note
    _form_clean(form)
    form.save()
    audit(acting_user, "ledger.form_save", form, before=before, after=_form_values(form))
    return form


def _transition(
    acting_user: Any,
    form: MonthlyForm,
    *,
    allowed_from: tuple[str, ...],
    to: str,
    action: str,
) -> MonthlyForm:
    locked = MonthlyForm.objects.select_for_update().get(pk=form.pk)
    if locked.status not in allowed_from:
        raise ValidationError(
            _("Không thể chuyển báo cáo từ trạng thái “%(status)s”.")
            % {"status": locked.get_status_display()}
        )
    before = {"status": locked.status}
    locked.status = to
    fields = ["status", "updated_at"]
    now = timezone.now()
    if to == MonthlyForm.Status.SUBMITTED:
        locked.submitted_by, locked.submitted_at = acting_user, now
        fields += ["submitted_by", "submitted_at"]
    if to == MonthlyForm.Status.APPROVED:
        locked.approved_by, locked.approved_at = acting_user, now
        fields += ["approved_by", "approved_at"]
    locked.save(update_fields=fields)
    audit(acting_user, action, locked, before=before, after={"status": to})
    return locked


def _ensure_parent(acting_user: Any, form: MonthlyForm) -> None:
    """Approval, locking and unlocking belong to an administrator of the parent unit."""
    parent = form.unit.parent
    if parent is None:
        if not getattr(acting_user, "is_superuser", False):
            raise PermissionDenied(_("Chỉ đơn vị cấp trên mới duyệt được báo cáo."))
        return
    ensure_role(acting_user, parent, Role.ADMINISTRATOR)


@transaction.atomic
def monthly_form_submit(*, acting_user: Any, form: MonthlyForm) -> MonthlyForm:
    ensure_role(acting_user, form.unit, Role.REPORTER)
    return _transition(
        acting_user,
        form,
        allowed_from=(MonthlyForm.Status.DRAFT,),
        to=MonthlyForm.Status.SUBMITTED,
        action="ledger.form_submit",
    )


@transaction.atomic
def monthly_form_return(*, acting_user: Any, form: MonthlyForm) -> MonthlyForm:
    """The parent sends a submitted form back to draft."""
    _ensure_parent(acting_user, form)
    return _transition(
        acting_user,
        form,
        allowed_from=(MonthlyForm.Status.SUBMITTED,),
        to=MonthlyForm.Status.DRAFT,
        action="ledger.form_return",
    )


@transaction.atomic
def monthly_form_approve(*, acting_user: Any, form: MonthlyForm) -> MonthlyForm:
    """Approve: the form's figures enter the aggregate, in this transaction."""
    _ensure_parent(acting_user, form)
    approved = _transition(
        acting_user,
        form,
        allowed_from=(MonthlyForm.Status.SUBMITTED,),
        to=MonthlyForm.Status.APPROVED,
        action="ledger.form_approve",
    )
    aggregate.apply_form(approved, +1)
    return approved


@transaction.atomic
def monthly_form_lock(*, acting_user: Any, form: MonthlyForm) -> MonthlyForm:
    _ensure_parent(acting_user, form)
    return _transition(
        acting_user,
        form,
        allowed_from=(MonthlyForm.Status.APPROVED,),
        to=MonthlyForm.Status.LOCKED,
        action="ledger.form_lock",
    )


@transaction.atomic
def monthly_form_unlock(*, acting_user: Any, form: MonthlyForm) -> MonthlyForm:
    """The parent reopens an approved or locked form: its figures leave the aggregate."""
    _ensure_parent(acting_user, form)
    unlocked = _transition(
        acting_user,
        form,
        allowed_from=(MonthlyForm.Status.APPROVED, MonthlyForm.Status.LOCKED),
        to=MonthlyForm.Status.DRAFT,
        action="ledger.form_unlock",
    )
    aggregate.apply_form(unlocked, -1)
    return unlocked
