from __future__ import annotations

import io
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from core.forms import add_service_errors
from core.permissions import Role, has_role
from ledger import approvals, confirmations, forms_grid, selectors, services
from ledger.formats.bantin_template import write_template_csv, write_template_xlsx
from ledger.forms import ImportUploadForm, MonthField, MonthlyFormForm
from ledger.models import ImportBatch, MonthlyForm


@login_required
def index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "ledger/index.html",
        {
            "form": ImportUploadForm(user=request.user),
            "batches": selectors.batches_visible_to(request.user)[:20],
            "can_import": selectors.channels_importable_by(request.user).exists()
            or selectors.units_reportable_by(request.user).exists(),
        },
    )


@login_required
@require_POST
def upload(request: HttpRequest) -> HttpResponse:
    form = ImportUploadForm(request.POST, request.FILES, user=request.user)
    if not selectors.units_reportable_by(request.user).exists():
        raise PermissionDenied
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = services.import_enqueue(
                acting_user=request.user,
                upload=upload,
                filename=upload.name,
                channel=form.cleaned_data["channel"],
            )
        except ValidationError as exc:
            form.add_error("file", exc.messages)
        else:
            return redirect("ledger:batch", pk=batch.pk)
    return render(
        request,
        "ledger/index.html",
        {
            "form": form,
            "batches": selectors.batches_visible_to(request.user)[:20],
            "can_import": True,
        },
    )


def _batch(request: HttpRequest, pk: int) -> ImportBatch:
    return get_object_or_404(selectors.batches_visible_to(request.user), pk=pk)


@login_required
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch(request, pk)
    waiting = batch.status == ImportBatch.Status.NEEDS_CHANNEL and batch.channel is not None
    channel_unit = batch.channel.unit if batch.channel is not None else batch.unit
    return render(
        request,
        "ledger/batch.html",
        {
            "batch": batch,
            "rows_done": services.read_progress(batch.pk),
            "rejections": batch.rejections.all()[:1000],
            "comparison": confirmations.page_comparison(batch) if waiting else [],
            "can_confirm": waiting
            and batch.channel is not None
            and services.can_confirm_channel(request.user, batch.channel),
            "can_request": waiting
            and batch.confirm_requested_at is None
            and has_role(request.user, channel_unit, Role.REPORTER),
            "can_register": has_role(request.user, channel_unit, Role.EDITOR),
            "confirmers": selectors.page_confirmers_of(channel_unit)
            if waiting or batch.status == ImportBatch.Status.REFUSED
            else [],
        },
    )


