from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from core.permissions import membership_of


def bantin(request: HttpRequest) -> dict[str, Any]:
    return {
        "site_name": settings.BANTIN["SITE_NAME"],
        "membership": membership_of(getattr(request, "user", None)),
    }
