"""Rate limit of the public lookup (page and API), per client address."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from security.ratelimit import client_ip, limit

RATE_MESSAGE = _("Bạn đã kiểm tra quá nhiều lần trong một phút. Vui lòng thử lại sau ít phút.")


def lookup_allowed(request: HttpRequest) -> bool:
    rate = getattr(settings, "BANTIN_LOOKUP_RATE", None)
    if not rate:
        return True
    return limit(f"lookup:{client_ip(request)}", rate)
