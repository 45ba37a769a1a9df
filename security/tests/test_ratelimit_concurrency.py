"""Rate limits hold under concurrency (issue 18, finding 10).

Many threads hit one limiter at once; exactly ``limit`` calls may pass, never more:
against the real Redis on 127.0.0.1:6379 (database 1, this helper's), and against the
database counter that installations without Redis use (on PostgreSQL: SQLite lets one
writer at a time, so it cannot race; run with DATABASE_URL=postgres://… to exercise it).
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.db import connection, connections
from django.test import override_settings

from security.ratelimit import limit

REDIS_URL = "redis://127.0.0.1:6379/1"
THREADS, CALLS, LIMIT = 12, 25, 40  # 300 calls at once against a limit of 40


def _hammer(call: Callable[[], bool]) -> int:
    start = threading.Barrier(THREADS)

    def worker() -> int:
        start.wait()
        try:
            return sum(call() for _ in range(CALLS))
        finally:
            connections.close_all()  # each thread's own connection

    with ThreadPoolExecutor(THREADS) as pool:
        return sum(pool.map(lambda _i: worker(), range(THREADS)))


def _redis_or_skip() -> Any:
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    return client


def test_redis_counter_never_exceeds_the_limit() -> None:
    client = _redis_or_skip()
    prefix = f"test-{uuid.uuid4().hex}"
    caches = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
        }
    }
    try:
        with override_settings(CACHES=caches):
            key = f"lookup:{uuid.uuid4()}"
            assert _hammer(lambda: limit(key, f"{LIMIT}/d")) == LIMIT
            # The window's key expires with the window: set on the first hit.
            [stored] = client.keys(f"{prefix}:*")
            assert 0 < client.ttl(stored) <= 86401
    finally:
        for stored in client.keys(f"{prefix}:*"):
            client.delete(stored)


@pytest.mark.django_db(transaction=True)
def test_database_counter_never_exceeds_the_limit() -> None:
    if connection.vendor == "sqlite":
        pytest.skip("SQLite has one writer at a time; run with DATABASE_URL=postgres://…")
    from django.core.management import call_command

    # The production profile without REDIS_URL: the database cache, whose ``incr`` raced.
    database_cache = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "bantin_cache",
        }
    }
    with override_settings(CACHES=database_cache):
        call_command("createcachetable", verbosity=0)
        key = f"suggest:{uuid.uuid4()}"
        assert _hammer(lambda: limit(key, f"{LIMIT}/d")) == LIMIT


@pytest.mark.django_db
def test_database_counter_counts_and_windows() -> None:
    from security.models import RateCounter

    assert [limit("a", "3/d") for _ in range(5)] == [True, True, True, False, False]
    assert limit("b", "3/d")  # another key, its own count
    assert sorted(RateCounter.objects.values_list("count", flat=True)) == [1, 5]
