"""The drill-down pages behind a report's figures: a unit's channels, its posts (and the
monthly-form rows that count) for the period, filtered and paginated, and the same list as
CSV. Every figure of the report page links here (``reports.sections.columns.drill``)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from reports import drilldown
from reports.csv_out import csv_text
from reports.forms import DrillFilterForm
from reports.period_request import kept, read_period
from reports.periods import Period
from units.models import Unit
from units.selectors import units_visible_to

PAGE_SIZE = 50


def _unit(request: HttpRequest, code: str) -> Unit:
    return get_object_or_404(units_visible_to(request.user), code=code)


def _label(period: Period) -> str:
    return period.label_vi() if (get_language() or "vi") == "vi" else period.label_en()


def _filters_query(form: DrillFilterForm) -> dict[str, str]:
    """The filters as given (only those set), to carry into page links and the CSV."""
    out = {}
    for name in ("channel", "platform", "content_type", "own", "without_reach"):
        value = form.data.get(name)
        if value:
            out[name] = str(value)
    return out


def _context(request: HttpRequest, code: str) -> tuple[Any, dict[str, Any]]:
    """(a response to return at once, or None; the page's context)."""
    unit = _unit(request, code)
    got = read_period(request)
    if got.redirect_to:
        return redirect(got.redirect_to), {}
    form = DrillFilterForm(request.GET or None, unit=unit)
    context: dict[str, Any] = {
        "unit": unit,
        "period": got.period,
        "form": got.form,
        "picker": got.picker,
        "filters": form,
        "kept": kept(request),
    }
    if got.period is None or (request.GET and not form.is_valid()):
        return None, context
    filters = form.filters() if form.is_bound else drilldown.Filters()
    context.update(
        filters_obj=filters,
        query=got.query,
        filter_query=urlencode(
            {
                "period": got.period.code,
                "convention": got.period.convention,
                **_filters_query(form),
            }
        ),
        period_label=_label(got.period),
        filter_query_set=bool(_filters_query(form)),
    )
    return None, context


@login_required
def posts_page(request: HttpRequest, code: str) -> HttpResponse:
    early, context = _context(request, code)
    if early is not None:
        return early
    if "filters_obj" not in context:
        return render(request, "reports/posts.html", context, status=400)
    unit, period, filters = context["unit"], context["period"], context["filters_obj"]
    listing = drilldown.Listing(unit, period, filters)
    paginator: Paginator[drilldown.Row] = Paginator(listing, PAGE_SIZE)  # type: ignore[arg-type]
    page = paginator.get_page(request.GET.get("page"))
    context.update(
        page=page,
        totals=drilldown.totals(unit, period, filters),
    )
    return render(request, "reports/posts.html", context)


CSV_HEADER = (
    "kind",
    "unit",
    "channel",
    "platform",
    "content_type",
    "published_at",
    "month",
    "caption",
    "url",
    "items",
    "reach",
    "views",
    "engagements",
    "items_without_reach",
)


def csv_row(row: drilldown.Row) -> list[Any]:
    return [
        row.kind,
        row.unit,
        row.channel,
        row.platform,
        row.content_type,
        row.published.strftime("%Y-%m-%d %H:%M") if row.published else "",
        row.month.strftime("%Y-%m"),
        row.caption,
        row.url,
        row.items,
        row.reach,
        row.views,
        row.engagements,
        row.without_reach,
    ]


@login_required
def posts_csv(request: HttpRequest, code: str) -> HttpResponse:
    early, context = _context(request, code)
    if early is not None:
        return early
    if "filters_obj" not in context:
        return HttpResponse(_("Kỳ báo cáo hoặc bộ lọc không hợp lệ."), status=400)
    unit, period, filters = context["unit"], context["period"], context["filters_obj"]
    rows = (csv_row(r) for r in drilldown.Listing(unit, period, filters))
    response = HttpResponse(csv_text(CSV_HEADER, rows), content_type="text/csv; charset=utf-8")
    name = f"bai-viet-{unit.code}-{period.code.replace(':', '_')}-{period.convention}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def channels_page(request: HttpRequest, code: str) -> HttpResponse:
    early, context = _context(request, code)
    if early is not None:
        return early
    if "filters_obj" not in context:
        return render(request, "reports/channels.html", context, status=400)
    unit, period, filters = context["unit"], context["period"], context["filters_obj"]
    rows = drilldown.channel_rows(unit, period, own=filters.own)
    context.update(
        rows=rows,
        active=sum(1 for r in rows if r.active),
        totals=drilldown.totals(unit, period, drilldown.Filters(own=filters.own)),
    )
    return render(request, "reports/channels.html", context)
