"""Rate limit of the public lookup (page and API), per client address."""

from __future__ import annotations

import time

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from security.ratelimit import client_ip, limit, parse_rate

RATE_MESSAGE = _("Bạn đã kiểm tra quá nhiều lần trong một phút. Vui lòng thử lại sau ít phút.")


def lookup_allowed(request: HttpRequest) -> bool:
    rate = getattr(settings, "BANTIN_LOOKUP_RATE", None)
    if not rate:
        return True
    return limit(f"lookup:{client_ip(request)}", rate)


def retry_after() -> str:
    """Seconds until the limiter's current window ends (its windows are aligned on the
    period), for the ``Retry-After`` header of a 429."""
    rate = getattr(settings, "BANTIN_LOOKUP_RATE", None) or "1/m"
    _, seconds = parse_rate(rate)
    return str(max(1, seconds - int(time.time()) % seconds))
