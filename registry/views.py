from __future__ import annotations

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
    if request.method == "POST" and form.is_valid():
        try:
            channel = services.channel_register(
                acting_user=request.user,
                unit=form.cleaned_data["unit"],
                url=form.cleaned_data["url"],
                display_name=form.cleaned_data["display_name"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Đã đăng ký kênh %(channel)s, đang chờ xác minh.") % {"channel": channel},
            )
            return redirect("registry:detail", pk=channel.pk)
    return render(request, "registry/channel_form.html", {"form": form})


def _visible_channel(request: HttpRequest, pk: int) -> Channel:
    return get_object_or_404(selectors.channels_visible_to(request.user), pk=pk)


@login_required
def channel_detail(request: HttpRequest, pk: int) -> HttpResponse:
    channel = _visible_channel(request, pk)
    is_admin = has_role(request.user, channel.unit, Role.ADMINISTRATOR)
    return render(
        request,
        "registry/channel_detail.html",
        {
            "channel": channel,
            "can_verify": is_admin and channel.status == Channel.Status.PENDING,
            "can_retire": is_admin and channel.status != Channel.Status.RETIRED,
            "verify_form": ChannelVerifyForm(),
            "retire_form": ChannelRetireForm(),
        },
    )


@login_required
@require_POST
def channel_verify(request: HttpRequest, pk: int) -> HttpResponse:
    channel = _visible_channel(request, pk)
    if not has_role(request.user, channel.unit, Role.ADMINISTRATOR):
        raise PermissionDenied
    form = ChannelVerifyForm(request.POST)
    if form.is_valid():
        try:
            services.channel_verify(
                acting_user=request.user, channel=channel, method=form.cleaned_data["method"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã xác minh kênh %(channel)s.") % {"channel": channel})
            return redirect("registry:detail", pk=channel.pk)
    return render(
        request,
        "registry/channel_detail.html",
        {
            "channel": channel,
            "can_verify": True,
            "can_retire": channel.status != Channel.Status.RETIRED,
            "verify_form": form,
            "retire_form": ChannelRetireForm(),
        },
        status=400,
    )


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
