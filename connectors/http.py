"""HTTP to the platforms: request counting, Retry-After and 429, Meta's usage headers,
YouTube's quota. One :class:`Limits` per platform per run, shared by its threads; one
:class:`Api` per channel (its request count is the channel's).

Never logs a URL or a header: both may carry a token.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from connectors import conf
from connectors.errors import PlatformError, QuotaExhausted, RateLimited

META_USAGE_HEADERS = ("x-app-usage", "x-business-use-case-usage", "x-page-usage")


def retry_after_seconds(value: str | None) -> float | None:
    """``Retry-After`` as seconds: a number, or an HTTP date (RFC 9110 §10.2.3)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, moment.timestamp() - time.time())


def meta_usage_percent(headers: httpx.Headers) -> float:
    """The highest percentage in Meta's usage headers (X-App-Usage: {"call_count": 12, ...};
    X-Business-Use-Case-Usage: {"<id>": [{"call_count": ..., "total_time": ...}]})."""
    highest = 0.0
    for name in META_USAGE_HEADERS:
        raw = headers.get(name)
        if not raw:
            continue
        try:
            data = json.loads(raw)
        except ValueError:
            continue
        entries: list[Any] = []
        if isinstance(data, dict) and any(isinstance(v, list) for v in data.values()):
            for value in data.values():
                if isinstance(value, list):
                    entries.extend(value)
        else:
            entries.append(data)
        for entry in entries:
            if not isinstance(entry, dict):
                continue
            for key in ("call_count", "total_cputime", "total_time"):
                value = entry.get(key)
                if isinstance(value, int | float):
                    highest = max(highest, float(value))
    return highest


class Limits:
    """A platform's limits for one run, shared by the threads that call it."""

    def __init__(
        self,
        platform: str,
        *,
        quota: int | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.platform = platform
        self.quota_left = quota
        self.sleep = sleep
        self.pause_until = 0.0
        self.pauses = 0
        self._lock = threading.Lock()

    def before_call(self, cost: int) -> None:
        with self._lock:
            if self.quota_left is not None:
                if self.quota_left < cost:
                    raise QuotaExhausted("quota")
                self.quota_left -= cost
            wait = self.pause_until - time.monotonic()
        if wait > 0:
            self.sleep(wait)

    def after_call(self, response: httpx.Response) -> None:
        if self.platform not in ("facebook", "instagram"):
            return
        if meta_usage_percent(response.headers) > conf.get("META_USAGE_LIMIT"):
            with self._lock:
                self.pause_until = max(
                    self.pause_until, time.monotonic() + conf.get("META_USAGE_PAUSE")
                )
                self.pauses += 1

    def exhaust_quota(self) -> None:
        with self._lock:
            self.quota_left = 0


def client() -> httpx.Client:
    return httpx.Client(
        timeout=conf.get("TIMEOUT"),
        follow_redirects=False,
        limits=httpx.Limits(max_connections=64, max_keepalive_connections=64),
        headers={"User-Agent": "Bantin-connectors/1"},
    )


class Api:
    """One channel's calls: counted, waiting out Retry-After, respecting the run's limits."""

    attempts = 3

    def __init__(self, http: httpx.Client, limits: Limits) -> None:
        self.http = http
        self.limits = limits
        self.requests = 0
        self.waited = 0.0

    def call(
        self,
        method: str,
        url: str,
        *,
        params: dict[str, Any] | None = None,
        data: dict[str, Any] | None = None,
        json_body: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        cost: int = 1,
    ) -> httpx.Response:
        for attempt in range(self.attempts):
            self.limits.before_call(cost)
            try:
                response = self.http.request(
                    method, url, params=params, data=data, json=json_body, headers=headers
                )
            except httpx.TimeoutException as exc:
                raise PlatformError("timeout", code="timeout") from exc
            except httpx.TransportError as exc:
                raise PlatformError(type(exc).__name__, code="network") from exc
            self.requests += 1
            self.limits.after_call(response)
            if response.status_code == 429 or (
                response.status_code == 503 and "retry-after" in response.headers
            ):
                wait = retry_after_seconds(response.headers.get("retry-after"))
                if wait is None:
                    wait = 2.0**attempt
                if wait > conf.get("MAX_RETRY_AFTER") or attempt == self.attempts - 1:
                    raise RateLimited(f"{wait:.0f}")
                self.waited += wait
                self.limits.sleep(wait)
                continue
            return response
        raise RateLimited("retries")

    def json(self, response: httpx.Response) -> Any:
        try:
            return response.json()
        except ValueError as exc:
            raise PlatformError(f"HTTP {response.status_code}", code="bad_response") from exc
