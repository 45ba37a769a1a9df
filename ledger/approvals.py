"""The approver's side of monthly forms: what waits for them, and approving many at once."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet

from core.permissions import Role, membership_of
from ledger import services
from ledger.models import MonthlyForm
from units.selectors import subtree_q


def forms_awaiting_approval_by(user: Any) -> QuerySet[MonthlyForm]:
    """Sent forms this user may approve: those of the units strictly below the unit where
    they are an administrator (a form is approved by its unit's parent), oldest first."""
    qs = MonthlyForm.objects.filter(status=MonthlyForm.Status.SUBMITTED)
    if not (getattr(user, "is_superuser", False) and getattr(user, "is_active", False)):
        membership = membership_of(user)
        if membership is None or str(membership.role) != Role.ADMINISTRATOR:
            return MonthlyForm.objects.none()
        qs = qs.filter(subtree_q(membership.unit)).exclude(unit=membership.unit)
    return qs.select_related("unit", "unit__parent").order_by("submitted_at", "pk")


@dataclass
class BulkResult:
    approved: list[MonthlyForm] = field(default_factory=list)
    skipped: list[tuple[MonthlyForm, str]] = field(default_factory=list)


def monthly_forms_approve_bulk(*, acting_user: Any, forms: Iterable[MonthlyForm]) -> BulkResult:
    """Approve each form in its own transaction (``services.monthly_form_approve``: the
    permission check, the aggregate and one audit record per form). A form that cannot be
    approved (not sent any more, not the user's to approve) is skipped with the reason."""
    result = BulkResult()
    for form in forms:
        try:
            result.approved.append(
                services.monthly_form_approve(acting_user=acting_user, form=form)
            )
        except (ValidationError, PermissionDenied) as exc:
            reason = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            result.skipped.append((form, reason))
    return result
