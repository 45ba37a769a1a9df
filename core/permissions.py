"""Who may do what, and where. A role held in a unit covers that unit's subtree."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from units.models import Unit


class Role:
    ADMINISTRATOR = "administrator"
    EDITOR = "editor"
    REPORTER = "reporter"
    VIEWER = "viewer"

    RANK = {VIEWER: 0, REPORTER: 1, EDITOR: 2, ADMINISTRATOR: 3}
    ALL = (ADMINISTRATOR, EDITOR, REPORTER, VIEWER)


def membership_of(user: Any) -> Any:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    cached = getattr(user, "_bantin_membership", None)
    if cached is not None:
        return cached
    from accounts.models import Membership

    membership = Membership.objects.select_related("unit").filter(user=user).first()
    user._bantin_membership = membership
    return membership


def home_unit(user: Any) -> Unit | None:
    membership = membership_of(user)
    return membership.unit if membership else None


def role_for(user: Any, unit: Unit) -> str | None:
    """The user's role over ``unit``: their membership's role when ``unit`` is in its subtree."""
    membership = membership_of(user)
    if membership is None:
        return None
    if not unit.path.startswith(membership.unit.path):
        return None
    return str(membership.role)


def has_role(user: Any, unit: Unit, at_least: str) -> bool:
    if getattr(user, "is_superuser", False) and getattr(user, "is_active", False):
        return True  # the installation's operator (Django admin), not a unit role
    role = role_for(user, unit)
    return role is not None and Role.RANK[role] >= Role.RANK[at_least]


def can_view(user: Any, unit: Unit) -> bool:
    return has_role(user, unit, Role.VIEWER)


def ensure_role(user: Any, unit: Unit, at_least: str) -> None:
    """Raise PermissionDenied unless ``user`` holds ``at_least`` over ``unit``."""
    if not has_role(user, unit, at_least):
        raise PermissionDenied(
            _("Bạn không có quyền %(role)s tại đơn vị %(unit)s.")
            % {"role": role_label(at_least), "unit": unit.name}
        )


def role_label(role: str) -> str:
    from accounts.models import Membership

    return str(dict(Membership.Role.choices).get(role, role))
