"""Public fact-check pages (no login), mounted at /p/kiem-chung/."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import strip_tags
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.forms import add_service_errors
from factchecks import selectors, services
from factchecks.claimreview import as_script, claim_review
from factchecks.forms import SuggestForm
from factchecks.models import FactCheck, PolicyPage, Verdict
from factchecks.policies import DEFAULTS
from factchecks.text import render_markdown
from security.ratelimit import client_ip, limit

PER_PAGE = 20


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def factcheck_list(request: HttpRequest) -> HttpResponse:
    g = request.GET
    filters = {
        "q": g.get("q", "").strip()[:200],
        "verdict": g.get("verdict", "") if g.get("verdict") in Verdict.values else "",
        "topic": g.get("topic", "").strip()[:60],
        "date_from": _date(g.get("from")),
        "date_to": _date(g.get("to")),
    }
    qs = selectors.search(selectors.public_factchecks(), **filters)  # type: ignore[arg-type]
    page = Paginator(qs.order_by("-published_at", "-id"), PER_PAGE).get_page(g.get("page"))
    query = g.copy()
    query.pop("page", None)
    return render(
        request,
        "factchecks/public/list.html",
        {
            "page": page,
            "filters": filters,
            "verdicts": Verdict.choices,
            "topics": selectors.topics_in_use(),
            "query": query.urlencode(),
        },
    )


def factcheck_detail(request: HttpRequest, pk: int) -> HttpResponse:
    fc = get_object_or_404(selectors.public_factchecks(), pk=pk)
    page_url = request.build_absolute_uri(reverse("factchecks_public:detail", args=[fc.pk]))
    jsonld = None
    if fc.status == FactCheck.Status.PUBLISHED:  # a withdrawn review is no longer claimed
        jsonld = as_script(claim_review(fc, page_url=page_url))
    return render(
        request,
        "factchecks/public/detail.html",
        {
            "fc": fc,
            "jsonld": jsonld,
            "sources": fc.sources.all(),
            "corrections": fc.corrections.all(),
            "explanation": mark_safe(fc.explanation_html),  # noqa: S308 - nh3-sanitised
        },
    )


def feed(request: HttpRequest) -> HttpResponse:
    items = selectors.public_factchecks().order_by("-published_at", "-id")[:50]
    f = Atom1Feed(
        title=_("Kiểm chứng thông tin"),
        link=request.build_absolute_uri(reverse("factchecks_public:list")),
        description=_("Các bài kiểm chứng thông tin mới nhất."),
        language="vi",
        feed_url=request.build_absolute_uri(request.path),
    )
    for fc in items:
        link = request.build_absolute_uri(reverse("factchecks_public:detail", args=[fc.pk]))
        verdict = str(fc.get_verdict_display())
        if fc.status == FactCheck.Status.WITHDRAWN:
            verdict = _("Đã rút bài")
        f.add_item(
            title=f"{verdict}: {fc.claim_short}",
            link=link,
            unique_id=link,
            description=strip_tags(fc.explanation_html)[:500],
            author_name=fc.unit.authority_name,
            pubdate=fc.published_at,
            updateddate=fc.updated_at,
            categories=[t.name for t in fc.topics.all()],
        )
    response = HttpResponse(content_type="application/atom+xml; charset=utf-8")
    f.write(response, "utf-8")
    return response


def _policy(request: HttpRequest, kind: str) -> HttpResponse:
    page = selectors.policy_page(kind)
    body = page.body_html if page else render_markdown(str(DEFAULTS[kind]))
    return render(
        request,
        "factchecks/public/policy.html",
        {
            "title": PolicyPage.Kind(kind).label,
            "body": mark_safe(body),  # noqa: S308 - nh3-sanitised
            "updated_at": page.updated_at if page else None,
        },
    )


def methodology(request: HttpRequest) -> HttpResponse:
    return _policy(request, PolicyPage.Kind.METHODOLOGY)


def corrections_policy(request: HttpRequest) -> HttpResponse:
    return _policy(request, PolicyPage.Kind.CORRECTIONS)


@require_http_methods(["GET", "POST"])
def suggest(request: HttpRequest) -> HttpResponse:
    target = selectors.suggestion_target(request.POST.get("unit") or request.GET.get("don-vi"))
    if target is None:
        raise Http404
    form = SuggestForm(request.POST or None, initial={"unit": target.code})
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data["website"]:
            # A bot filled the honeypot: answer as if it worked, store nothing.
            messages.success(request, _("Cảm ơn bạn. Chúng tôi đã nhận đề nghị."))
            return redirect("factchecks_public:suggest")
        rate = getattr(settings, "BANTIN_SUGGEST_RATE", "5/h")
        if not limit(f"suggest:{client_ip(request)}", rate):
            form.add_error(
                None,
                _("Bạn đã gửi nhiều đề nghị trong thời gian ngắn. Xin thử lại sau."),
            )
            status = 429
        else:
            try:
                services.suggestion_create(
                    unit=target,
                    claim_text=data["claim_text"],
                    platform=data["platform"],
                    contact=data["contact"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Cảm ơn bạn. Chúng tôi đã nhận đề nghị."))
                return redirect("factchecks_public:suggest")
    return render(
        request,
        "factchecks/public/suggest.html",
        {"form": form, "target": target, "now": timezone.now()},
        status=status,
    )
