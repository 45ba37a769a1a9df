"""Receivers: remember the two-factor flags at login; audit lockouts."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils import timezone

from core.audit import audit
from core.models import AuditEvent
from security import twofactor


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
