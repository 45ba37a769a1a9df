from __future__ import annotations

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status

from core.permissions import Role, ensure_role
from units import selectors, services
from units.models import Unit
from units.selectors import units_visible_to

router = Router(tags=["units"])


class UnitOut(Schema):
    code: str
    name: str
    authority_name: str
    kind: str
    parent: str | None
    path: str
    level: int

    @staticmethod
    def resolve_parent(obj: Unit) -> str | None:
        return obj.parent.code if obj.parent_id else None  # type: ignore[union-attr]


class UnitIn(Schema):
    code: str
    name: str
    kind: str
    authority_name: str = ""


@router.get("", response=list[UnitOut])
def list_units(request: HttpRequest, parent: str | None = None) -> list[Unit]:
    """Units the caller may see, optionally only the children of ``parent``."""
    qs = units_visible_to(request.user).select_related("parent")
    if parent:
        qs = qs.filter(parent__code=selectors.normalise_code(parent))
    return list(qs[:5000])


@router.get("/{code}", response=UnitOut)
def get_unit(request: HttpRequest, code: str) -> Unit:
    return get_object_or_404(
        units_visible_to(request.user).select_related("parent"),
        code=selectors.normalise_code(code),
    )


@router.post("/{code}/children", response={201: UnitOut})
def create_child(request: HttpRequest, code: str, payload: UnitIn) -> Status:
    parent = get_object_or_404(units_visible_to(request.user), code=code)
    ensure_role(request.user, parent, Role.ADMINISTRATOR)
    unit = services.unit_create(
        acting_user=request.user,
        parent=parent,
        code=payload.code,
        name=payload.name,
        kind=payload.kind,
        authority_name=payload.authority_name,
    )
    return Status(201, unit)
