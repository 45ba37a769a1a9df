from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from accounts.models import ApiToken, Membership
from core.permissions import Role, home_unit, membership_of
from units.selectors import subtree_q


def memberships_visible_to(user: Any) -> QuerySet[Membership]:
    """Administrators see the users of their subtree; others see none."""
    membership = membership_of(user)
    if membership is None:
        return Membership.objects.none()
    if membership.role != Role.ADMINISTRATOR:
        return Membership.objects.none()
    unit = home_unit(user)
    assert unit is not None
    return (
        Membership.objects.filter(subtree_q(unit))
        .select_related("user", "unit")
        .order_by("unit__path", "user__username")
    )


def api_tokens_of(user: Any) -> QuerySet[ApiToken]:
    """The user's own API tokens, newest first: only their owner lists or revokes them."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-pk")
