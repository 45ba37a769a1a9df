"""Signed-in pages of the hub, under /hub/."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.downloads import stored_file_response
from core.forms import add_service_errors
from core.permissions import Role, has_role, home_unit
from hub import presenting, selectors, services
from hub.export import coverage_xlsx
from hub.forms import ItemForm, ReopenForm, RepublicationForm
from hub.models import Attachment, Item


def _item_or_404(request: HttpRequest, pk: int) -> Item:
    return get_object_or_404(selectors.items_visible_to(request.user), pk=pk)


def _issued_item_or_404(request: HttpRequest, pk: int) -> Item:
    return get_object_or_404(selectors.items_issued_visible_to(request.user), pk=pk)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    qs = selectors.items_issued_visible_to(request.user).prefetch_related("tags")
    state = request.GET.get("state", "")
    if state == "draft":
        qs = qs.filter(status=Item.Status.DRAFT)
    page = Paginator(qs.order_by("-created_at", "-id"), 30).get_page(request.GET.get("page"))
    unit = home_unit(request.user)
    return render(
        request,
        "hub/home.html",
        {
            "page": page,
            "state": state,
            "unit": unit,
            "can_issue": selectors.units_for_issuing(request.user).exists(),
            "to_republish": selectors.items_for_unit(unit, live_only=True).filter(done=False)[:5]  # type: ignore[misc]
            if unit is not None
            else [],
        },
    )


def _form_kwargs(request: HttpRequest) -> dict[str, Any]:
    return {
        "issuing_units": selectors.units_for_issuing(request.user).order_by("path"),
        "audience_units": selectors.audience_choices(request.user),
    }


def _service_args(form: ItemForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "title": data["title"],
        "summary": data["summary"],
        "body": data.get("body") or "",
        "kind": data["kind"],
        "tags": data.get("tags") or "",
        "audience": data["audience"],
        "audience_units": list(data.get("audience_units") or []),
        "publish_start": data["publish_start"],
        "publish_end": data.get("publish_end"),
        "attachments": data.get("attachments") or [],
    }


@login_required
@require_http_methods(["GET", "POST"])
def item_create(request: HttpRequest) -> HttpResponse:
    services.ensure_can_issue_somewhere(request.user)
    initial = {}
    unit = home_unit(request.user)
    if unit is not None:
        initial["issuing_unit"] = unit.code
    form = ItemForm(
        request.POST or None, request.FILES or None, initial=initial, **_form_kwargs(request)
    )
    if request.method == "POST" and form.is_valid():
        try:
            item = services.item_create(
                acting_user=request.user,
                issuing_unit=form.cleaned_data["issuing_unit"],
                **_service_args(form),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Đã lưu bản nháp. Cần một biên tập viên khác duyệt trước khi đăng."),
            )
            return redirect("hub:detail", pk=item.pk)
    return render(request, "hub/item_form.html", {"form": form, "item": None})


@login_required
def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item_or_404(request, pk)
    issuer_side = selectors.can_see_coverage(request.user, item)
    link = presenting.short_url(request, item)
    context: dict[str, Any] = {
        "item": item,
        "issuer_side": issuer_side,
        "short_url": link,
        "attachments": list(item.attachments.all()),
        "tags": list(item.tags.all()),
        "can_edit": issuer_side and selectors.can_edit(request.user, item),
        "can_approve": issuer_side and selectors.can_approve(request.user, item),
        "reopen_form": ReopenForm(),
    }
    if issuer_side:
        context["coverage"] = selectors.coverage(item)
    else:
        # An addressed unit's user: show where they may republish it.
        context["my_units"] = [
            u
            for u in selectors.addressed_units(item).filter(
                pk__in=selectors.units_seen_by(request.user).values("pk")
            )[:20]
        ]
    return render(request, "hub/item_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = _issued_item_or_404(request, pk)
    if not selectors.can_edit(request.user, item):
        raise PermissionDenied
    if item.status != Item.Status.DRAFT:
        messages.warning(request, _("Nội dung đã duyệt không sửa được; hãy đưa về nháp trước."))
        return redirect("hub:detail", pk=item.pk)
    initial = {
        "issuing_unit": item.issuing_unit.code,
        "kind": item.kind,
        "title": item.title,
        "summary": item.summary,
        "body": item.body,
        "tags": ", ".join(item.tags.values_list("name", flat=True)),
        "audience": item.audience,
        "audience_units": list(item.audience_units.values_list("code", flat=True)),
        "publish_start": item.publish_start,
        "publish_end": item.publish_end,
    }
    kwargs = _form_kwargs(request)
    kwargs["audience_units"] = kwargs["audience_units"] | item.audience_units.all()
    form = ItemForm(
        request.POST or None, request.FILES or None, initial=initial, editing=True, **kwargs
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.item_update(acting_user=request.user, item=item, **_service_args(form))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu thay đổi."))
            return redirect("hub:detail", pk=item.pk)
    return render(
        request,
        "hub/item_form.html",
        {"form": form, "item": item, "attachments": list(item.attachments.all())},
    )


@login_required
@require_POST
def item_approve(request: HttpRequest, pk: int) -> HttpResponse:
    item = _issued_item_or_404(request, pk)
    if not has_role(request.user, item.issuing_unit, Role.EDITOR):
        raise PermissionDenied
    try:
        services.item_approve(acting_user=request.user, item=item)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Đã duyệt. Nội dung được đăng từ thời điểm bắt đầu đăng."))
    return redirect("hub:detail", pk=item.pk)


@login_required
@require_POST
def item_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    item = _issued_item_or_404(request, pk)
    if not has_role(request.user, item.issuing_unit, Role.EDITOR):
        raise PermissionDenied
    form = ReopenForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.item_reopen(acting_user=request.user, item=item, reason=reason)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Đã đưa về nháp; nội dung không còn hiển thị công khai."))
    return redirect("hub:detail", pk=item.pk)


def _attachment_response(attachment: Attachment, *, inline: bool = False) -> HttpResponseBase:
    return stored_file_response(
        attachment.file,
        content_type=attachment.content_type,
        filename=attachment.download_name,
        inline=inline,
    )


@login_required
def attachment_download(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponseBase:
    item = _item_or_404(request, pk)
    attachment = get_object_or_404(Attachment, item=item, pk=attachment_pk)
    return _attachment_response(attachment)


@login_required
@require_POST
def attachment_delete(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    item = _issued_item_or_404(request, pk)
    attachment = get_object_or_404(Attachment, item=item, pk=attachment_pk)
    if not selectors.can_edit(request.user, item):
        raise PermissionDenied
    try:
        services.attachment_remove(acting_user=request.user, attachment=attachment)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Đã xóa tệp %(name)s.") % {"name": attachment.original_name})
    return redirect("hub:edit", pk=item.pk)


@login_required
def coverage(request: HttpRequest, pk: int) -> HttpResponse:
    item = _issued_item_or_404(request, pk)
    return render(
        request,
        "hub/coverage.html",
        {"item": item, "coverage": selectors.coverage(item)},
    )


@login_required
def coverage_download(request: HttpRequest, pk: int) -> HttpResponse:
    item = _issued_item_or_404(request, pk)
    data = coverage_xlsx(selectors.coverage(item))
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="bao-phu-{item.code}.xlsx"'
    return response


def _unit_or_404(request: HttpRequest, code: str) -> Any:
    return get_object_or_404(selectors.units_seen_by(request.user), code=code)


@login_required
def unit_items(request: HttpRequest, code: str) -> HttpResponse:
    unit = _unit_or_404(request, code)
    items = list(selectors.items_for_unit(unit)[:100])
    return render(
        request,
        "hub/unit_items.html",
        {
            "unit": unit,
            "todo": [i for i in items if not i.done],  # type: ignore[attr-defined]
            "done": [i for i in items if i.done],  # type: ignore[attr-defined]
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def republish(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    unit = _unit_or_404(request, code)
    item = get_object_or_404(selectors.items_for_unit(unit), pk=pk)
    can_record = has_role(request.user, unit, Role.REPORTER)
    form = RepublicationForm(request.POST or None)
    if request.method == "POST":
        if not can_record:
            raise PermissionDenied(_("Chỉ người báo cáo trở lên của đơn vị được ghi nhận."))
        if form.is_valid():
            try:
                services.republication_record(
                    acting_user=request.user,
                    item=item,
                    unit=unit,
                    url=form.cleaned_data["url"],
                    published_at=form.cleaned_data.get("published_at"),
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Đã ghi nhận bài đăng lại. Cảm ơn!"))
                return redirect("hub:republish", code=unit.code, pk=item.pk)
    link = presenting.short_url(request, item)
    full = presenting.full_text(item, link)
    short = presenting.short_text(item, link)
    return render(
        request,
        "hub/republish.html",
        {
            "unit": unit,
            "item": item,
            "form": form,
            "can_record": can_record,
            "short_url": link,
            "full_text": full,
            "short_text": short,
            "full_len": len(full),
            "short_len": len(short),
            "hints": presenting.hints(full, short),
            "images": [a for a in item.attachments.all() if a.kind == Attachment.Kind.IMAGE],
            "files": [a for a in item.attachments.all() if a.kind != Attachment.Kind.IMAGE],
            "recorded": list(
                item.republications.filter(unit=unit).select_related("channel", "post")
            ),
        },
    )
