from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.permissions import Role, has_role, home_unit
from reports import build, services
from reports.forms import NarrativeForm, PeriodForm
from reports.model import ReportData
from reports.period_request import read_period
from reports.periods import Period
from reports.render.html import page_sections
from units.models import Unit
from units.selectors import units_visible_to

SORTS = {"name", "posts", "reach", "views", "engagements", "reported_months"}


def _unit(request: HttpRequest, code: str) -> Unit:
    return get_object_or_404(units_visible_to(request.user), code=code)


def _period(request: HttpRequest) -> tuple[Period | None, PeriodForm]:
    got = read_period(request)
    return got.period, got.form


@login_required
def report_home(request: HttpRequest) -> HttpResponse:
    unit = home_unit(request.user)
    if unit is None:
        raise PermissionDenied
    target = reverse("reports:report", args=[unit.code])
    query = request.GET.urlencode()  # a period asked for at /reports/ is kept
    return redirect(f"{target}?{query}" if query else target)


def _sorted_children(children: list[dict[str, Any]], sort: str) -> list[dict[str, Any]]:
    key = sort.lstrip("-")
    if key not in SORTS:
        return children
    reverse_order = sort.startswith("-")

    def value(row: dict[str, Any]) -> Any:
        if key == "name":
            return row["unit"]["name"]
        if key == "reported_months":
            return row["reported_months"]
        return row["totals"][key] if row["totals"][key] is not None else -1

    return sorted(children, key=value, reverse=reverse_order)


@login_required
def report_page(request: HttpRequest, code: str) -> HttpResponse:
    unit = _unit(request, code)
    got = read_period(request)
    if got.redirect_to:
        return redirect(got.redirect_to)
    period = got.period
    context: dict[str, Any] = {
        "unit": unit,
        "form": got.form,
        "picker": got.picker,
        "period": period,
    }
    if period is None:
        return render(request, "reports/report.html", context, status=400)
    data = build.report_data(unit, period)
    sort = request.GET.get("sort", "")  # by default in name order, as in the documents
    data["children"] = _sorted_children(data["children"], sort)
    query = urlencode({"period": period.code, "convention": period.convention})
    model = ReportData.from_dict(data)
    context.update(
        data=data,
        sort=sort,
        current_sort=sort,
        sortable=True,
        query=query,
        sections=page_sections(
            model, query=query, charts=build.chart_specs(data, lang=get_language() or "vi")
        ),
        narrative_form=NarrativeForm(instance=build.narrative_for(unit, period)),
        can_edit=has_role(request.user, unit, Role.EDITOR),
        ancestors=units_visible_to(request.user).filter(code__in=unit.ancestor_codes()),
        previous=period.previous_year(),
        period_label=period.label_vi() if (get_language() or "vi") == "vi" else period.label_en(),
    )
    return render(request, "reports/report.html", context)


@login_required
@require_POST
def report_narrative(request: HttpRequest, code: str) -> HttpResponse:
    unit = _unit(request, code)
    if not has_role(request.user, unit, Role.EDITOR):
        raise PermissionDenied
    period, _form = _period(request)
    if period is None:
        return HttpResponse(_("Kỳ báo cáo không hợp lệ."), status=400)
    form = NarrativeForm(request.POST)
    if form.is_valid():
        services.narrative_save(
            acting_user=request.user,
            unit=unit,
            period=period,
            values={k: str(v) for k, v in form.cleaned_data.items()},
        )
        messages.success(request, _("Đã lưu nội dung báo cáo."))
    else:
        messages.error(request, _("Chưa lưu: nội dung không hợp lệ."))
    query = urlencode({"period": period.code, "convention": period.convention})
    return redirect(f"{reverse('reports:report', args=[unit.code])}?{query}#narrative")


@login_required
def report_download(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    unit = _unit(request, code)
    period, _form = _period(request)
    if period is None:
        return HttpResponse(_("Kỳ báo cáo không hợp lệ."), status=400)
    data = build.report_data(unit, period)
    if fmt == "docx":
        body = build.build_docx(data)
        content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    else:
        body = build.build_xlsx(data)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{build.file_name(unit, period, fmt)}"'
    return response
