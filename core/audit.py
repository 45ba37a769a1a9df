"""The audit trail. Every service calls :func:`audit` inside its transaction."""

from __future__ import annotations

import contextvars
from typing import Any

from django.db import models

from core.models import AuditEvent

current_ip: contextvars.ContextVar[str | None] = contextvars.ContextVar("current_ip", default=None)


class AuditWithoutUnit(ValueError):
    """An audit record would name no unit, so no unit's trail would ever show it."""


# Objects that do not hold a unit themselves but belong to one through these relations.
_UNIT_FIELDS = ("unit", "issuing_unit")
_VIA = (
    "membership",
    "user",
    "channel",
    "post",
    "item",
    "factcheck",
    "batch",
    "connection",
    "report",
)


def audit(
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    *,
    unit_path: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    installation: bool = False,
) -> AuditEvent:
    """Record ``action`` on ``obj``, under the unit ``obj`` belongs to (or ``unit_path``).

    A record with no unit is refused unless the caller says the action concerns the whole
    installation (``installation=True``: loading the official unit list, a lockout of an
    unknown user name), or the actor is an operator (a superuser with no unit) acting on
    something of their own; such records are seen by operators only.
    """
    actor_obj = actor if getattr(actor, "pk", None) else None
    if not unit_path and obj is not None:
        unit_path = _unit_path_of(obj)
    operator = bool(getattr(actor_obj, "is_superuser", False))
    if not unit_path and not installation and not operator:
        raise AuditWithoutUnit(f"audit {action!r} names no unit: pass unit_path or an object")
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


def _unit_path_of(obj: models.Model, depth: int = 0) -> str:
    path = getattr(obj, "path", None)
    if isinstance(path, str) and obj._meta.label_lower == "units.unit":
        return path
    for name in _UNIT_FIELDS:
        unit = getattr(obj, name, None)
        if isinstance(getattr(unit, "path", None), str) and unit.path:  # type: ignore[union-attr]
            return unit.path  # type: ignore[union-attr]
    if depth < 2:
        for name in _VIA:
            related = getattr(obj, name, None)
            if isinstance(related, models.Model):
                found = _unit_path_of(related, depth + 1)
                if found:
                    return found
    return ""


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
