from __future__ import annotations

import json
from typing import Any

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.forms import add_service_errors
from core.labels import action_label, labelled_values, object_type_label
from core.spreadsheets import BOM, CsvWriter
from security import selectors, services, twofactor
from security.forms import AuditFilterForm, SetupForm, TokenForm
from units.selectors import units_visible_to


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


@login_required
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    user = request.user
    has_device = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    return render(
        request,
        "security/overview.html",
        {
            "has_device": has_device,
            "verified": user.is_verified(),  # type: ignore[union-attr]
            "required": twofactor.required_for(user),
            "codes_left": StaticToken.objects.filter(device__user=user).count(),
            "is_admin": selectors.administered_unit(user) is not None,
        },
    )


def _qr_svg(device: TOTPDevice) -> str:
    image = qrcode.make(
        device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2
    )
    svg = image.to_string(encoding="unicode")
    if isinstance(svg, bytes):  # older qrcode versions
        svg = svg.decode()
    label = _("Mã QR để thêm tài khoản vào ứng dụng xác thực")
    return svg.replace("<svg ", f'<svg class="qr" role="img" aria-label="{label}" ', 1)


def _base32_secret(device: TOTPDevice) -> str:
    from base64 import b32encode

    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@login_required
@require_http_methods(["GET", "POST"])
def setup(request: HttpRequest) -> HttpResponse:
    user = request.user
    if twofactor.has_confirmed_device(user):
        if user.is_verified():  # type: ignore[union-attr]
            messages.info(request, _("Xác thực hai bước đã được bật."))
            return redirect("security:home")
        return redirect(f"{reverse('security:verify')}?{request.GET.urlencode()}")
    device = services.totp_device_begin(user=user)
    form = SetupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.totp_device_confirm(
                user=user, device=device, token=form.cleaned_data["otp_token"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            otp_login(request, device)
            twofactor.remember_flags(request, user)
            return render(
                request,
                "security/recovery_codes.html",
                {"codes": codes, "next": _next_url(request), "first_time": True},
            )
    return render(
        request,
        "security/setup.html",
        {
            "form": form,
            "qr_svg": mark_safe(_qr_svg(device)),  # noqa: S308 - generated here from our data
            "secret": _base32_secret(device),
            "required": twofactor.required_for(user),
            "next": request.GET.get("next", ""),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not twofactor.has_confirmed_device(user):
        return redirect(f"{reverse('security:setup')}?{request.GET.urlencode()}")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = services.second_factor_verify(user=user, token=form.cleaned_data["otp_token"])
        if device is None:
            form.add_error(
                "otp_token",
                _("Mã không đúng hoặc đã dùng. Sau vài lần sai, hãy chờ ít giây rồi thử lại."),
            )
        else:
            otp_login(request, device)
            twofactor.remember_flags(request, user)
            return redirect(_next_url(request))
    return render(
        request, "security/verify.html", {"form": form, "next": request.GET.get("next", "")}
    )


def _ensure_verified(request: HttpRequest) -> None:
    if not request.user.is_verified():  # type: ignore[union-attr]
        raise PermissionDenied


@login_required
@require_POST
def recovery_codes(request: HttpRequest) -> HttpResponse:
    _ensure_verified(request)
    try:
        codes = services.recovery_codes_regenerate(user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("security:home")
    return render(
        request, "security/recovery_codes.html", {"codes": codes, "next": "", "first_time": False}
    )


@login_required
@require_POST
def disable(request: HttpRequest) -> HttpResponse:
    _ensure_verified(request)
    try:
        services.two_factor_disable(user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        twofactor.remember_flags(request, request.user)
        messages.success(request, _("Đã tắt xác thực hai bước."))
    return redirect("security:home")


def _ensure_administrator(request: HttpRequest) -> None:
    if selectors.administered_unit(request.user) is None:
        raise PermissionDenied


@login_required
@require_GET
def lockouts(request: HttpRequest) -> HttpResponse:
    _ensure_administrator(request)
    return render(
        request,
        "security/lockouts.html",
        {
            "rows": selectors.login_failures_visible_to(request.user),
            "limit": settings.AXES_FAILURE_LIMIT,
            "cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        },
    )


@login_required
@require_POST
def unlock(request: HttpRequest) -> HttpResponse:
    _ensure_administrator(request)
    username = request.POST.get("username", "")
    visible = selectors.memberships_administered_by(request.user)
    if not visible.filter(user__username=username).exists():
        raise Http404
    cleared = services.lockout_unlock(acting_user=request.user, username=username)
    messages.success(
        request,
        _("Đã mở khóa đăng nhập cho %(u)s (%(n)s bản ghi lỗi đã xóa).")
        % {"u": username, "n": cleared},
    )
    return redirect("security:lockouts")


def _audit_form(request: HttpRequest) -> AuditFilterForm:
    return AuditFilterForm(
        request.GET or None,
        units=units_visible_to(request.user),
        actions=selectors.audit_actions_visible_to(request.user),
    )


def _audit_filters(form: AuditFilterForm) -> selectors.AuditFilters:
    if not form.is_bound or not form.is_valid():
        return selectors.AuditFilters()
    d = form.cleaned_data
    return selectors.AuditFilters(
        unit=form.unit_obj(),
        action=d.get("action") or "",
        actor=(d.get("actor") or "").strip(),
        text=(d.get("text") or "").strip(),
        date_from=d.get("date_from"),
        date_to=d.get("date_to"),
    )


@login_required
@require_GET
def audit_list(request: HttpRequest) -> HttpResponse:
    _ensure_administrator(request)
    form = _audit_form(request)
    events = selectors.audit_events_visible_to(request.user, _audit_filters(form))
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    for event in page:
        event.action_label = action_label(event.action)  # type: ignore[attr-defined]
        kind = event.object_type
        event.before_items = labelled_values(event.before, kind)  # type: ignore[attr-defined]
        event.after_items = labelled_values(event.after, kind)  # type: ignore[attr-defined]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "security/audit_list.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


def csv_header() -> list[str]:
    """The columns' names for people, in the reader's language."""
    return [
        _("Thời điểm"),
        _("Người thực hiện"),
        _("Hành động"),
        _("Loại đối tượng"),
        _("Mã đối tượng"),
        _("Đối tượng"),
        _("Đơn vị (đường dẫn)"),
        _("Trước"),
        _("Sau"),
        _("Địa chỉ IP"),
    ]


@login_required
@require_GET
def audit_csv(request: HttpRequest) -> HttpResponse:
    """The filtered audit trail as CSV (UTF-8 with a BOM, so Excel reads Vietnamese)."""
    _ensure_administrator(request)
    form = _audit_form(request)
    events = selectors.audit_events_visible_to(request.user, _audit_filters(form))
    tz = timezone.get_current_timezone()
    stamp = timezone.localdate().strftime("%Y%m%d")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="bantin-audit-{stamp}.csv"'
    response.write(BOM)
    writer = CsvWriter(response)
    writer.writerow(csv_header())
    for e in events.iterator(chunk_size=2000):
        writer.writerow(
            [
                e.created_at.astimezone(tz).isoformat(timespec="seconds"),
                e.actor_label,
                action_label(e.action),
                object_type_label(e.object_type),
                e.object_id,
                e.object_repr,
                e.unit_path,
                _json(_labelled(e.before, e.object_type)),
                _json(_labelled(e.after, e.object_type)),
                e.ip or "",
            ]
        )
    return response


def _labelled(value: Any, object_type: str) -> Any:
    """An audit record's keys and coded values by their labels, for people reading the CSV."""
    if not isinstance(value, dict):
        return value
    return dict(labelled_values(value, object_type))


def _json(value: Any) -> str:
    return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)
