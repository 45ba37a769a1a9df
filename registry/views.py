from __future__ import annotations

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
from core.permissions import Role, has_role
from core.text import fold
from registry import selectors, services
from registry.forms import ChannelRegisterForm, ChannelRetireForm, ChannelVerifyForm
from registry.models import Channel


@login_required
def channel_list(request: HttpRequest) -> HttpResponse:
    qs = selectors.channels_visible_to(request.user)
    status = request.GET.get("status", "")
    if status in Channel.Status.values:
        qs = qs.filter(status=status)
    unit_code = request.GET.get("unit", "").strip()
    if unit_code:
        qs = qs.filter(unit__code=unit_code)
    q = request.GET.get("q", "").strip()
    for word in fold(q).split()[:8]:
        qs = qs.filter(search_text__contains=word)
    page = Paginator(qs.order_by("unit__path", "platform", "identifier"), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "registry/channel_list.html",
        {
            "page": page,
            "status": status,
            "q": q,
            "statuses": Channel.Status.choices,
            "can_register": selectors.units_for_registration(request.user).exists(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def channel_register(request: HttpRequest) -> HttpResponse:
    services.ensure_can_register_somewhere(request.user)
    units = selectors.units_for_registration(request.user)
    initial = {}
    if request.GET.get("unit"):
        initial["unit"] = request.GET["unit"]
    form = ChannelRegisterForm(request.POST or None, units=units, initial=initial)
    similar: list[Any] = []
    if request.method == "POST" and form.is_valid():
        try:
            channel = services.channel_register(
                acting_user=request.user,
                unit=form.cleaned_data["unit"],
                url=form.cleaned_data["url"],
                display_name=form.cleaned_data["display_name"],
                acknowledge_lookalike=form.cleaned_data.get("acknowledge_lookalike", ""),
            )
        except ValidationError as exc:
            similar = getattr(exc, "similar", [])
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Đã đăng ký kênh %(channel)s, đang chờ xác minh.") % {"channel": channel},
            )
            return redirect("registry:detail", pk=channel.pk)
    candidate = _candidate(form) if similar else None
    return render(
        request,
        "registry/channel_form.html",
        {"form": form, "similar": similar, "candidate": candidate},
    )


def _candidate(form: ChannelRegisterForm) -> dict[str, str]:
    """The channel being registered, shown beside the ones it resembles."""
    from registry.normalize import normalize

    canonical = normalize(form.cleaned_data["url"])
    unit = form.cleaned_data["unit"]
    return {
        "url": canonical.url,
        "platform_label": str(Channel.Platform(canonical.platform).label),
        "name": form.cleaned_data["display_name"] or canonical.identifier,
        "unit_name": unit.name,
        "status_label": str(_("Chưa đăng ký")),
    }


def _visible_channel(request: HttpRequest, pk: int) -> Channel:
    return get_object_or_404(selectors.channels_visible_to(request.user), pk=pk)


def _detail(
    request: HttpRequest,
    channel: Channel,
    *,
    verify_form: ChannelVerifyForm | None = None,
    status: int = 200,
) -> HttpResponse:
    is_admin = has_role(request.user, channel.unit, Role.ADMINISTRATOR)
    can_verify = is_admin and channel.status == Channel.Status.PENDING
    similar = services.verify_lookalikes(channel) if can_verify else []
    return render(
        request,
        "registry/channel_detail.html",
        {
            "channel": channel,
            "can_verify": can_verify,
            "can_retire": is_admin and channel.status != Channel.Status.RETIRED,
            "verify_form": verify_form or ChannelVerifyForm(lookalikes=bool(similar)),
            "retire_form": ChannelRetireForm(),
            "similar": similar,
            "candidate": {
                "url": channel.url,
                "platform_label": channel.get_platform_display(),
                "name": channel.display_name or channel.identifier,
                "unit_name": channel.unit.name,
                "status_label": channel.get_status_display(),
            },
            "acknowledgements": list(
                channel.lookalike_acknowledgements.select_related("acknowledged_by")
            ),
        },
        status=status,
    )


@login_required
def channel_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _visible_channel(request, pk))


@login_required
@require_POST
def channel_verify(request: HttpRequest, pk: int) -> HttpResponse:
    channel = _visible_channel(request, pk)
    if not has_role(request.user, channel.unit, Role.ADMINISTRATOR):
        raise PermissionDenied
    form = ChannelVerifyForm(request.POST, lookalikes=True)
    if form.is_valid():
        try:
            services.channel_verify(
                acting_user=request.user,
                channel=channel,
                method=form.cleaned_data["method"],
                acknowledge_lookalike=form.cleaned_data.get("acknowledge_lookalike", ""),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã xác minh kênh %(channel)s.") % {"channel": channel})
            return redirect("registry:detail", pk=channel.pk)
    channel.refresh_from_db()
    return _detail(request, channel, verify_form=form, status=400)


@login_required
@require_POST
def channel_retire(request: HttpRequest, pk: int) -> HttpResponse:
    channel = _visible_channel(request, pk)
    if not has_role(request.user, channel.unit, Role.ADMINISTRATOR):
        raise PermissionDenied
    form = ChannelRetireForm(request.POST)
    if form.is_valid():
        try:
            services.channel_retire(
                acting_user=request.user, channel=channel, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request, _("Đã ngừng sử dụng kênh %(channel)s.") % {"channel": channel}
            )
    return redirect("registry:detail", pk=channel.pk)
