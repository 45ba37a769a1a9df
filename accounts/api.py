from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from core.permissions import membership_of

router = Router(tags=["accounts"])


class MeOut(Schema):
    username: str
    unit: dict[str, str] | None
    role: str | None


@router.get("/me", response=MeOut)
def me(request: HttpRequest) -> dict[str, object]:
    """Who the token or session acts as, and where."""
    membership = membership_of(request.user)
    return {
        "username": request.user.get_username(),
        "unit": (
            {"code": membership.unit.code, "name": membership.unit.name} if membership else None
        ),
        "role": membership.role if membership else None,
    }
