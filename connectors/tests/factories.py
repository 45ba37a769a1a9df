"""Connections made without any platform (matrix builders and page tests)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from connectors import crypto
from connectors.models import Connection
from registry.tests.factories import make_channel

SECRET_TOKENS = {"a": "EAAG-token-of-commune-a-9f8e7d", "b": "EAAG-token-of-commune-b-1a2b3c"}


def connected_of(w: Any, which: str) -> Connection:
    """Commune A's or B's verified Facebook Page with an active connection, once per world."""
    key = f"connectors_connection_{which}"
    if key not in w.cache:
        unit = w.commune_a if which == "a" else w.commune_b
        channel = make_channel(
            unit,
            f"https://www.facebook.com/ketnoi.{which}.page",
            name=f"Trang kết nối bí mật {which.upper()}",
            verified=True,
            acknowledge="two test communes' pages, named alike on purpose",
        )
        w.cache[key] = Connection.objects.create(
            channel=channel,
            unit=unit,
            platform="facebook",
            account_id=f"99000{ord(which)}",
            account_name=f"Tài khoản bí mật {which.upper()}",
            access_token=crypto.encrypt(SECRET_TOKENS[which]),
            connected_at=timezone.now(),
        )
    return w.cache[key]
