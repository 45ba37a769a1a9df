"""Receivers: remember the two-factor flags at login; audit lockouts."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver
from django.utils import timezone

from core.audit import audit
from core.models import AuditEvent
from security import twofactor
from security.backends import user_key, user_rate
from security.ratelimit import hit, parse_rate


@receiver(user_logged_in, dispatch_uid="security.remember_2fa_flags")
def remember_2fa_flags(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        twofactor.remember_flags(request, user)


@receiver(user_locked_out, dispatch_uid="security.audit_lockout")
def audit_lockout(
    sender: Any, request: Any, username: str | None, ip_address: str | None, **kwargs: Any
) -> None:
    """A lockout is written to the audit trail, under the user's unit when they exist: once
    per user and address while it lasts, however often the attacker keeps trying."""
    since = timezone.now() - (settings.AXES_COOLOFF_TIME or timedelta(days=1))
    if AuditEvent.objects.filter(
        action="security.lockout",
        created_at__gte=since,
        after__username=username or "",
        after__ip=ip_address or "",
    ).exists():
        return
    User = get_user_model()
    user = User.objects.filter(username=username).select_related("membership__unit").first()
    membership = getattr(user, "membership", None) if user else None
    audit(
        None,
        "security.lockout",
        membership,
        after={"username": username or "", "ip": ip_address or ""},
        installation=membership is None,  # a name nobody holds: no unit to file it under
    )


@receiver(user_login_failed, dispatch_uid="security.count_user_failures")
def count_user_failures(
    sender: Any, credentials: dict[str, Any], request: Any, **kwargs: Any
) -> None:
    """Every failed login counts against the username, from whatever address; the one that
    reaches the limit is audited (``security.lockout`` with ``"ip": "*"``)."""
    username = str(credentials.get("username") or "")
    if not username or request is None:
        return
    if hit(user_key(username), user_rate()) == parse_rate(user_rate())[0]:
        audit_lockout(sender, request, username=username, ip_address="*")
