"""Telling a unit's editors: a connection that failed, a refresh token about to expire.

By e-mail (Django's mail) to the editors and administrators of the channel's own unit, once
per failure streak and once per expiry; and on their home page through
``connectors.selectors.notices_for(user)``.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from connectors import conf
from connectors.models import Connection


def recipients(connection: Connection) -> list[str]:
    from accounts.models import Membership

    return sorted(
        {
            m.user.email
            for m in Membership.objects.select_related("user").filter(
                unit_id=connection.unit_id, role__in=("editor", "administrator")
            )
            if m.user.email and m.user.is_active
        }
    )


def _send(connection: Connection, subject: str, body: str) -> int:
    to = recipients(connection)
    if not to:
        return 0
    return send_mass_mail(
        [(subject, body, settings.DEFAULT_FROM_EMAIL, [address]) for address in to],
        fail_silently=True,
    )


def failure(*, connection: Connection) -> int:
    """Once per failure streak (reset by the next success)."""
    if connection.failure_notified_at is not None:
        return 0
    connection.failure_notified_at = timezone.now()
    connection.save(update_fields=["failure_notified_at"])
    channel = connection.channel
    subject = _("Bantin: kết nối kênh %(channel)s bị lỗi") % {
        "channel": channel.display_name or channel.identifier
    }
    body = _(
        "Lần đồng bộ số liệu của kênh %(channel)s (%(url)s) không thành công: %(error)s\n"
        "Xem tình trạng kết nối trong Bantin, mục Kết nối kênh."
    ) % {
        "channel": channel.display_name or channel.identifier,
        "url": channel.url,
        "error": connection.last_error,
    }
    return _send(connection, subject, body)


def renewal_due_q(now: object = None) -> Q:
    """Connections whose refresh token (or, without one, the access token) expires within
    the warning period."""
    now = now or timezone.now()
    limit = now + timedelta(days=conf.get("WARN_DAYS"))  # type: ignore[operator]
    return Q(status=Connection.Status.ACTIVE) & (
        Q(refresh_expires_at__lte=limit)
        | Q(refresh_token="", access_expires_at__isnull=False, access_expires_at__lte=limit)
    )


def expiring() -> int:
    """Warn once about each connection that must be renewed within WARN_DAYS days."""
    sent = 0
    due = Connection.objects.select_related("channel").filter(
        renewal_due_q(), expiry_warned_at__isnull=True
    )
    for connection in due:
        when = connection.refresh_expires_at or connection.access_expires_at
        channel = connection.channel
        subject = _("Bantin: kết nối kênh %(channel)s sắp hết hạn") % {
            "channel": channel.display_name or channel.identifier
        }
        body = _(
            "Quyền truy cập của kênh %(channel)s (%(url)s) hết hạn ngày %(date)s. "
            "Biên tập viên của đơn vị hãy kết nối lại kênh trong Bantin trước ngày đó."
        ) % {
            "channel": channel.display_name or channel.identifier,
            "url": channel.url,
            "date": timezone.localtime(when).strftime("%d/%m/%Y") if when else "",
        }
        sent += _send(connection, subject, body)
        connection.expiry_warned_at = timezone.now()
        connection.save(update_fields=["expiry_warned_at"])
    return sent
