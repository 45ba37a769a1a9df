"""Who must pass a second factor, remembered in the session at login."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django_otp import devices_for_user

from core.permissions import Role, membership_of

SESSION_KEY = "bantin_2fa"


def is_administrator(user: Any) -> bool:
    if getattr(user, "is_superuser", False):
        return True
    membership = membership_of(user)
    return membership is not None and membership.role == Role.ADMINISTRATOR


def has_confirmed_device(user: Any) -> bool:
    return any(True for _ in devices_for_user(user, confirmed=True))


def compute_flags(user: Any) -> dict[str, bool]:
    return {"admin": is_administrator(user), "device": has_confirmed_device(user)}


def remember_flags(request: HttpRequest, user: Any) -> dict[str, bool]:
    flags = compute_flags(user)
    request.session[SESSION_KEY] = flags
    return flags


def session_flags(request: HttpRequest) -> dict[str, bool]:
    flags = request.session.get(SESSION_KEY)
    if not isinstance(flags, dict):  # a session opened before this code was deployed
        flags = remember_flags(request, request.user)
    return flags


def admins_must_verify() -> bool:
    return bool(getattr(settings, "BANTIN_REQUIRE_2FA_FOR_ADMINS", False))


def must_verify(flags: dict[str, bool]) -> bool:
    """A holder of a device always verifies; administrators must when the setting is on."""
    return bool(flags.get("device")) or (bool(flags.get("admin")) and admins_must_verify())


def required_for(user: Any) -> bool:
    """Whether the user may not go without a device (administrators, when required)."""
    return admins_must_verify() and is_administrator(user)
