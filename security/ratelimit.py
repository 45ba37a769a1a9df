"""A small cache-based rate limit for public endpoints, and the client's address.

Use it in a public view or API operation::

    from security.ratelimit import client_ip, limit

    if not limit(f"lookup:{client_ip(request)}", "60/m"):
        return HttpResponse(status=429)  # or the API's 429 response

The counter must be shared by every web process and must count atomically (N requests
at once count N): with Redis as the default cache (``REDIS_URL``, the production profile)
it is one ``INCR`` with the window's expiry set by the first hit, in one transaction;
without Redis it is a row of ``security.RateCounter`` raised by ``UPDATE … SET count =
count + 1``. (The database cache's ``incr`` read, then wrote: eight parallel clients got
279 answers where the limit was 120.)
"""

from __future__ import annotations

import hashlib
import random
import time
from datetime import timedelta
from typing import Any

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

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

    Fixed windows aligned on the period: one atomic round trip to Redis or the database.
    """
    count, _seconds = parse_rate(rate)
    return hit(key, rate) <= count


def hit(key: str, rate: str) -> int:
    """Count one call for ``key`` in ``rate``'s current window; the count so far."""
    _count, seconds = parse_rate(rate)
    counter_key = _counter_key(key, seconds)
    if isinstance(_default_backend(), RedisCache):
        return _redis_hit(counter_key, seconds + 1)
    return _database_hit(counter_key, seconds + 1)


def over(key: str, rate: str) -> bool:
    """True when ``key`` has already used up ``rate``'s window (counts nothing)."""
    count, seconds = parse_rate(rate)
    counter_key = _counter_key(key, seconds)
    backend = _default_backend()
    current: Any
    if isinstance(backend, RedisCache):
        client = backend._cache.get_client(counter_key)
        current = client.get(backend.make_and_validate_key(counter_key))
    else:
        from security.models import RateCounter

        current = (
            RateCounter.objects.filter(key=counter_key, expires_at__gt=timezone.now())
            .values_list("count", flat=True)
            .first()
        )
    return int(current or 0) >= count


def _counter_key(key: str, seconds: int) -> str:
    window = int(time.time()) // seconds
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    return f"bantin:rl:{seconds}:{window}:{digest}"


def _default_backend() -> Any:
    return caches["default"]  # ``django.core.cache.cache`` is only a proxy to it


def _redis_hit(counter_key: str, ttl: int) -> int:
    """INCR and, on the first hit only, EXPIRE, in one MULTI: atomic, and a key never
    outlives its window even if the process dies between the two."""
    backend = _default_backend()
    client = backend._cache.get_client(counter_key, write=True)  # Django's redis-py client
    full_key = backend.make_and_validate_key(counter_key)
    with client.pipeline(transaction=True) as pipe:
        pipe.incr(full_key)
        pipe.expire(full_key, ttl, nx=True)
        current, _expiry_set = pipe.execute()
    return int(current)


def _database_hit(counter_key: str, ttl: int) -> int:
    from security.models import RateCounter

    now = timezone.now()
    if random.random() < 0.01:  # noqa: S311 - housekeeping, not security
        RateCounter.objects.filter(expires_at__lt=now).delete()
    with transaction.atomic():
        # The UPDATE takes the row's lock until commit, so the count read next is ours.
        if not RateCounter.objects.filter(key=counter_key).update(count=F("count") + 1):
            try:
                with transaction.atomic():
                    RateCounter.objects.create(
                        key=counter_key, count=1, expires_at=now + timedelta(seconds=ttl)
                    )
                return 1
            except IntegrityError:  # created by a parallel call since our UPDATE
                RateCounter.objects.filter(key=counter_key).update(count=F("count") + 1)
        return int(RateCounter.objects.values_list("count", flat=True).get(key=counter_key))


def client_ip(request: HttpRequest) -> str:
    """The client's address. Behind nginx, ProxiedClientIPMiddleware has already put the
    address nginx saw into REMOTE_ADDR, so this is the same for axes, audit and limits."""
    return str(request.META.get("REMOTE_ADDR") or "")
