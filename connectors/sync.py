"""The daily sync: every connected channel's posts of the window, their figures, followers.

Fetching runs in threads, a bounded number per platform (``BANTIN_SYNC_CONCURRENCY``), and
never touches the database; the calling thread stores each channel's result as it arrives
(tokens first, then the ledger batch, followers, health), each channel in its own
transaction. One channel's failure is recorded and the others go on.
"""

from __future__ import annotations

import concurrent.futures as cf
import logging
import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db import connection as db_connection
from django.db import connections, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from connectors import conf, crypto, http, platforms, services
from connectors.errors import PlatformError, ReconnectNeeded, TokenExpired
from connectors.models import Connection, FollowerCount, SyncRun
from connectors.platforms.base import Fetched, Tokens, Window
from registry.models import Channel

logger = logging.getLogger(__name__)

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
    """The connections in the queryset's order, a few hundred at a time: no cursor stays
    open while the same connections are written (SQLite would see its own writes mid-read)."""
    pks = list(connections.values_list("pk", flat=True))
    for start in range(0, len(pks), size):
        part = pks[start : start + size]
        found = Connection.objects.in_bulk(part)
        yield from (found[pk] for pk in part if pk in found)


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

    # Least recently synced first: when a quota runs out (YouTube's 10,000 units a day are
    # about 3,300 channels), the channels left out today are the first ones tomorrow.
    connections = Connection.objects.filter(
        status=Connection.Status.ACTIVE, channel__status=Channel.Status.VERIFIED
    ).order_by(F("last_success_at").asc(nulls_first=True), "pk")
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

        with _Writers(_writer_count(), emit, conf.get("GROUP")) as writers:
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
    """Store outcomes ``group`` at a time (``store_many``) in ``count`` threads (each with its
    own database connection), or in the calling thread when ``count`` is 0. ``emit`` is
    called under a lock."""

    def __init__(self, count: int, emit: Callable[[ChannelResult], None], group: int = 1) -> None:
        self.count = count
        self.emit = emit
        self.group = max(1, group)
        self.pending: list[Outcome] = []
        self.lock = threading.Lock()
        self.queue: queue.Queue[list[Outcome] | None] = queue.Queue(maxsize=max(1, count) * 2)
        self.threads = [
            threading.Thread(target=self._loop, name=f"sync-writer-{i}", daemon=True)
            for i in range(count)
        ]

    def __enter__(self) -> _Writers:
        for thread in self.threads:
            thread.start()
        return self

    def put(self, outcome: Outcome) -> None:
        self.pending.append(outcome)
        if len(self.pending) >= self.group:
            self._flush()

    def _flush(self) -> None:
        group, self.pending = self.pending, []
        if not group:
            return
        if not self.threads:
            for result in store_many(group):
                self.emit(result)
            return
        self.queue.put(group)

    def _loop(self) -> None:
        try:
            while (group := self.queue.get()) is not None:
                results = store_many(group)
                with self.lock:
                    for result in results:
                        self.emit(result)
        finally:
            connections.close_all()

    def __exit__(self, *exc: object) -> None:
        self._flush()
        for _thread in self.threads:
            self.queue.put(None)
        for thread in self.threads:
            thread.join()


@dataclass
class _Arrived:
    """An outcome with its connection, read when its storing began."""

    outcome: Outcome
    connection: Connection
    started: datetime


def store(outcome: Outcome) -> ChannelResult:
    """Write one channel's outcome (the calling thread; its own transactions)."""
    return store_many([outcome])[0]


def store_many(outcomes: list[Outcome]) -> list[ChannelResult]:
    """Write several channels' outcomes (the calling thread), one result each, in order.

    Each channel's refreshed tokens first, on their own (Zalo's refresh token is
    single-use: it must survive whatever follows). Failed fetches one by one. The fetched
    channels' ledger batches, followers, health and runs in one transaction with one
    refresh of the aggregate (``sink.write_many``); if that transaction fails, each channel
    is written again on its own, so one channel's bad write does not sink the others.
    """
    connections = Connection.objects.select_related("channel__unit").in_bulk(
        [o.job.connection_id for o in outcomes]
    )
    arrived = [_arrive(o, connections[o.job.connection_id]) for o in outcomes]
    results: dict[int, ChannelResult] = {}
    fetched: dict[date, list[_Arrived]] = {}
    for item in arrived:
        if item.outcome.error is not None:
            results[item.outcome.job.channel_id] = _store_failure(item)
        else:
            fetched.setdefault(item.outcome.job.window.today, []).append(item)
    for group in fetched.values():
        if len(group) > 1:
            try:
                with transaction.atomic():
                    results.update(_store_fetched(group))
                continue
            except Exception:  # noqa: BLE001 - retried channel by channel below
                logger.warning(
                    "sync: a group of %s channels failed; writing each alone", len(group)
                )
        for item in group:
            try:
                with transaction.atomic():
                    results.update(_store_fetched([item]))
            except Exception as exc:  # noqa: BLE001 - one channel's write must not stop the run
                logger.exception("sync: channel %s not written", item.outcome.job.channel_id)
                results[item.outcome.job.channel_id] = ChannelResult(
                    item.outcome.job.channel_id,
                    SyncRun.Status.FAILED,
                    requests=item.outcome.requests,
                    errors=[{"code": "internal", "message": type(exc).__name__}],
                )
    return [results[o.job.channel_id] for o in outcomes]


