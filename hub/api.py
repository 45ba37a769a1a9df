"""The hub's JSON API, scoped like the pages: the caller sees the items of their issuing
side (every state) and the published items addressed to their subtree; the coverage is
the issuing side's only."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status

from core.permissions import Role, ensure_role
from hub import presenting, selectors, services
from hub.models import Item, Republication
from units.models import Unit
from units.selectors import normalise_code

router = Router(tags=["hub"])


class UnitRef(Schema):
    code: str
    name: str


class AttachmentOut(Schema):
    id: int
    kind: str
    name: str
    content_type: str
    size: int
    width: int | None
    height: int | None


class ItemOut(Schema):
    id: int
    code: str
    short_url: str
    title: str
    summary: str
    kind: str
    state: str
    status: str
    issuing_unit: UnitRef
    audience: str
    audience_units: list[UnitRef]
    tags: list[str]
    publish_start: datetime
    publish_end: datetime | None
    approved_at: datetime | None


class ItemDetailOut(ItemOut):
    body: str
    body_html: str
    attachments: list[AttachmentOut]


class ChannelRef(Schema):
    id: int
    platform: str
    identifier: str
    url: str


class RepublishedOut(Schema):
    unit: UnitRef
    channel: ChannelRef
    url: str
    published_at: datetime
    reach: int | None
    views: int | None


class PlatformTotals(Schema):
    platform: str
    republications: int
    reach: int
    views: int


class UnitTotals(Schema):
    unit: UnitRef
    republications: int
    reach: int
    views: int


class TotalsOut(Schema):
    addressed: int
    republished_units: int
    missing_units: int
    republications: int
    linked_posts: int
    posts_with_reach: int
    reach: int
    views: int
    by_platform: list[PlatformTotals]
    by_unit: list[UnitTotals]


class CoverageOut(Schema):
    item: ItemOut
    addressed: list[UnitRef]
    republished: list[RepublishedOut]
    missing: list[UnitRef]
    totals: TotalsOut


class RepublicationIn(Schema):
    unit: str
    url: str
    published_at: datetime | None = None


class RepublicationOut(Schema):
    id: int
    item: int
    unit: UnitRef
    channel: ChannelRef
    url: str
    published_at: datetime
    post: int | None


def _unit(u: Unit) -> dict[str, str]:
    return {"code": u.code, "name": u.name}


def _channel(c: Any) -> dict[str, Any]:
    return {"id": c.pk, "platform": c.platform, "identifier": c.identifier, "url": c.url}


def _item(request: HttpRequest, item: Item, *, detail: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": item.pk,
        "code": item.code,
        "short_url": presenting.short_url(request, item),
        "title": item.title,
        "summary": item.summary,
        "kind": item.kind,
        "state": item.state(),
        "status": item.status,
        "issuing_unit": _unit(item.issuing_unit),
        "audience": item.audience,
        "audience_units": [_unit(u) for u in item.audience_units.all()],
        "tags": [t.name for t in item.tags.all()],
        "publish_start": item.publish_start,
        "publish_end": item.publish_end,
        "approved_at": item.approved_at,
    }
    if detail:
        data["body"] = item.body
        data["body_html"] = item.body_html
        data["attachments"] = [
            {
                "id": a.pk,
                "kind": a.kind,
                "name": a.original_name,
                "content_type": a.content_type,
                "size": a.size,
                "width": a.width,
                "height": a.height,
            }
            for a in item.attachments.all()
        ]
    return data


@router.get("/items", response=list[ItemOut])
def list_items(
    request: HttpRequest,
    unit: str | None = None,
    addressed_to: str | None = None,
    state: str | None = None,
    limit: int = 100,
) -> list[dict[str, Any]]:
    """Items the caller may see. ``unit``: issued by that unit; ``addressed_to``: published
    items addressed to that unit (of the caller's subtree); ``state``: draft, scheduled,
    published or ended."""
    if addressed_to:
        target = get_object_or_404(
            selectors.units_seen_by(request.user), code=normalise_code(addressed_to)
        )
        qs = selectors.items_for_unit(target)
    else:
        qs = selectors.items_visible_to(request.user)
    if unit:
        qs = qs.filter(issuing_unit__code=normalise_code(unit))
    qs = qs.prefetch_related("tags", "audience_units").order_by("-publish_start", "-id")
    items = list(qs[: max(1, min(limit, 500))])
    if state:
        items = [i for i in items if i.state() == state]
    return [_item(request, i) for i in items]


@router.get("/items/{id}", response=ItemDetailOut)
def get_item(request: HttpRequest, id: int) -> dict[str, Any]:  # noqa: A002 - the path's name
    item = get_object_or_404(
        selectors.items_visible_to(request.user).prefetch_related(
            "tags", "audience_units", "attachments"
        ),
        pk=id,
    )
    return _item(request, item, detail=True)


@router.get("/items/{id}/coverage", response=CoverageOut)
def get_coverage(request: HttpRequest, id: int) -> dict[str, Any]:  # noqa: A002
    """Which addressed units republished the item, where and when, with the reach and views
    of the linked ledger posts (sums of post figures, not people), and the units not yet.
    The issuing side only."""
    item = get_object_or_404(selectors.items_issued_visible_to(request.user), pk=id)
    cov = selectors.coverage(item)
    t = cov.totals
    return {
        "item": _item(request, item),
        "addressed": [_unit(u) for u in cov.addressed],
        "republished": [
            {
                "unit": _unit(r.unit),
                "channel": _channel(r.channel),
                "url": r.url,
                "published_at": r.published_at,
                "reach": r.reach,
                "views": r.views,
            }
            for r in cov.rows
        ],
        "missing": [_unit(u) for u in cov.missing],
        "totals": {
            **t.as_dict(),
            "missing_units": len(cov.missing),
            "by_platform": [
                {k: p[k] for k in ("platform", "republications", "reach", "views")}
                for p in cov.by_platform
            ],
            "by_unit": [
                {
                    "unit": _unit(u["unit"]),
                    "republications": u["republications"],
                    "reach": u["reach"],
                    "views": u["views"],
                }
                for u in cov.by_unit
            ],
        },
    }


@router.post("/items/{id}/republications", response={201: RepublicationOut})
def record_republication(
    request: HttpRequest,
    id: int,  # noqa: A002
    payload: RepublicationIn,
) -> Status:
    """Record that ``unit`` (of the caller's subtree, addressed by the item) ran the item:
    ``url`` is the post's address on one of the unit's own registered channels."""
    unit = get_object_or_404(
        selectors.units_seen_by(request.user), code=normalise_code(payload.unit)
    )
    item = get_object_or_404(selectors.items_for_unit(unit), pk=id)
    ensure_role(request.user, unit, Role.REPORTER)
    rep: Republication = services.republication_record(
        acting_user=request.user,
        item=item,
        unit=unit,
        url=payload.url,
        published_at=payload.published_at,
    )
    return Status(
        201,
        {
            "id": rep.pk,
            "item": item.pk,
            "unit": _unit(unit),
            "channel": _channel(rep.channel),
            "url": rep.url,
            "published_at": rep.published_at,
            "post": rep.post_id,
        },
    )
