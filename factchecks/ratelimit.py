"""A small fixed-window rate limit on Django's cache, keyed by a hash of the client address."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """'5/h' → (5, 3600)."""
    try:
        count, period = rate.split("/")
        return int(count), PERIODS[period.strip()[0]]
    except (ValueError, KeyError, IndexError):
        raise ImproperlyConfigured(
            f"BANTIN_SUGGEST_RATE: expected like '5/h', got {rate!r}"
        ) from None


def suggest_rate() -> tuple[int, int]:
    return parse_rate(getattr(settings, "BANTIN_SUGGEST_RATE", "5/h"))


def hit(scope: str, client: str) -> bool:
    """Count one request; False when the client is over the limit for this window."""
    limit, period = suggest_rate()
    digest = hashlib.sha256(client.encode()).hexdigest()[:24]  # no raw address in the cache
    key = f"bantin:rl:{scope}:{digest}"
    cache.add(key, 0, timeout=period)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=period)
        count = 1
    return count <= limit
