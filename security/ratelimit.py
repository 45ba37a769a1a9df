"""A small cache-based rate limit for public endpoints, and the client's address.

Use it in a public view or API operation::

    from security.ratelimit import client_ip, limit

    if not limit(f"lookup:{client_ip(request)}", "60/m"):
        return HttpResponse(status=429)  # or the API's 429 response

The counter lives in Django's cache (``default``). With several web processes the cache
must be shared (config.settings_production uses the database cache).
"""

from __future__ import annotations

import hashlib
import time

from django.core.cache import cache
from django.http import HttpRequest

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """``"60/m"`` -> (60, 60): at most 60 calls per 60 seconds. Also ``"5/10m"``."""
    try:
        count_text, period_text = rate.split("/", 1)
        count = int(count_text)
        unit = period_text[-1]
        multiplier = int(period_text[:-1]) if period_text[:-1] else 1
        seconds = PERIODS[unit] * multiplier
    except (ValueError, KeyError, IndexError) as exc:
        raise ValueError(f"rate must look like '60/m', '5/10m' or '1000/d', not {rate!r}") from exc
    if count < 1 or seconds < 1:
        raise ValueError(f"rate must be positive: {rate!r}")
    return count, seconds


def limit(key: str, rate: str) -> bool:
    """Count one call for ``key``; True while it is within ``rate``, False once over it.

    Fixed windows aligned on the period: simple, one cache round trip or two per call.
    """
    count, seconds = parse_rate(rate)
    window = int(time.time()) // seconds
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    cache_key = f"bantin:rl:{seconds}:{window}:{digest}"
    if cache.add(cache_key, 1, timeout=seconds + 1):
        return True
    try:
        current = cache.incr(cache_key)
    except ValueError:  # expired between add() and incr()
        cache.set(cache_key, 1, timeout=seconds + 1)
        return True
    return current <= count


def client_ip(request: HttpRequest) -> str:
    """The client's address. Behind nginx, ProxiedClientIPMiddleware has already put the
    address nginx saw into REMOTE_ADDR, so this is the same for axes, audit and limits."""
    return str(request.META.get("REMOTE_ADDR") or "")