@login_required
def batch_progress(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch(request, pk)
    response = render(
        request,
        "ledger/_progress.html",
        {"batch": batch, "rows_done": services.read_progress(batch.pk)},
    )
    if batch.is_finished:
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def batch_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch(request, pk)
    if batch.channel is None or not services.can_import_to(request.user, batch.channel):
        raise PermissionDenied
    if not services.can_confirm_channel(request.user, batch.channel):
        raise PermissionDenied
    try:
        confirmations.page_confirm(
            acting_user=request.user, batch=batch, confirmed=request.POST.get("confirm") == "yes"
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Đã ghi mã trang cho kênh; file đang được nhập tiếp."))
    return redirect("ledger:batch", pk=batch.pk)


@login_required
@require_POST
def batch_request_confirmation(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch(request, pk)
    if batch.channel is None or not services.can_import_to(request.user, batch.channel):
        raise PermissionDenied
    try:
        confirmations.page_confirmation_request(acting_user=request.user, batch=batch)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Đã gửi cho biên tập viên; lô này nằm trong danh sách chờ xác nhận của họ."),
        )
    return redirect("ledger:batch", pk=batch.pk)


@login_required
@require_POST
def batch_decline(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch(request, pk)
    if batch.channel is None or not services.can_confirm_channel(request.user, batch.channel):
        raise PermissionDenied
    try:
        confirmations.page_confirmation_decline(acting_user=request.user, batch=batch)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("ledger:batch", pk=batch.pk)


@login_required
def confirmations_list(request: HttpRequest) -> HttpResponse:
    """The editor's queue of page confirmations reporters asked for."""
    return render(
        request,
        "ledger/confirmations.html",
        {"batches": selectors.pending_page_confirmations_for(request.user)[:200]},
    )


@login_required
def template_download(request: HttpRequest, kind: str) -> FileResponse:
    writers = {"xlsx": write_template_xlsx, "csv": write_template_csv}
    if kind not in writers:
        raise Http404
    name = f"mau-nhap-lieu-bantin.{kind}"
    # The template is a few kilobytes: read it back and leave no folder behind.
    with tempfile.TemporaryDirectory(prefix="bantin-template-") as folder:
        path = Path(folder) / name
        writers[kind](path)
        content = path.read_bytes()
    return FileResponse(io.BytesIO(content), as_attachment=True, filename=name)


@login_required
def forms_list(request: HttpRequest) -> HttpResponse:
    statuses = dict(MonthlyForm.Status.choices)
    status = request.GET.get("status", "")
    forms = selectors.forms_visible_to(request.user).order_by("-month", "unit__path", "platform")
    if status in statuses:
        forms = forms.filter(status=status)
    approvable = set(
        approvals.forms_awaiting_approval_by(request.user).values_list("pk", flat=True)
    )
    return render(
        request,
        "ledger/forms.html",
        {
            "forms": forms[:300],
            "status": status,
            "statuses": statuses.items(),
            "approvable": approvable,
            "can_fill": selectors.units_reportable_by(request.user).exists(),
        },
    )


@login_required
@require_POST
def forms_approve(request: HttpRequest) -> HttpResponse:
    """Approve the ticked forms, each one audited; those not the user's are skipped."""
    ids = [int(i) for i in request.POST.getlist("form") if i.isdigit()]
    waiting = approvals.forms_awaiting_approval_by(request.user)
    if not waiting.exists():
        raise PermissionDenied
    result = approvals.monthly_forms_approve_bulk(
        acting_user=request.user, forms=list(waiting.filter(pk__in=ids))
    )
    if result.approved:
        count = len(result.approved)
        messages.success(
            request,
            ngettext("Đã duyệt %(count)s báo cáo.", "Đã duyệt %(count)s báo cáo.", count)
            % {"count": count},
        )
    for form, reason in result.skipped:
        messages.error(request, f"{form}: {reason}")
    if not result.approved and not result.skipped:
        messages.error(request, _("Chưa chọn báo cáo nào để duyệt."))
    return redirect(f"{reverse('ledger:forms')}?status={MonthlyForm.Status.SUBMITTED}")


def _grid_unit_and_month(request: HttpRequest, reportable: Any) -> tuple[Any, date]:
    """The unit and month the grid shows: the request's choice, else the user's unit and
    the last closed reporting month."""
    source = request.POST if request.method == "POST" else request.GET
    unit = forms_grid.default_unit(request.user, reportable)
    if source.get("unit"):
        unit = get_object_or_404(reportable, pk=source.get("unit", "").strip() or 0)
    try:
        month = MonthField(required=False).clean(source.get("month"))
    except ValidationError:
        month = None
    assert unit is not None
    return unit, month or forms_grid.last_closed_month()


def _spread_errors(exc: ValidationError, rows: list[Any], errors: list[str]) -> None:
    """A service refusal: a platform's messages on its row, the rest above the grid."""
    if not hasattr(exc, "error_dict"):
        errors.extend(exc.messages)
        return
    by_platform = {r.platform: r for r in rows}
    for key, messages_ in exc.message_dict.items():
        if key in by_platform:
            by_platform[key].errors.extend(messages_)
        else:
            errors.extend(messages_)


def _save_grid(
    request: HttpRequest, unit: Any, month: date, rows: list[Any], errors: list[str]
) -> HttpResponse | None:
    """Save (or submit) the grid's rows; a redirect when saved, None with ``errors`` filled."""
    editable = [r for r in rows if r.form is not None]
    if not all(r.form.is_valid() for r in editable):
        errors.append(_("Có ô chưa đúng: xem các dòng được đánh dấu bên dưới."))
        return None
    values = {
        r.platform: r.form.cleaned_data
        for r in editable
        if r.existing is not None or not r.form.is_blank()
    }
    submit = request.POST.get("action") == "submit"
    try:
        if submit and not values and not any(r.existing for r in editable):
            raise ValidationError(_("Hãy điền số liệu của ít nhất một nền tảng."))
        saved = forms_grid.monthly_forms_save_month(
            acting_user=request.user, unit=unit, month=month, rows=values, submit=submit
        )
    except ValidationError as exc:
        _spread_errors(exc, rows, errors)
        return None
    if submit:
        messages.success(
            request,
            _("Đã gửi báo cáo tháng %(month)s lên đơn vị cấp trên duyệt.")
            % {"month": f"{month:%m/%Y}"},
        )
    elif saved:
        messages.success(request, _("Đã lưu bản nháp báo cáo tháng."))
    query = urlencode({"unit": str(unit.pk), "month": f"{month:%Y-%m}"})
    return redirect(f"{reverse('ledger:form_new')}?{query}")


@login_required
@require_http_methods(["GET", "POST"])
def form_new(request: HttpRequest) -> HttpResponse:
    """The unit's month on one screen: a row per platform."""
    reportable = selectors.units_reportable_by(request.user)
    if not reportable.exists():
        raise PermissionDenied
    unit, month = _grid_unit_and_month(request, reportable)
    posted = request.method == "POST"
    rows = forms_grid.build_rows(unit=unit, month=month, data=request.POST if posted else None)
    errors: list[str] = []
    if posted and (done := _save_grid(request, unit, month, rows, errors)) is not None:
        return done
    return render(
        request,
        "ledger/form_grid.html",
        {
            "unit": unit,
            "month": month,
            "month_value": f"{month:%Y-%m}",
            "units": reportable.order_by("path")[:500],
            "rows": rows,
            "errors": errors,
            "has_draft": any(r.existing is not None and r.existing.is_editable for r in rows),
        },
    )


def _monthly(request: HttpRequest, pk: int) -> MonthlyForm:
    return get_object_or_404(selectors.forms_visible_to(request.user), pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def form_detail(request: HttpRequest, pk: int) -> HttpResponse:
    monthly = _monthly(request, pk)
    can_edit = monthly.is_editable and has_role(request.user, monthly.unit, Role.REPORTER)
    form = None
    if can_edit:
        initial = {
            n: getattr(monthly, n)
            for n in ("unit", "month", "platform", *MonthlyForm.COUNT_FIELDS, "reach", "note")
        }
        form = MonthlyFormForm(request.POST or None, user=request.user, fixed=True, initial=initial)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                services.monthly_form_save(acting_user=request.user, **data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Đã lưu bản nháp báo cáo tháng."))
                return redirect("ledger:form", pk=monthly.pk)
    elif request.method == "POST":
        raise PermissionDenied
    return render(
        request,
        "ledger/form_detail.html",
        {
            "monthly": monthly,
            "form": form,
            "can_submit": can_edit,
            "can_review": selectors.can_approve(request.user, monthly),
        },
    )


@login_required
@require_POST
def form_submit(request: HttpRequest, pk: int) -> HttpResponse:
    monthly = _monthly(request, pk)
    try:
        services.monthly_form_submit(acting_user=request.user, form=monthly)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Đã gửi báo cáo lên đơn vị cấp trên."))
    return redirect("ledger:form", pk=monthly.pk)


@login_required
@require_POST
def form_review(request: HttpRequest, pk: int) -> HttpResponse:
    monthly = _monthly(request, pk)
    actions = {
        "approve": (services.monthly_form_approve, _("Đã duyệt báo cáo.")),
        "return": (services.monthly_form_return, _("Đã trả báo cáo về bản nháp.")),
        "lock": (services.monthly_form_lock, _("Đã khóa báo cáo.")),
        "unlock": (services.monthly_form_unlock, _("Đã mở khóa báo cáo; đơn vị có thể sửa.")),
    }
    action = actions.get(request.POST.get("action", ""))
    if not selectors.can_approve(request.user, monthly):
        raise PermissionDenied
    if action is None:
        messages.error(request, _("Thao tác không hợp lệ."))
        return redirect("ledger:form", pk=monthly.pk)
    service, done = action
    try:
        service(acting_user=request.user, form=monthly)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done)
    return redirect("ledger:form", pk=monthly.pk)
