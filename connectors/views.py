"""Connection pages: the list of a unit's connectable channels, one channel's health, and
the connect / callback / disconnect / sync-now actions. Thin: selectors and services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from connectors import oauth, platforms, selectors, services
from connectors.errors import PlatformError
from connectors.messages import plain
from connectors.models import Connection
from registry.models import Channel


def _channel(request: HttpRequest, pk: int) -> Channel:
    channel = selectors.channel_for(request.user, pk)
    if channel is None:
        raise Http404
    return channel


def _manage(request: HttpRequest, pk: int) -> Channel:
    channel = _channel(request, pk)
    if not selectors.can_manage(request.user, channel):
        raise PermissionDenied(_("Chỉ biên tập viên hoặc quản trị của đơn vị được làm việc này."))
    return channel


def _connection(channel: Channel) -> Connection | None:
    return Connection.objects.filter(channel=channel).select_related("connected_by").first()


def _redirect_uri(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("connectors:callback"))


@login_required
@require_GET
def connection_list(request: HttpRequest) -> HttpResponse:
    channels = selectors.channels_visible_to(request.user).order_by(
        "unit__path", "platform", "identifier"
    )
    unit_code = request.GET.get("unit", "").strip()
    if unit_code:
        channels = channels.filter(unit__code=unit_code)
    rows = []
    for channel in channels[:500]:
        connection = getattr(channel, "connection", None)
        rows.append(
            {
                "channel": channel,
                "connection": connection,
                "configured": platforms.get(channel.platform).configured(),
            }
        )
    return render(request, "connectors/list.html", {"rows": rows})


@login_required
@require_GET
def connection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    channel = _channel(request, pk)
    connection = _connection(channel)
    return render(
        request,
        "connectors/detail.html",
        {
            "channel": channel,
            "connection": connection,
            "configured": platforms.get(channel.platform).configured(),
            "can_manage": selectors.can_manage(request.user, channel),
            "runs": selectors.recent_runs(channel),
        },
    )


@login_required
@require_POST
def connect(request: HttpRequest, pk: int) -> HttpResponse:
    channel = _manage(request, pk)
    services.ensure_connectable(acting_user=request.user, channel=channel)
    if not platforms.get(channel.platform).configured():
        messages.error(request, plain("not_configured"))
        return redirect("connectors:detail", pk=channel.pk)
    started = oauth.start(
        session=request.session, channel=channel, redirect_uri=_redirect_uri(request)
    )
    return redirect(started.url)


@login_required
@require_GET
def callback(request: HttpRequest) -> HttpResponse:
    found = oauth.pending_channel(session=request.session, state=request.GET.get("state", ""))
    if found is None:
        messages.error(request, _("Phiên kết nối không hợp lệ hoặc đã hết hạn; hãy thử lại."))
        return redirect("connectors:list")
    channel = _manage(request, found[0])
    if request.GET.get("error") or not request.GET.get("code"):
        messages.error(request, _("Nền tảng không cấp quyền; kênh chưa được kết nối."))
        return redirect("connectors:detail", pk=channel.pk)
    try:
        oauth.finish(
            acting_user=request.user,
            channel=channel,
            code=request.GET["code"],
            verifier=found[1],
            redirect_uri=_redirect_uri(request),
        )
    except PlatformError as exc:
        messages.error(request, exc.message if exc.code == "account_mismatch" else plain(exc.code))
        return redirect("connectors:detail", pk=channel.pk)
    messages.success(request, _("Đã kết nối kênh; số liệu sẽ được lấy trong lần đồng bộ tới."))
    return redirect("connectors:detail", pk=channel.pk)


@login_required
@require_POST
def disconnect(request: HttpRequest, pk: int) -> HttpResponse:
    channel = _manage(request, pk)
    connection = _connection(channel)
    if connection is None or connection.status == Connection.Status.DISCONNECTED:
        raise Http404
    revoked = services.connection_disconnect(acting_user=request.user, connection=connection)
    if revoked:
        messages.success(request, _("Đã ngắt kết nối và thu hồi quyền trên nền tảng."))
    else:
        messages.success(
            request,
            _(
                "Đã ngắt kết nối và xóa mã truy cập. Nền tảng không cho thu hồi từ xa: "
                "có thể gỡ ứng dụng trong phần cài đặt của tài khoản trên nền tảng."
            ),
        )
    return redirect("connectors:detail", pk=channel.pk)


@login_required
@require_POST
def sync_now(request: HttpRequest, pk: int) -> HttpResponse:
    from connectors.tasks import sync_channel

    channel = _manage(request, pk)
    connection = _connection(channel)
    if connection is None or connection.status != Connection.Status.ACTIVE:
        raise Http404
    sync_channel.enqueue(channel.pk)
    messages.success(request, _("Đã xếp lịch đồng bộ kênh; kết quả hiện ở đây khi xong."))
    return redirect("connectors:detail", pk=channel.pk)