def _arrive(outcome: Outcome, connection: Connection) -> _Arrived:
    started = timezone.now()
    if outcome.tokens is not None:
        # First and on its own: Zalo's refresh token is single-use.
        services.connection_tokens_refreshed(connection=connection, tokens=outcome.tokens)
    return _Arrived(outcome, connection, started)


def _run_row(item: _Arrived, result: ChannelResult, dropped: list[dict[str, str]]) -> SyncRun:
    job = item.outcome.job
    return SyncRun(
        channel_id=job.channel_id,
        unit_id=item.connection.unit_id,
        started_at=item.started,
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
    )


def _store_failure(item: _Arrived) -> ChannelResult:
    from connectors import notify

    error = item.outcome.error
    assert error is not None  # noqa: S101 - for the type checker
    result = ChannelResult(
        item.outcome.job.channel_id,
        SyncRun.Status.FAILED,
        requests=item.outcome.requests,
        errors=[{"code": error.code, "message": error.message}],
    )
    with transaction.atomic():
        services.connection_result(
            connection=item.connection,
            ok=False,
            code=error.code,
            message=error.message if error.code not in ("reconnect_needed",) else "",
            reconnect=isinstance(error, ReconnectNeeded),
        )
    _run_row(item, result, []).save()
    notify.failure(connection=item.connection)
    return result


def _dropped(item: _Arrived) -> tuple[list[dict[str, str]], list[str]]:
    """The metrics the platform refused: for the connection's page, and the batch's notes."""
    fetched = item.outcome.fetched or Fetched()
    today = item.outcome.job.window.today
    day = today.strftime("%d/%m/%Y")
    dropped = [
        {"metric": d.metric, "field": d.field, "date": today.isoformat(), "message": d.message}
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
    return dropped, notes


def _store_fetched(items: list[_Arrived]) -> dict[int, ChannelResult]:
    """The fetched channels' batches (one refresh of the aggregate), followers, health and
    runs; the caller's transaction makes it all or nothing."""
    from connectors import sink

    today = items[0].outcome.job.window.today
    prepared = []
    for item in items:
        fetched = item.outcome.fetched or Fetched()
        dropped, notes = _dropped(item)
        result = ChannelResult(
            item.outcome.job.channel_id, SyncRun.Status.OK, requests=item.outcome.requests
        )
        result.errors.extend(fetched.errors)
        result.errors.extend(
            {"code": "metric_refused", "message": f"{d.metric}: {d.message}"}
            for d in fetched.dropped
        )
        prepared.append((item, fetched, dropped, notes, result))
    written_all = sink.write_many(
        items=[(item.connection.channel, f.posts, notes) for item, f, _d, notes, _r in prepared],
        as_of=today,
    )
    followers: list[FollowerCount] = []
    runs: list[SyncRun] = []
    for (item, fetched, dropped, _notes, result), written in zip(
        prepared, written_all, strict=True
    ):
        result.posts_created = written.posts_created
        result.posts_updated = written.posts_updated
        result.unchanged = written.unchanged
        result.errors.extend(
            {"code": "rejected", "message": f"{e['line']} {e['field']}: {e['message']}"}
            for e in written.errors[:20]
        )
        if fetched.followers is not None:
            followers.append(
                FollowerCount(channel_id=result.channel, as_of=today, followers=fetched.followers)
            )
        if result.errors:
            result.status = SyncRun.Status.PARTIAL
        first = result.errors[0] if result.errors else None
        services.connection_result(
            connection=item.connection,
            ok=True,
            code=first["code"] if first else "",
            message=first["message"] if first else "",
            dropped=dropped,
        )
        run = _run_row(item, result, dropped)
        run.batch_id = written.batch
        runs.append(run)
    if followers:
        FollowerCount.objects.bulk_create(
            followers,
            update_conflicts=True,
            unique_fields=["channel", "as_of"],
            update_fields=["followers"],
        )
    SyncRun.objects.bulk_create(runs)
    return {r.channel: r for *_rest, r in prepared}
