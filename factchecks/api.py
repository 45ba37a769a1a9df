"""Fact-checks as JSON. Published and withdrawn ones are public; a signed-in user (token or
session) also sees the drafts and reviews of their own subtree."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from core.api_auth import AUTH
from factchecks import selectors
from factchecks.claimreview import claim_review
from factchecks.models import FactCheck


def _anonymous(request: HttpRequest) -> bool:
    return True  # public data: no credentials needed; a valid token still identifies the user


OPTIONAL_AUTH: list[Any] = [*AUTH, _anonymous]

router = Router(tags=["factchecks"])


class SourceOut(Schema):
    title: str
    publisher: str
    url: str
    accessed_on: dt.date
    archive_url: str


class CorrectionOut(Schema):
    created_at: dt.datetime
    what_changed: str
    reason: str


class FactCheckOut(Schema):
    id: int
    url: str
    claim_short: str
    verdict: str
    verdict_label: str
    status: str
    unit: str
    unit_name: str
    topics: list[str]
    first_seen: dt.date
    published_at: dt.datetime | None
    updated_at: dt.datetime
    withdrawn_at: dt.datetime | None

    @staticmethod
    def resolve_url(obj: FactCheck, context: Any) -> str:
        return context["request"].build_absolute_uri(selectors.public_url(obj))

    @staticmethod
    def resolve_verdict_label(obj: FactCheck) -> str:
        return str(obj.get_verdict_display())

    @staticmethod
    def resolve_unit(obj: FactCheck) -> str:
        return obj.unit.code

    @staticmethod
    def resolve_unit_name(obj: FactCheck) -> str:
        return obj.unit.authority_name

    @staticmethod
    def resolve_topics(obj: FactCheck) -> list[str]:
        return [t.name for t in obj.topics.all()]


class FactCheckDetailOut(FactCheckOut):
    claim_text: str
    platforms: list[str]
    explanation: str
    explanation_html: str
    withdrawal_reason: str
    sources: list[SourceOut]
    corrections: list[CorrectionOut]

    @staticmethod
    def resolve_sources(obj: FactCheck) -> list[Any]:
        return list(obj.sources.all())

    @staticmethod
    def resolve_corrections(obj: FactCheck) -> list[Any]:
        return list(obj.corrections.all())


@router.get("", response=list[FactCheckOut], auth=OPTIONAL_AUTH)
def list_factchecks(
    request: HttpRequest,
    q: str = "",
    verdict: str = "",
    topic: str = "",
    status: str = "",
    limit: int = 50,
    offset: int = 0,
) -> list[FactCheck]:
    """Published and withdrawn fact-checks, plus your own subtree's drafts when signed in."""
    qs = selectors.search(
        selectors.factchecks_visible_to(request.user), q=q, verdict=verdict, topic=topic
    )
    if status:
        qs = qs.filter(status=status)
    limit = max(1, min(limit, 200))
    offset = max(0, offset)
    return list(qs.order_by("-published_at", "-id")[offset : offset + limit])


@router.get("/{id}", response=FactCheckDetailOut, auth=OPTIONAL_AUTH)
def get_factcheck(request: HttpRequest, id: int) -> FactCheck:
    return get_object_or_404(selectors.factchecks_visible_to(request.user), pk=id)


@router.get("/{id}/claimreview", response=dict[str, Any], auth=OPTIONAL_AUTH)
def get_claimreview(request: HttpRequest, id: int) -> dict[str, Any]:
    """The schema.org ClaimReview JSON-LD of a published fact-check (as on its page)."""
    fc = get_object_or_404(selectors.public_factchecks(), pk=id)
    if fc.status != FactCheck.Status.PUBLISHED:
        raise Http404
    return claim_review(fc, page_url=request.build_absolute_uri(selectors.public_url(fc)))
