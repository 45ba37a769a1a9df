from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from core.permissions import membership_of


def bantin(request: HttpRequest) -> dict[str, Any]:
    return {
        # Not ``site_name``: Django's auth views put the request's host name under that key.
        "bantin_name": settings.BANTIN["SITE_NAME"],
        "site_name": settings.BANTIN["SITE_NAME"],
        "membership": membership_of(getattr(request, "user", None)),
    }
