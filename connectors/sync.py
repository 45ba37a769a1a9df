"""The daily sync: every connected channel's posts of the window, their figures, followers.

Fetching runs in threads, a bounded number per platform (``BANTIN_SYNC_CONCURRENCY``), and
never touches the database; the calling thread stores each channel's result as it arrives
(tokens first, then the ledger batch, followers, health), each channel in its own
transaction. One channel's failure is recorded and the others go on.
"""

from __future__ import annotations

import concurrent.futures as cf
import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db import connection as db_connection
from django.db import connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from connectors import conf, crypto, http, platforms, services
from connectors.errors import PlatformError, ReconnectNeeded, TokenExpired
from connectors.models import Connection, FollowerCount, SyncRun
from connectors.platforms.base import Fetched, Tokens, Window
from registry.models import Channel

# Refresh ahead of expiry: Meta's long-lived tokens a week before, the others 5 minutes.
REFRESH_AHEAD = {"facebook": timedelta(days=7), "instagram": timedelta(days=7)}
DEFAULT_AHEAD = timedelta(minutes=5)


@dataclass
class Job:
    connection_id: int
    channel_id: int
    platform: str
    account_id: str
    access_token: str
    refresh_token: str
    access_expires_at: datetime | None
    window: Window


@dataclass
class Outcome:
    job: Job
    fetched: Fetched | None = None
    tokens: Tokens | None = None
    error: PlatformError | None = None
    requests: int = 0


@dataclass
class ChannelResult:
    channel: int
    status: str
    posts_created: int = 0
    posts_updated: int = 0
    unchanged: int = 0
    requests: int = 0
    errors: list[dict[str, str]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "channel": self.channel,
            "status": self.status,
            "posts_created": self.posts_created,
            "posts_updated": self.posts_updated,
            "unchanged": self.unchanged,
            "requests": self.requests,
            "errors": self.errors,
        }


def _due(job: Job, now: datetime) -> bool:
    if job.access_expires_at is None:
        return False
    return job.access_expires_at - now < REFRESH_AHEAD.get(job.platform, DEFAULT_AHEAD)


def fetch(job: Job, api: http.Api) -> Outcome:
    """One channel, in a worker thread: refresh when due or refused, then fetch."""
    platform = platforms.get(job.platform)
    outcome = Outcome(job)
    token = job.access_token
    try:
        if _due(job, timezone.now()):
            outcome.tokens = platform.refresh(
                api, access_token=token, refresh_token=job.refresh_token
            )
            token = outcome.tokens.access_token
        try:
            outcome.fetched = platform.fetch(
                api, account_id=job.account_id, token=token, window=job.window
            )
        except TokenExpired:
            if outcome.tokens is not None:
                raise ReconnectNeeded("refreshed token refused") from None
            outcome.tokens = platform.refresh(
                api, access_token=token, refresh_token=job.refresh_token
            )
            outcome.fetched = platform.fetch(
                api, account_id=job.account_id, token=outcome.tokens.access_token, window=job.window
            )
    except PlatformError as exc:
        outcome.error = exc
    except Exception as exc:  # noqa: BLE001 - one channel's bug must not stop the others
        outcome.error = PlatformError(type(exc).__name__, code="internal")
    outcome.requests = api.requests
    return outcome


def window_for(*, today: date, since: date | None, until: date | None) -> Window:
    return Window(
        since=since or today - timedelta(days=conf.get("SYNC_DAYS")),
        until=until or today,
        today=today,
    )


def _jobs(connections: Iterable[Connection], window: Window) -> Iterator[Job | ChannelResult]:
    for connection in connections:
        try:
            access = crypto.decrypt(connection.access_token)
            refresh = crypto.decrypt(connection.refresh_token)
        except crypto.TokenUnreadable:
            services.connection_result(
                connection=connection, ok=False, code="token_unreadable", reconnect=True
            )
            yield ChannelResult(
                connection.channel_id,
                SyncRun.Status.FAILED,
                errors=[{"code": "token_unreadable", "message": ""}],
            )
            continue
        yield Job(
            connection_id=connection.pk,
            channel_id=connection.channel_id,
            platform=connection.platform,
            account_id=connection.account_id,
            access_token=access,
            refresh_token=refresh,
            access_expires_at=connection.access_expires_at,
            window=window,
        )


