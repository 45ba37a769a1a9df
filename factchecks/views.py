"""Editor pages under /factchecks/: draft, review, publish, correct, withdraw, suggestions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.forms import add_service_errors
from core.permissions import Role, has_role, home_unit
from factchecks import selectors, services
from factchecks.forms import CorrectionForm, FactCheckForm, NoteForm, PolicyForm, ReasonForm
from factchecks.models import FactCheck, PendingCorrection, PolicyPage, Suggestion
from factchecks.policies import DEFAULTS
from units.selectors import subtree


def _editor_units(user: Any) -> Any:
    unit = home_unit(user)
    if unit is None or not has_role(user, unit, Role.EDITOR):
        raise PermissionDenied
    return subtree(unit)


def _get(request: HttpRequest, pk: int) -> FactCheck:
    return get_object_or_404(selectors.factchecks_in_scope(request.user), pk=pk)


def _ensure_editor(request: HttpRequest, fc: FactCheck) -> None:
    if not has_role(request.user, fc.unit, Role.EDITOR):
        raise PermissionDenied


@login_required
def factcheck_list(request: HttpRequest) -> HttpResponse:
    qs = selectors.factchecks_in_scope(request.user).order_by("-updated_at", "-id")
    status = request.GET.get("status", "")
    if status in FactCheck.Status.values:
        qs = qs.filter(status=status)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    unit = home_unit(request.user)
    return render(
        request,
        "factchecks/list.html",
        {
            "page": page,
            "status": status,
            "statuses": FactCheck.Status.choices,
            "can_edit": unit is not None and has_role(request.user, unit, Role.EDITOR),
            "new_suggestions": selectors.suggestions_for(request.user)
            .filter(status=Suggestion.Status.NEW)
            .count(),
            "can_edit_policies": services.can_edit_policies(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def factcheck_create(request: HttpRequest) -> HttpResponse:
    units = _editor_units(request.user)
    form = FactCheckForm(
        request.POST or None,
        units=units,
        initial={"unit": home_unit(request.user).code},  # type: ignore[union-attr]
    )
    if request.method == "POST" and form.is_valid():
        try:
            fc = services.factcheck_create(acting_user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu bản nháp."))
            return redirect("factchecks:detail", pk=fc.pk)
    return render(request, "factchecks/form.html", {"form": form, "factcheck": None})


@login_required
@require_http_methods(["GET", "POST"])
def factcheck_edit(request: HttpRequest, pk: int) -> HttpResponse:
    fc = _get(request, pk)
    _ensure_editor(request, fc)
    if fc.is_public:
        messages.warning(request, _("Bài đã đăng chỉ thay đổi được bằng một đính chính công khai."))
        return redirect("factchecks:correct", pk=fc.pk)
    units = _editor_units(request.user)
    form = FactCheckForm(request.POST or None, units=units, initial=FactCheckForm.initial_for(fc))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("unit")  # the publishing unit is fixed once drafted
        try:
            services.factcheck_update(acting_user=request.user, factcheck=fc, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu thay đổi."))
            return redirect("factchecks:detail", pk=fc.pk)
    return render(request, "factchecks/form.html", {"form": form, "factcheck": fc})


@login_required
def factcheck_detail(request: HttpRequest, pk: int) -> HttpResponse:
    fc = _get(request, pk)
    is_editor = has_role(request.user, fc.unit, Role.EDITOR)
    return render(
        request,
        "factchecks/detail.html",
        {
            "fc": fc,
            "is_editor": is_editor,
            "can_publish": is_editor
            and fc.status == FactCheck.Status.IN_REVIEW
            and request.user.pk not in (fc.author_id, fc.last_editor_id),
            "pending_corrections": fc.pending_corrections.select_related("made_by")
            if is_editor
            else [],
            "public_url": selectors.public_url(fc),
            "return_form": NoteForm(),
        },
    )


def _step(
    request: HttpRequest, pk: int, action: Callable[..., Any], done: str, **extra: Any
) -> HttpResponse:
    fc = _get(request, pk)
    _ensure_editor(request, fc)
    try:
        action(acting_user=request.user, factcheck=fc, **extra)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect("factchecks:detail", pk=fc.pk)


@login_required
@require_POST
def factcheck_submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(request, pk, services.factcheck_submit, _("Đã gửi duyệt."))


@login_required
@require_POST
def factcheck_return(request: HttpRequest, pk: int) -> HttpResponse:
    form = NoteForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    return _step(
        request, pk, services.factcheck_return_to_draft, _("Đã trả lại bản nháp."), note=note
    )


@login_required
@require_POST
def factcheck_publish(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(request, pk, services.factcheck_publish, _("Đã đăng công khai."))


@login_required
@require_http_methods(["GET", "POST"])
def factcheck_correct(request: HttpRequest, pk: int) -> HttpResponse:
    fc = _get(request, pk)
    _ensure_editor(request, fc)
    initial = FactCheckForm.initial_for(fc)
    form = CorrectionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            done = services.factcheck_correct(
                acting_user=request.user, factcheck=fc, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if isinstance(done, PendingCorrection):
                messages.success(
                    request,
                    _("Đính chính đổi kết luận đang chờ một biên tập viên khác duyệt."),
                )
            else:
                messages.success(request, _("Đã đăng đính chính."))
            return redirect("factchecks:detail", pk=fc.pk)
    return render(request, "factchecks/correct.html", {"form": form, "fc": fc})


@login_required
@require_POST
def correction_approve(request: HttpRequest, pk: int, pending_pk: int) -> HttpResponse:
    fc = _get(request, pk)
    _ensure_editor(request, fc)
    pending = get_object_or_404(PendingCorrection, pk=pending_pk, factcheck=fc)
    try:
        services.correction_approve(acting_user=request.user, pending=pending)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Đã duyệt và đăng đính chính."))
    return redirect("factchecks:detail", pk=fc.pk)


@login_required
@require_http_methods(["GET", "POST"])
def factcheck_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    fc = _get(request, pk)
    _ensure_editor(request, fc)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.factcheck_withdraw(
                acting_user=request.user, factcheck=fc, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã rút bài; trang công khai hiện thông báo rút bài."))
            return redirect("factchecks:detail", pk=fc.pk)
    return render(request, "factchecks/withdraw.html", {"form": form, "fc": fc})


@login_required
def suggestion_list(request: HttpRequest) -> HttpResponse:
    _editor_units(request.user)
    qs = selectors.suggestions_for(request.user)
    status = request.GET.get("status", Suggestion.Status.NEW)
    if status in Suggestion.Status.values:
        qs = qs.filter(status=status)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "factchecks/suggestions.html",
        {"page": page, "status": status, "statuses": Suggestion.Status.choices},
    )


@login_required
@require_POST
def suggestion_close(request: HttpRequest, pk: int) -> HttpResponse:
    suggestion = get_object_or_404(selectors.suggestions_for(request.user), pk=pk)
    if not has_role(request.user, suggestion.unit, Role.EDITOR):
        raise PermissionDenied
    try:
        services.suggestion_close(
            acting_user=request.user, suggestion=suggestion, status=request.POST.get("status", "")
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Đã cập nhật đề nghị."))
    return redirect("factchecks:suggestions")


@login_required
@require_http_methods(["GET", "POST"])
def policy_edit(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in PolicyPage.Kind.values:
        raise PermissionDenied
    if not services.can_edit_policies(request.user):
        raise PermissionDenied
    page = selectors.policy_page(kind)
    initial = {"body": page.body if page else str(DEFAULTS[kind])}
    form = PolicyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.policy_update(
                acting_user=request.user, kind=kind, body=form.cleaned_data["body"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu trang."))
            return redirect("factchecks:list")
    return render(
        request,
        "factchecks/policy_form.html",
        {"form": form, "title": PolicyPage.Kind(kind).label},
    )
