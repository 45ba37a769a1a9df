"""Reads that depend on who asks: the audit trail and lockouts of an administrator's subtree."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import Membership
from core.models import AuditEvent
from core.permissions import Role, has_role, home_unit
from units.models import Unit
from units.selectors import path_in_subtree_q, subtree_q


def administered_unit(user: Any) -> Unit | None:
    """The unit whose subtree ``user`` administers, or None (not an administrator)."""
    unit = home_unit(user)
    if unit is None:
        return None
    if not has_role(user, unit, Role.ADMINISTRATOR):
        return None
    return unit


@dataclass(frozen=True)
class AuditFilters:
    unit: Unit | None = None  # a unit inside the administrator's subtree
    action: str = ""
    actor: str = ""
    text: str = ""
    date_from: date | None = None
    date_to: date | None = None


def audit_events_visible_to(user: Any, filters: AuditFilters | None = None) -> QuerySet[AuditEvent]:
    """The audit events of the administrator's subtree, newest first; none for others."""
    root = administered_unit(user)
    if root is None:
        return AuditEvent.objects.none()
    f = filters or AuditFilters()
    qs = AuditEvent.objects.filter(path_in_subtree_q(root, field="unit_path"))
    if f.unit is not None and f.unit.path.startswith(root.path):
        qs = qs.filter(path_in_subtree_q(f.unit, field="unit_path"))
    if f.action:
        qs = qs.filter(action__startswith=f.action)
    if f.actor:
        qs = qs.filter(actor_label__iexact=f.actor)
    if f.text:
        qs = qs.filter(Q(object_repr__icontains=f.text) | Q(object_id=f.text))
    if f.date_from:
        qs = qs.filter(created_at__gte=_start_of(f.date_from))
    if f.date_to:
        qs = qs.filter(created_at__lt=_start_of(f.date_to + timedelta(days=1)))
    return qs.order_by("-created_at", "-id")


def audit_actions_visible_to(user: Any) -> list[str]:
    return sorted(
        set(audit_events_visible_to(user).order_by().values_list("action", flat=True).distinct())
    )


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def memberships_administered_by(user: Any) -> QuerySet[Membership]:
    root = administered_unit(user)
    if root is None:
        return Membership.objects.none()
    return Membership.objects.filter(subtree_q(root)).select_related("user", "unit")


def login_failures_visible_to(user: Any) -> list[dict[str, Any]]:
    """Per user of the administrator's subtree with recorded login failures: the total,
    the addresses, the last attempt, and whether a lockout is in force now."""
    usernames = memberships_administered_by(user).values("user__username")
    attempts = AccessAttempt.objects.filter(username__in=usernames).order_by("username")
    cooloff = settings.AXES_COOLOFF_TIME
    now = timezone.now()
    rows: dict[str, dict[str, Any]] = {}
    for attempt in attempts:
        row = rows.setdefault(
            attempt.username or "",
            {
                "username": attempt.username,
                "failures": 0,
                "addresses": set(),
                "last": attempt.attempt_time,
                "locked": False,
            },
        )
        row["failures"] += attempt.failures_since_start
        row["addresses"].add(attempt.ip_address or "")
        row["last"] = max(row["last"], attempt.attempt_time)
        if attempt.failures_since_start >= settings.AXES_FAILURE_LIMIT and (
            cooloff is None or attempt.attempt_time > now - cooloff
        ):
            row["locked"] = True
    for row in rows.values():
        row["addresses"] = sorted(row["addresses"])
        if row["locked"] and cooloff is not None:
            row["until"] = row["last"] + cooloff
    return sorted(rows.values(), key=lambda r: (not r["locked"], r["username"]))
