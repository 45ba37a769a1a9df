from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.forms import add_service_errors
from core.permissions import Role, has_role
from units import selectors, services
from units.forms import UnitCreateForm
from units.selectors import units_visible_to


@login_required
def unit_detail(request: HttpRequest, code: str) -> HttpResponse:
    unit = get_object_or_404(units_visible_to(request.user), code=code)
    return render(
        request,
        "units/unit_detail.html",
        {
            "unit": unit,
            "ancestors": units_visible_to(request.user).filter(code__in=unit.ancestor_codes()),
            "children": selectors.children_with_counts(unit),
            "kind_counts": selectors.kind_counts(unit),
            "can_add": has_role(request.user, unit, Role.ADMINISTRATOR),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def unit_add_child(request: HttpRequest, code: str) -> HttpResponse:
    parent = get_object_or_404(units_visible_to(request.user), code=code)
    if not has_role(request.user, parent, Role.ADMINISTRATOR):
        raise PermissionDenied
    form = UnitCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            unit = services.unit_create(
                acting_user=request.user, parent=parent, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã thêm đơn vị %(name)s.") % {"name": unit.name})
            return redirect("units:detail", code=unit.code)
    return render(request, "units/unit_form.html", {"form": form, "parent": parent})
