"""The audit trail. Every service calls :func:`audit` inside its transaction."""

from __future__ import annotations

import contextvars
from typing import Any

from django.db import models

from core.models import AuditEvent

current_ip: contextvars.ContextVar[str | None] = contextvars.ContextVar("current_ip", default=None)


def audit(
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    *,
    unit_path: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    actor_obj = actor if getattr(actor, "pk", None) else None
    if not unit_path and obj is not None:
        unit_path = _unit_path_of(obj)
    return AuditEvent.objects.create(
        actor=actor_obj,
        actor_label=getattr(actor_obj, "username", "") or "system",
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:255] if obj is not None else "",
        unit_path=unit_path,
        before=before,
        after=after,
        ip=current_ip.get(),
    )


def _unit_path_of(obj: models.Model) -> str:
    path = getattr(obj, "path", None)
    if isinstance(path, str) and obj._meta.label_lower == "units.unit":
        return path
    unit = getattr(obj, "unit", None)
    return getattr(unit, "path", "") or ""


class AuditIPMiddleware:
    """Remember the client address for the audit events written during a request."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        token = current_ip.set(request.META.get("REMOTE_ADDR"))
        try:
            return self.get_response(request)
        finally:
            current_ip.reset(token)
