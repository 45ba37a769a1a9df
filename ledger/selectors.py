"""Reads of the ledger that depend on who asks."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet, Sum

from core.permissions import Role, has_role, home_unit, membership_of
from ledger.models import (
    ImportBatch,
    MetricSnapshot,
    MonthlyForm,
    Post,
    UnitMonthReport,
    UnitMonthStat,
)
from registry.models import Channel
from units.models import Unit
from units.selectors import subtree_q


def _scope_q(user: Any, field: str = "unit") -> Q | None:
    """Rows of the user's subtree; None when they see nothing."""
    if getattr(user, "is_superuser", False) and getattr(user, "is_active", False):
        return Q()
    unit = home_unit(user)
    if unit is None:
        return None
    return subtree_q(unit, field=field)


def batches_visible_to(user: Any) -> QuerySet[ImportBatch]:
    q = _scope_q(user)
    if q is None:
        return ImportBatch.objects.none()
    return ImportBatch.objects.filter(q).select_related("channel", "unit", "created_by")


def pending_page_confirmations_for(user: Any) -> QuerySet[ImportBatch]:
    """Imports a reporter asked an editor to finish: the file's page (its name and ID) must
    be confirmed as the chosen channel. Those this user may confirm (an editor or above
    over the channel's unit), oldest request first. Each links to ``ledger:batch``."""
    qs = ImportBatch.objects.filter(
        status=ImportBatch.Status.NEEDS_CHANNEL,
        channel__isnull=False,
        confirm_requested_at__isnull=False,
    )
    if not (getattr(user, "is_superuser", False) and getattr(user, "is_active", False)):
        membership = membership_of(user)
        if membership is None or Role.RANK[str(membership.role)] < Role.RANK[Role.EDITOR]:
            return ImportBatch.objects.none()
        qs = qs.filter(subtree_q(membership.unit, field="channel__unit"))
    return qs.select_related("channel", "unit", "confirm_requested_by").order_by(
        "confirm_requested_at", "pk"
    )


def page_confirmers_of(unit: Unit) -> list[str]:
    """Who may confirm a page for ``unit``'s channels: the editors and administrators of
    the unit and of the units above it (their user names, nearest unit first)."""
    from accounts.models import Membership

    paths = [unit.path[: i + 1] for i, ch in enumerate(unit.path) if ch == "/"]
    rows = (
        Membership.objects.filter(
            unit__path__in=paths,
            role__in=(Role.EDITOR, Role.ADMINISTRATOR),
            user__is_active=True,
        )
        .order_by("-unit__path", "user__username")
        .values_list("user__username", flat=True)
    )
    return list(rows[:5])


def posts_visible_to(user: Any) -> QuerySet[Post]:
    q = _scope_q(user)
    if q is None:
        return Post.objects.none()
    return Post.objects.filter(q)


def forms_visible_to(user: Any) -> QuerySet[MonthlyForm]:
    q = _scope_q(user)
    if q is None:
        return MonthlyForm.objects.none()
    return MonthlyForm.objects.filter(q).select_related("unit", "unit__parent")


def channels_visible_to(user: Any) -> QuerySet[Channel]:
    q = _scope_q(user)
    if q is None:
        return Channel.objects.none()
    return Channel.objects.filter(q).select_related("unit")


def channels_importable_by(user: Any) -> QuerySet[Channel]:
    """Channels the user may import data for: a reporter or above, in their subtree."""
    qs = Channel.objects.exclude(status=Channel.Status.RETIRED).select_related("unit")
    if getattr(user, "is_superuser", False) and getattr(user, "is_active", False):
        return qs
    membership = membership_of(user)
    if membership is None or Role.RANK[str(membership.role)] < Role.RANK[Role.REPORTER]:
        return Channel.objects.none()
    return qs.filter(subtree_q(membership.unit))


def units_reportable_by(user: Any) -> QuerySet[Unit]:
    """Units whose monthly forms the user may fill in (reporter or above)."""
    from units.selectors import subtree

    membership = membership_of(user)
    if getattr(user, "is_superuser", False) and getattr(user, "is_active", False):
        return Unit.objects.all()
    if membership is None or not has_role(user, membership.unit, Role.REPORTER):
        return Unit.objects.none()
    return subtree(membership.unit)


def can_approve(user: Any, form: MonthlyForm) -> bool:
    parent = form.unit.parent
    if parent is None:
        return bool(getattr(user, "is_superuser", False))
    return has_role(user, parent, Role.ADMINISTRATOR)


def channel_by_reference(reference: str) -> Channel | None:
    """A channel by its number, its platform id or its link (for the command line)."""
    from registry.normalize import NotAChannel, normalize

    text = reference.strip()
    qs = Channel.objects.select_related("unit")
    if text.isdigit():
        found = qs.filter(pk=int(text)).first() or qs.filter(external_id=text).first()
        if found:
            return found
    found = qs.filter(Q(external_id=text) | Q(identifier=text)).first()
    if found:
        return found
    try:
        canon = normalize(text)
    except NotAChannel:
        return None
    return (
        qs.filter(platform=canon.platform)
        .filter(Q(identifier=canon.identifier) | Q(external_id=canon.identifier))
        .first()
    )


def month_totals(unit: Unit, month: date) -> dict[str, int]:
    """Counted totals of a unit's subtree for a month (imports win over forms)."""
    row = UnitMonthStat.objects.filter(subtree_q(unit), month=month, counted=True).aggregate(
        **{name: Sum(name) for name in UnitMonthStat.SUMS}
    )
    return {k: v or 0 for k, v in row.items()}


def reported_units(month: date) -> QuerySet[UnitMonthReport]:
    return UnitMonthReport.objects.filter(month=month).filter(Q(by_import=True) | Q(by_form=True))


def orphan_snapshots() -> int:
    """Snapshots whose post or batch no longer exists (their keys have no database
    constraint; see ``MetricSnapshot``). Always 0 unless rows were deleted behind Django."""
    post = Post.objects.filter(pk=OuterRef("post_id"))
    batch = ImportBatch.objects.filter(pk=OuterRef("batch_id"))
    return MetricSnapshot.objects.filter(~Exists(post) | ~Exists(batch)).count()