def _chunked(connections: Any, size: int = 200) -> Iterator[Connection]:
    """The connections by primary key, a few hundred at a time: no cursor stays open while
    the same connections are written (SQLite would see its own writes mid-read)."""
    pks = list(connections.values_list("pk", flat=True))
    for start in range(0, len(pks), size):
        yield from Connection.objects.filter(pk__in=pks[start : start + size]).order_by("pk")


def run(
    *,
    channels: list[Channel] | None = None,
    since: date | None = None,
    until: date | None = None,
    today: date | None = None,
    on_result: Callable[[ChannelResult], None] | None = None,
) -> list[ChannelResult]:
    """Sync ``channels`` (every active connection when None); one result per channel."""
    from ledger.services import local_today

    today = today or local_today()
    window = window_for(today=today, since=since, until=until)
    results: list[ChannelResult] = []

    def emit(result: ChannelResult) -> None:
        if on_result is not None:
            on_result(result)
        else:
            results.append(result)

    connections = Connection.objects.filter(
        status=Connection.Status.ACTIVE, channel__status=Channel.Status.VERIFIED
    ).order_by("pk")
    if channels is not None:
        ids = [c.pk for c in channels]
        connections = connections.filter(channel_id__in=ids)
        connected = set(connections.values_list("channel_id", flat=True))
        for channel in channels:
            if channel.pk not in connected:
                emit(ChannelResult(channel.pk, SyncRun.Status.NOT_CONNECTED))
    concurrency = max(1, conf.get("CONCURRENCY"))
    limits = {
        name: http.Limits(name, quota=conf.get("YOUTUBE_QUOTA") if name == "youtube" else None)
        for name in platforms.SUPPORTED
    }
    # One stream of jobs per platform, so that every platform's slots fill at once.
    sources = {
        name: _jobs(_chunked(connections.filter(platform=name)), window)
        for name in platforms.SUPPORTED
    }
    with (
        http.client() as client,
        cf.ThreadPoolExecutor(
            max_workers=concurrency * len(platforms.SUPPORTED), thread_name_prefix="sync"
        ) as pool,
    ):
        in_flight: dict[cf.Future[Outcome], str] = {}
        per_platform: dict[str, int] = dict.fromkeys(platforms.SUPPORTED, 0)

        def fill(name: str) -> None:
            source = sources.get(name)
            while source is not None and per_platform[name] < concurrency:
                item = next(source, None)
                if item is None:
                    sources.pop(name)
                    return
                if isinstance(item, ChannelResult):
                    emit(item)
                else:
                    api = http.Api(client, limits[name])
                    in_flight[pool.submit(fetch, item, api)] = name
                    per_platform[name] += 1

        with _Writers(_writer_count(), emit) as writers:
            for name in platforms.SUPPORTED:
                fill(name)
            while in_flight:
                done, _pending = cf.wait(in_flight, return_when=cf.FIRST_COMPLETED)
                for future in done:
                    name = in_flight.pop(future)
                    per_platform[name] -= 1
                    fill(name)  # the next job goes out before this one is written
                    writers.put(future.result())
    return results


def _writer_count() -> int:
    """Writers on their own database connections: PostgreSQL only (SQLite has one writer;
    a test's transaction is only seen by its own connection)."""
    if db_connection.vendor != "postgresql" or db_connection.in_atomic_block:
        return 0
    return max(0, conf.get("WRITERS"))


