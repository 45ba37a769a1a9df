"""The registry's JSON API: the public lookup, and scoped list/detail/register/verify/retire."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Literal

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET
from ninja import Query, Router, Schema, Status

from core.permissions import Role, ensure_role
from registry import selectors, services
from registry.models import Channel
from registry.ratelimits import RATE_MESSAGE, lookup_allowed, retry_after
from units.selectors import normalise_code

router = Router(tags=["registry"])


class UnitRef(Schema):
    code: str
    name: str
    path: str


class ChannelRef(Schema):
    id: int
    platform: str
    platform_label: str  # the platform's name, for people
    identifier: str
    url: str
    display_name: str
    status: str
    verified_at: str | None  # ISO 8601


class Similar(Schema):
    channel: ChannelRef
    unit: UnitRef


class LookupOut(Schema):
    status: Literal[
        "official", "pending", "lookalike", "fake_platform", "name_matches", "not_found"
    ]
    channel: ChannelRef | None
    unit: UnitRef | None
    similar: list[Similar]
    lookalike_of: list[Similar]  # verified channels a pending or retired channel resembles
    imitates: str | None  # fake_platform: the platform whose domain the host imitates
    warnings: list[str]  # "hidden_characters"


class LookupError(Schema):
    detail: dict[str, str]


class ChannelOut(Schema):
    id: int
    platform: str
    identifier: str
    url: str
    display_name: str
    external_id: str
    status: str
    unit: UnitRef
    registered_at: datetime
    verified_at: datetime | None
    verified_by: str | None
    verification_method: str
    retired_at: datetime | None

    @staticmethod
    def resolve_unit(obj: Channel) -> dict[str, str]:
        return {"code": obj.unit.code, "name": obj.unit.name, "path": obj.unit.path}

    @staticmethod
    def resolve_registered_at(obj: Channel) -> datetime:
        return obj.created_at

    @staticmethod
    def resolve_verified_by(obj: Channel) -> str | None:
        return obj.verified_by.username if obj.verified_by else None


class ChannelIn(Schema):
    unit: str
    url: str
    display_name: str = ""
    # the reason to go on when the channel resembles a registered one (else 400 naming it)
    acknowledge_lookalike: str = ""


class VerifyIn(Schema):
    method: str
    acknowledge_lookalike: str = ""


class RetireIn(Schema):
    reason: str = ""


class ListFilters(Schema):
    unit: str | None = None
    status: str | None = None
    platform: str | None = None


_LOOKUP_DOC = {
    "parameters": [
        {
            "in": "query",
            "name": "q",
            "required": True,
            "schema": {"type": "string", "title": "Q"},
            "description": "A link, a domain, an @handle or a page name.",
        }
    ]
}


@require_GET
def lookup_view(request: HttpRequest) -> HttpResponse:
    """``GET /api/registry/lookup``, the hottest public endpoint, as a plain Django view.

    config/urls.py routes the path here ahead of the API's URLs; the django-ninja operation
    below describes it in the OpenAPI document and answers through this same function. Routing
    through django-ninja (the walk down to the API's URL patterns, the operation's wrapper)
    cost more CPU than the lookup itself (issue 15, item 6). ``q`` is read here rather than
    declared (pydantic's per-request validation cost more than a cached answer), and the
    body is the selector's JSON, already shaped like LookupOut, sent without re-validation.
    The security middleware, the rate limit and the 429 are the same as for every view.
    """
    if not lookup_allowed(request):
        return HttpResponse(
            json.dumps({"detail": str(RATE_MESSAGE)}, ensure_ascii=False),
            status=429,
            content_type="application/json",
            headers={"Retry-After": retry_after()},
        )
    status, body = selectors.lookup_json(request.GET.get("q", ""))
    # (set here: registry.middleware answers ahead of CommonMiddleware, which would set it)
    headers = {"Content-Length": str(len(body))}
    return HttpResponse(body, status=status, content_type="application/json", headers=headers)


@router.get(
    "/lookup",
    response={200: LookupOut, 400: LookupError},
    auth=None,
    url_name="lookup",
    openapi_extra=_LOOKUP_DOC,
)
def lookup(request: HttpRequest) -> HttpResponse:
    """Is this link, domain, @handle or page name an official channel? Public, no token.

    ``status``: ``official`` (registered and verified), ``pending`` (registered, awaiting
    verification; ``lookalike_of`` lists the verified channels it resembles),
    ``lookalike`` (not registered, but resembles the channels in ``similar``),
    ``fake_platform`` (the host imitates the domain of the platform ``imitates``),
    ``name_matches`` (a name proves nothing: ``similar`` lists the official channels bearing
    it), ``not_found``. ``warnings`` holds ``hidden_characters`` when an invisible or
    direction-changing character stood inside the query: such a query is never official.
    Input that cannot designate a channel answers 400 with a message; too many lookups from
    one address answer 429 with ``Retry-After``.
    """
    return lookup_view(request)


@router.get("/channels", response=list[ChannelOut])
def list_channels(request: HttpRequest, filters: Query[ListFilters]) -> list[Channel]:
    """Channels of the caller's subtree (every status), optionally filtered."""
    qs = selectors.channels_visible_to(request.user).select_related("verified_by")
    if filters.unit:
        qs = qs.filter(unit__code=normalise_code(filters.unit))
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.platform:
        qs = qs.filter(platform=filters.platform)
    return list(qs.order_by("unit__path", "platform", "identifier")[:5000])


@router.get("/channels/{channel_id}", response=ChannelOut)
def get_channel(request: HttpRequest, channel_id: int) -> Channel:
    return get_object_or_404(
        selectors.channels_visible_to(request.user).select_related("verified_by"), pk=channel_id
    )


@router.post("/channels", response={201: ChannelOut})
def register_channel(request: HttpRequest, payload: ChannelIn) -> Status[Channel]:
    """Register a channel of a unit of the caller's subtree (editor or above)."""
    unit = get_object_or_404(
        selectors.units_seen_by(request.user), code=normalise_code(payload.unit)
    )
    channel = services.channel_register(
        acting_user=request.user,
        unit=unit,
        url=payload.url,
        display_name=payload.display_name,
        acknowledge_lookalike=payload.acknowledge_lookalike,
    )
    return Status(201, channel)


@router.post("/channels/{channel_id}/verify", response=ChannelOut)
def verify_channel(request: HttpRequest, channel_id: int, payload: VerifyIn) -> Channel:
    channel = get_object_or_404(selectors.channels_visible_to(request.user), pk=channel_id)
    ensure_role(request.user, channel.unit, Role.ADMINISTRATOR)
    return services.channel_verify(
        acting_user=request.user,
        channel=channel,
        method=payload.method,
        acknowledge_lookalike=payload.acknowledge_lookalike,
    )


@router.post("/channels/{channel_id}/retire", response=ChannelOut)
def retire_channel(request: HttpRequest, channel_id: int, payload: RetireIn) -> Channel:
    channel = get_object_or_404(selectors.channels_visible_to(request.user), pk=channel_id)
    ensure_role(request.user, channel.unit, Role.ADMINISTRATOR)
    return services.channel_retire(acting_user=request.user, channel=channel, reason=payload.reason)
