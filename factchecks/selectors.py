"""Reads of fact-checks. Public pages see published and withdrawn ones; signed-in users
also see their subtree's drafts and reviews."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.urls import NoReverseMatch, reverse

from core.permissions import home_unit
from core.text import fold
from factchecks.models import FactCheck, PolicyPage, Suggestion, Topic
from units.models import Unit
from units.selectors import subtree_q

PUBLIC_PREFIX = "/p/kiem-chung/"  # where factchecks.public_urls is mounted


def public_factchecks() -> QuerySet[FactCheck]:
    return (
        FactCheck.objects.filter(status__in=FactCheck.PUBLIC_STATUSES)
        .select_related("unit")
        .prefetch_related("topics")
    )


def factchecks_in_scope(user: Any) -> QuerySet[FactCheck]:
    """Every fact-check of the user's subtree, whatever its status."""
    unit = home_unit(user)
    if unit is None:
        return FactCheck.objects.none()
    return FactCheck.objects.filter(subtree_q(unit)).select_related("unit", "author", "reviewer")


def factchecks_visible_to(user: Any) -> QuerySet[FactCheck]:
    """Published and withdrawn ones for everyone, plus the user's subtree's drafts."""
    condition = Q(status__in=FactCheck.PUBLIC_STATUSES)
    unit = home_unit(user)
    if unit is not None:
        condition |= subtree_q(unit)
    return FactCheck.objects.filter(condition).select_related("unit").prefetch_related("topics")


def search(
    qs: QuerySet[FactCheck],
    *,
    q: str = "",
    verdict: str = "",
    topic: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[FactCheck]:
    """Diacritics-insensitive words (all must match), verdict, topic and publication dates."""
    for word in fold(q).split()[:10]:
        qs = qs.filter(search_text__contains=word)
    if verdict:
        qs = qs.filter(verdict=verdict)
    if topic:
        qs = qs.filter(topics__folded=fold(topic))
    if date_from:
        qs = qs.filter(published_at__date__gte=date_from)
    if date_to:
        qs = qs.filter(published_at__date__lte=date_to)
    return qs.distinct()


def topics_in_use() -> QuerySet[Topic]:
    return Topic.objects.filter(factchecks__status__in=FactCheck.PUBLIC_STATUSES).distinct()


def suggestions_for(user: Any) -> QuerySet[Suggestion]:
    unit = home_unit(user)
    if unit is None:
        return Suggestion.objects.none()
    return Suggestion.objects.filter(subtree_q(unit)).select_related("unit")


def suggestion_target(code: str | None) -> Unit | None:
    """The unit a public suggestion goes to: the given unit, else the top-level unit."""
    if code:
        unit = Unit.objects.filter(code=code).first()
        if unit is not None:
            return unit
    return Unit.objects.filter(parent__isnull=True).order_by("path").first()


def policy_page(kind: str) -> PolicyPage | None:
    return PolicyPage.objects.filter(kind=kind).first()


def public_url(factcheck: FactCheck) -> str:
    """The fact-check's public page (path only)."""
    try:
        return reverse("factchecks_public:detail", args=[factcheck.pk])
    except NoReverseMatch:  # public_urls not mounted yet: the documented place
        return f"{PUBLIC_PREFIX}{factcheck.pk}/"