class _Writers:
    """Store outcomes in ``count`` threads (each with its own database connection), or in
    the calling thread when ``count`` is 0. ``emit`` is called under a lock."""

    def __init__(self, count: int, emit: Callable[[ChannelResult], None]) -> None:
        self.count = count
        self.emit = emit
        self.lock = threading.Lock()
        self.queue: queue.Queue[Outcome | None] = queue.Queue(maxsize=max(1, count) * 2)
        self.threads = [
            threading.Thread(target=self._loop, name=f"sync-writer-{i}", daemon=True)
            for i in range(count)
        ]

    def __enter__(self) -> _Writers:
        for thread in self.threads:
            thread.start()
        return self

    def put(self, outcome: Outcome) -> None:
        if not self.threads:
            self.emit(store(outcome))
            return
        self.queue.put(outcome)

    def _loop(self) -> None:
        try:
            while (outcome := self.queue.get()) is not None:
                try:
                    result = store(outcome)
                except Exception as exc:  # noqa: BLE001 - one channel's write must not stop the run
                    result = ChannelResult(
                        outcome.job.channel_id,
                        SyncRun.Status.FAILED,
                        requests=outcome.requests,
                        errors=[{"code": "internal", "message": type(exc).__name__}],
                    )
                with self.lock:
                    self.emit(result)
        finally:
            connections.close_all()

    def __exit__(self, *exc: object) -> None:
        for _thread in self.threads:
            self.queue.put(None)
        for thread in self.threads:
            thread.join()


def store(outcome: Outcome) -> ChannelResult:
    """Write one channel's outcome (the calling thread; its own transactions)."""
    from connectors import sink

    job = outcome.job
    connection = Connection.objects.select_related("channel__unit").get(pk=job.connection_id)
    started = timezone.now()
    if outcome.tokens is not None:
        # First and on its own: Zalo's refresh token is single-use.
        services.connection_tokens_refreshed(connection=connection, tokens=outcome.tokens)
    result = ChannelResult(job.channel_id, SyncRun.Status.OK, requests=outcome.requests)
    dropped: list[dict[str, str]] = []
    batch_id = None
    if outcome.error is not None:
        error = outcome.error
        result.status = SyncRun.Status.FAILED
        result.errors.append({"code": error.code, "message": error.message})
        with transaction.atomic():
            services.connection_result(
                connection=connection,
                ok=False,
                code=error.code,
                message=error.message if error.code not in ("reconnect_needed",) else "",
                reconnect=isinstance(error, ReconnectNeeded),
            )
    else:
        fetched = outcome.fetched or Fetched()
        day = job.window.today.strftime("%d/%m/%Y")
        dropped = [
            {
                "metric": d.metric,
                "field": d.field,
                "date": job.window.today.isoformat(),
                "message": d.message,
            }
            for d in fetched.dropped
        ]
        notes = [
            _(
                "Nền tảng từ chối chỉ số %(metric)s (%(field)s) ngày %(day)s; "
                "lần đồng bộ này bỏ qua chỉ số đó."
            )
            % {"metric": d.metric, "field": d.field, "day": day}
            for d in fetched.dropped
        ]
        result.errors.extend(fetched.errors)
        result.errors.extend(
            {"code": "metric_refused", "message": f"{d.metric}: {d.message}"}
            for d in fetched.dropped
        )
        with transaction.atomic():
            written = sink.write_posts(
                channel=connection.channel, posts=fetched.posts, as_of=job.window.today, notes=notes
            )
            batch_id = written.batch
            result.posts_created = written.posts_created
            result.posts_updated = written.posts_updated
            result.unchanged = written.unchanged
            result.errors.extend(
                {"code": "rejected", "message": f"{e['line']} {e['field']}: {e['message']}"}
                for e in written.errors[:20]
            )
            if fetched.followers is not None:
                FollowerCount.objects.update_or_create(
                    channel_id=job.channel_id,
                    as_of=job.window.today,
                    defaults={"followers": fetched.followers},
                )
            if result.errors:
                result.status = SyncRun.Status.PARTIAL
            first = result.errors[0] if result.errors else None
            services.connection_result(
                connection=connection,
                ok=True,
                code=first["code"] if first else "",
                message=first["message"] if first else "",
                dropped=dropped,
            )
    SyncRun.objects.create(
        channel_id=job.channel_id,
        unit_id=connection.unit_id,
        started_at=started,
        finished_at=timezone.now(),
        status=result.status,
        since=job.window.since,
        until=job.window.until,
        posts_created=result.posts_created,
        posts_updated=result.posts_updated,
        unchanged=result.unchanged,
        requests=result.requests,
        errors=result.errors,
        dropped_metrics=dropped,
        batch_id=batch_id,
    )
    if result.status == SyncRun.Status.FAILED:
        from connectors import notify

        notify.failure(connection=connection)
    return result
