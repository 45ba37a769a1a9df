"""Writes of the ledger: imports, the bulk API upsert, monthly forms, and the aggregate.

Every import runs in one transaction: the batch, its posts, snapshots, rejected rows, the
aggregate deltas and the completeness markers commit together or not at all. Rows are
written in chunks with bulk statements (a few queries per chunk, never one per row).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import json
import operator
import os
import queue
import shutil
import sys
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from core.audit import audit
from core.permissions import Role, ensure_role, has_role
from ledger.formats import (
    MAX_ROWS,
    MAX_UNCOMPRESSED,
    FileRefused,
    OrderGuessWrong,
    ParseContext,
    Row,
    RowError,
    parse_file,
)
from ledger.formats.parallel import parse_file_in_child
from ledger.models import (
    METRICS,
    ImportBatch,
    MetricSnapshot,
    MonthlyForm,
    Post,
    RowRejection,
    SubtreeStat,
    UnitMonthReport,
    UnitMonthStat,
)
from ledger.refusals import describe_page, platform_label, platform_mismatch_message
from registry.models import Channel
from units.models import Unit, path_codes

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
CHUNK = 5000
PROGRESS_EVERY = 5000
# Formats whose rows carry the channel's own identity (Page ID, handle).
IDENTIFIED_FORMATS = {"meta", "tiktok"}

ProgressCallback = Callable[[int], None]


def max_import_bytes() -> int:
    return int(getattr(settings, "BANTIN", {}).get("IMPORT_MAX_BYTES", 50 * 1024 * 1024))


def parallel_parse_bytes() -> int:
    """Files at least this big are parsed in a child process (-1: never)."""
    return int(getattr(settings, "BANTIN", {}).get("IMPORT_PARALLEL_BYTES", -1))


def max_stored_bytes() -> int:
    conf = getattr(settings, "BANTIN", {})
    return int(conf.get("IMPORT_STORE_MAX_BYTES", conf.get("IMPORT_MAX_BYTES", 50 << 20)))


class ImportRefused(Exception):  # noqa: N818 - it is a refusal, not a programming error
    """The whole file is refused; nothing was written. ``code`` is machine-readable."""

    def __init__(self, message: str, code: str = "refused", **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.details = details


@dataclass
class ImportResult:
    batch: int | None
    format: str
    channel: int | None
    rows_read: int = 0
    accepted: int = 0
    rejected: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    posts_created: int = 0
    posts_updated: int = 0
    unchanged: int = 0
    duplicate: bool = False
    dry_run: bool = False
    notes: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        """The command's and the API's JSON: exactly the keys the issue names."""
        return {
            "batch": self.batch,
            "format": self.format,
            "channel": self.channel,
            "rows_read": self.rows_read,
            "accepted": self.accepted,
            "rejected": self.rejected,
            "errors": self.errors,
            "posts_created": self.posts_created,
            "posts_updated": self.posts_updated,
            "unchanged": self.unchanged,
        }


class _Rollback(Exception):  # noqa: N818
    """Raised inside the atomic block to undo a dry run."""


class _AlreadyImported(Exception):  # noqa: N818
    """The same file for the same channel was imported while this import waited for the
    channel: its transaction undoes itself and the caller answers as for a duplicate."""

    def __init__(self, previous: ImportBatch) -> None:
        super().__init__(previous.pk)
        self.previous = previous


# --------------------------------------------------------------------------- helpers


def month_half(moment: datetime | None, fallback: date) -> tuple[date, int]:
    """The month of ``moment`` and its half for the roll-up (``SubtreeStat.half``):
    1 for days 1-14, 2 for days 15 to the end, 0 when the moment is unknown."""
    if moment is None:
        return fallback.replace(day=1), SubtreeStat.Half.WHOLE
    if moment.tzinfo is not TZ:
        moment = moment.astimezone(TZ)
    half = 1 if moment.day < SubtreeStat.SECOND_HALF_FROM else 2
    return _first_day(moment.year, moment.month), half


@functools.lru_cache(maxsize=4096)
def _first_day(year: int, month: int) -> date:
    return date(year, month, 1)


def local_today() -> date:
    return timezone.now().astimezone(TZ).date()


def _sha256(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def can_import_to(user: Any, channel: Channel) -> bool:
    return user is None or has_role(user, channel.unit, Role.REPORTER)


def can_confirm_channel(user: Any, channel: Channel) -> bool:
    """Recording a channel's platform id is a registry edit: an editor's."""
    return user is None or has_role(user, channel.unit, Role.EDITOR)


def _ensure_can_import(user: Any, channel: Channel) -> None:
    if user is not None:
        ensure_role(user, channel.unit, Role.REPORTER)


def _channel_matches(channel: Channel, ref: str) -> bool:
    ref_l = ref.strip().lstrip("@").lower()
    return ref_l in {channel.external_id.lower(), channel.identifier.lstrip("@").lower()}


def _find_channel(platform: str, ref: str) -> Channel | None:
    ref = ref.strip()
    bare = ref.lstrip("@")
    return (
        Channel.objects.select_related("unit")
        .filter(platform=platform)
        .filter(
            Q(external_id=ref)
            | Q(identifier=ref)
            | Q(identifier__iexact=bare)
            | Q(identifier__iexact="@" + bare)
        )
        .exclude(status=Channel.Status.RETIRED)
        .first()
    )


def _set_external_id(*, acting_user: Any, channel: Channel, external_id: str) -> None:
    """Record the platform's own id of a channel, once the user has confirmed it."""
    try:
        from registry import services as registry_services
    except ImportError:  # pragma: no cover - the registry's services are not there yet
        registry_services = None  # type: ignore[assignment]
    setter = getattr(registry_services, "channel_set_external_id", None)
    if setter is not None:
        try:
            setter(acting_user=acting_user, channel=channel, external_id=external_id)
        except PermissionDenied as exc:
            raise ImportRefused(
                _(
                    "Chỉ biên tập viên hoặc quản trị của đơn vị mới xác nhận được mã trang "
                    "%(ref)s cho kênh %(channel)s. Lô này chờ họ xác nhận."
                )
                % {"ref": external_id, "channel": channel},
                "confirm_channel_forbidden",
                ref=external_id,
            ) from exc
        except ValidationError as exc:
            raise ImportRefused(" ".join(exc.messages), "channel_mismatch") from exc
        channel.refresh_from_db()
        return
    other = Channel.objects.filter(platform=channel.platform, external_id=external_id)
    if other.exclude(pk=channel.pk).exists():
        raise ImportRefused(
            _("Mã %(ref)s đã được ghi cho một kênh khác; file này không thuộc kênh đã chọn.")
            % {"ref": external_id},
            "channel_mismatch",
        )
    before = {"external_id": channel.external_id}
    channel.external_id = external_id
    channel.save(update_fields=["external_id", "updated_at"])
    audit(
        acting_user,
        "channel.set_external_id",
        channel,
        before=before,
        after={"external_id": external_id},
    )


# --------------------------------------------------------------------------- channel


@dataclass
class _Resolved:
    channel: Channel | None  # the batch's channel (None: template rows name their own)
    confirm_ref: str = ""  # an id to record on the channel once confirmed


def _resolve_channel(
    *,
    acting_user: Any,
    fmt: str,
    first: Row | None,
    channel: Channel | None,
    confirm_channel: bool,
) -> _Resolved:
    ref = (first.channel_ref or "").strip() if first else ""
    ref_of_row = ref
    platform = first.platform if first else None
    if fmt not in IDENTIFIED_FORMATS:
        ref = ""
    name = (first.channel_name or "") if first else ""
    if channel is not None:
        _ensure_can_import(acting_user, channel)
        # A template's rows may name their own channels; one whose first row names none
        # takes the chosen channel, so its platform must be the channel's.
        own_rows = fmt == "bantin_template" and bool(ref_of_row)
        if platform and not own_rows and channel.platform != platform:
            raise ImportRefused(
                platform_mismatch_message(platform, channel),
                "platform_mismatch",
                platform=platform,
            )
        if ref and not _channel_matches(channel, ref):
            page = describe_page(platform or channel.platform, ref, name)
            if channel.external_id:
                raise ImportRefused(
                    _(
                        "File này là của %(page)s, không phải của kênh đã chọn %(channel)s "
                        "(mã %(id)s). Hãy nhập lại và chọn đúng kênh của trang này; nếu trang "
                        "chưa có trong danh sách kênh, nhờ biên tập viên của đơn vị đăng ký "
                        "kênh trước."
                    )
                    % {"page": page, "channel": channel, "id": channel.external_id},
                    "channel_mismatch",
                    ref=ref,
                    name=name,
                )
            if not confirm_channel:
                raise ImportRefused(
                    _(
                        "File này là của %(page)s, nhưng kênh %(channel)s chưa được ghi mã "
                        "này. Hãy so sánh hai bên: nếu đúng là một, biên tập viên của đơn vị "
                        "xác nhận và file được nhập tiếp; nếu không, nhập lại với đúng kênh."
                    )
                    % {"page": page, "channel": channel},
                    "confirm_channel",
                    ref=ref,
                    name=name,
                )
            return _Resolved(channel=channel, confirm_ref=ref)
        return _Resolved(channel=channel)
    if fmt == "bantin_template":
        return _Resolved(channel=None)
    if ref and platform:
        found = _find_channel(platform, ref)
        if found is not None:
            _ensure_can_import(acting_user, found)
            return _Resolved(channel=found)
        raise ImportRefused(
            _(
                "%(page)s chưa có trong danh sách kênh chính thức. Nếu đây là kênh của đơn "
                "vị: nhập lại và chọn kênh đó ở ô “Kênh” (biên tập viên sẽ xác nhận mã trang), "
                "hoặc nhờ biên tập viên đăng ký kênh trước."
            )
            % {"page": capfirst(describe_page(platform, ref, name))},
            "channel_unknown",
            ref=ref,
            name=name,
        )
    raise ImportRefused(
        _("File này không ghi là của kênh nào: hãy nhập lại và chọn kênh ở ô “Kênh”."),
        "channel_required",
    )


class _TemplateChannels:
    """Resolves the template's per-row ``Kênh`` among the channels the user may import to."""

    def __init__(self, acting_user: Any, default: Channel | None) -> None:
        self.user = acting_user
        self.default = default
        self.cache: dict[tuple[str, str], Channel | str] = {}
        self.before_query: Callable[[], None] = lambda: None  # the import's writer.drain

    def __call__(self, row: Row) -> Channel | str:
        ref = (row.channel_ref or "").strip()
        if not ref:
            if self.default is None:
                return _("Dòng không ghi kênh và chưa chọn kênh khi nhập.")
            if self.default.platform != row.platform:
                return _(
                    "Dòng này là số liệu %(row)s, nhưng kênh đã chọn là %(channel)s: ghi kênh "
                    "%(row)s của đơn vị vào cột “Kênh”."
                ) % {
                    "row": platform_label(row.platform),
                    "channel": self.default,
                }
            return self.default
        key = (row.platform, ref)
        if key not in self.cache:
            self.cache[key] = self._lookup(row.platform, ref)
        return self.cache[key]

    def _lookup(self, platform: str, ref: str) -> Channel | str:
        from registry.normalize import NotAChannel, normalize

        self.before_query()
        found = _find_channel(platform, ref)
        if found is None:
            try:
                canon = normalize(ref)
            except NotAChannel:
                canon = None
            if canon is not None:
                found = _find_channel(canon.platform, canon.identifier)
        if found is None:
            return _(
                "Kênh %(ref)s chưa có trong danh sách kênh chính thức: nhờ biên tập viên của "
                "đơn vị đăng ký kênh, rồi nhập lại file."
            ) % {"ref": ref[:100]}
        if found.platform != platform:
            return _("Kênh %(ref)s không phải kênh %(platform)s.") % {
                "ref": ref[:100],
                "platform": platform_label(platform),
            }
        if not can_import_to(self.user, found):
            return _("Bạn không có quyền nhập số liệu cho kênh %(ref)s.") % {"ref": ref[:100]}
        return found


# --------------------------------------------------------------------------- the engine

StatKey = tuple[int, date, str, str]  # unit id, month, platform, content type
RollKey = tuple[int, date, int, str, str]  # unit id, month, half, platform, content type


def _add_into(acc: dict[Any, list[int]], key: Any, values: Iterable[int], sign: int = 1) -> None:
    """``acc[key] += sign * values``, element by element (a zero row when missing)."""
    t = acc.get(key)
    if t is None:
        t = acc[key] = [0] * len(UnitMonthStat.SUMS)
    for i, v in enumerate(values):
        t[i] += sign * v


def _contribution(values: dict[str, int | None]) -> dict[str, int]:
    reach, views = values.get("reach"), values.get("views")
    reactions, comments, shares = (
        values.get("reactions"),
        values.get("comments"),
        values.get("shares"),
    )
    return {
        "posts": 1,
        "posts_with_reach": 0 if reach is None else 1,
        "reach": reach or 0,
        "posts_with_views": 0 if views is None else 1,
        "views": views or 0,
        "reactions": reactions or 0,
        "comments": comments or 0,
        "shares": shares or 0,
        "clicks": values.get("clicks") or 0,
        "engagements": (reactions or 0) + (comments or 0) + (shares or 0),
        "watch_time_seconds": values.get("watch_time_seconds") or 0,
    }


# The metrics of a row or a post in METRICS order.
Metrics = tuple[int | None, int | None, int | None, int | None, int | None, int | None, int | None]
row_metrics: Callable[[Row], Metrics] = operator.attrgetter(*METRICS)  # a tuple, in C


class _Deltas:
    """The aggregate's changes, summed in memory per key and applied once at the end.

    ``add`` is :func:`_contribution` unrolled over lists in ``UnitMonthStat.SUMS`` order
    (it runs once per imported row).
    """

    def __init__(self) -> None:
        assert UnitMonthStat.SUMS == (  # noqa: S101 - the unrolled order below
            "posts", "posts_with_reach", "reach", "posts_with_views", "views", "reactions",
            "comments", "shares", "clicks", "engagements", "watch_time_seconds",
        )  # fmt: skip
        self.sums: dict[RollKey, list[int]] = {}
        self.months: set[tuple[int, date]] = set()

    def add(self, key: RollKey, metrics: Metrics, sign: int) -> None:
        views, reach, reactions, comments, shares, clicks, watch = metrics
        t = self.sums.get(key)
        if t is None:
            t = self.sums[key] = [0] * 11
        t[0] += sign
        if reach is not None:
            t[1] += sign
            t[2] += sign * reach
        if views is not None:
            t[3] += sign
            t[4] += sign * views
        engagements = 0
        if reactions:
            t[5] += sign * reactions
            engagements += reactions
        if comments:
            t[6] += sign * comments
            engagements += comments
        if shares:
            t[7] += sign * shares
            engagements += shares
        if clicks:
            t[8] += sign * clicks
        t[9] += sign * engagements
        if watch:
            t[10] += sign * watch

    @property
    def by_key(self) -> dict[StatKey, dict[str, int]]:
        """The deltas of ``UnitMonthStat``: the halves of each month summed."""
        out: dict[StatKey, list[int]] = {}
        for (unit_id, month, _half, platform, ctype), values in self.sums.items():
            _add_into(out, (unit_id, month, platform, ctype), values)
        return {k: dict(zip(UnitMonthStat.SUMS, v, strict=True)) for k, v in out.items()}

    def apply(self) -> None:
        by_key = self.by_key
        _apply_stats(
            by_key,
            UnitMonthStat.Source.IMPORT,
            touched={(k[0], k[1], k[2]) for k in by_key},
            rollup={k: list(v) for k, v in self.sums.items()},
        )
        _mark_reported(self.months, by_import=True)


class _SwitchInterval:
    """A shorter interpreter switch interval while any import's writer thread runs.

    The writer waits for the socket with the GIL released; when the server has taken the
    data it needs the GIL back to send more, and the importing thread, busy in Python,
    gives it up only every switch interval (5 ms by default). Meanwhile the server sat
    idle, waiting for the client, a quarter of the time (bench/import_bench.py). Python
    documents the interval as a process-wide setting; it is restored when the last import
    of the process ends.
    """

    INTERVAL = 0.001

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.active = 0
        self.saved = 0.0

    def enter(self) -> None:
        with self.lock:
            if self.active == 0:
                self.saved = sys.getswitchinterval()
                sys.setswitchinterval(min(self.saved, self.INTERVAL))
            self.active += 1

    def exit(self) -> None:
        with self.lock:
            self.active -= 1
            if self.active == 0:
                sys.setswitchinterval(self.saved)


_switching = _SwitchInterval()


class _Writer:
    """Runs the database half of new posts' chunks in a thread, in order, while the
    importing thread prepares the next chunk (the database work and Python's overlap: the
    driver waits with the GIL released).

    Same connection, same transaction: Django's wrapper is shared with the thread for the
    import's duration (``inc_thread_sharing``). The importing thread calls ``drain()``
    before it uses the database itself, and ``close()`` at the end; an error in a job is
    raised in the importing thread by the next ``submit``, ``drain`` or ``close``.
    """

    def __init__(self) -> None:
        self.db = connections[DEFAULT_DB_ALIAS]
        self.jobs: queue.Queue[Callable[[], None] | None] = queue.Queue(maxsize=2)
        self.error: BaseException | None = None
        self.thread: threading.Thread | None = None

    def _run(self) -> None:
        while True:
            job = self.jobs.get()
            try:
                if job is None:
                    return
                if self.error is None:
                    job()
            except BaseException as exc:  # noqa: BLE001 - raised in the importing thread
                self.error = exc
            finally:
                self.jobs.task_done()

    def _raise(self) -> None:
        error = self.take_error()
        if error is not None:
            try:
                raise error
            finally:
                del error  # no frame ↔ traceback cycle keeping the import's generators alive

    def take_error(self) -> BaseException | None:
        error, self.error = self.error, None
        return error

    def submit(self, job: Callable[[], None]) -> None:
        self._raise()
        if self.thread is None:
            thread = threading.Thread(target=self._run, name="bantin-import-db", daemon=True)
            self.db.inc_thread_sharing()
            try:
                thread.start()
            except BaseException:
                self.db.dec_thread_sharing()
                raise
            self.thread = thread
            _switching.enter()
        self.jobs.put(job)

    def drain(self) -> None:
        if self.thread is not None:
            self.jobs.join()
        self._raise()

    def close(self, *, raise_errors: bool = True) -> None:
        if self.thread is not None:
            self.jobs.put(None)
            self.thread.join()
            self.thread = None
            self.db.dec_thread_sharing()
            _switching.exit()
        if raise_errors:
            self._raise()


@dataclass
class _Counts:
    rows_read: int = 0
    accepted: int = 0
    rejected: int = 0
    posts_created: int = 0
    posts_updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)


class _Ingest:
    """Writes a stream of rows into one batch, chunk by chunk."""

    def __init__(
        self,
        *,
        batch: ImportBatch,
        as_of: date,
        channel_for: Callable[[Row], Channel | str],
        progress: ProgressCallback | None,
        keep_errors: int | None = None,
    ) -> None:
        self.batch = batch
        self.as_of = as_of
        self.fallback_month = as_of.replace(day=1)
        self.channel_for = channel_for
        self.progress = progress
        self.counts = _Counts()
        self.deltas = _Deltas()
        self.seen: dict[tuple[int, str], int] = {}
        self.pending: list[tuple[Row, Channel]] = []
        self.rejections: list[RowRejection] = []
        self.keep_errors = keep_errors
        self.writer = _Writer()
        # PostgreSQL: new posts' COPY data is formatted in this thread, ids reserved ahead on
        # a second connection, so the writer thread only streams bytes (see _PostIds).
        self.ids = _PostIds() if self.writer.db.vendor == "postgresql" else None
        if isinstance(channel_for, _TemplateChannels):
            channel_for.before_query = self.writer.drain
        # Channels without any post yet: no need to look up existing posts.
        self.empty_channels: set[int] = set()
        from hub.services import LinkCandidates

        # Posts that may be republications of hub items, linked after the rows are written.
        self.hub = LinkCandidates(before_query=self.writer.drain)

    def start(self, channel: Channel | None) -> None:
        if channel is not None and not Post.objects.filter(channel_id=channel.pk).exists():
            self.empty_channels.add(channel.pk)

    def feed(self, items: Iterable[Row | RowError]) -> None:
        # Once per row of a million-row file: locals, no per-row allocations beyond the
        # duplicate key.
        counts = self.counts
        channel_for = self.channel_for
        seen = self.seen
        consider = self.hub.consider
        pending = self.pending
        progress = self.progress
        read = counts.rows_read
        last_target: Channel | None = None
        last_pk = 0
        try:
            for item in items:
                read += 1
                if type(item) is RowError:
                    self._reject(item.line, item.field, item.message)
                else:
                    assert isinstance(item, Row)  # noqa: S101 - for the type checker
                    target = channel_for(item)
                    if isinstance(target, str):
                        self._reject(item.line, _("Kênh"), target)
                        continue
                    if target is not last_target:  # ``pk`` is a property: once per channel
                        last_target, last_pk = target, target.pk
                    key = (last_pk, item.post_id)
                    first_line = seen.setdefault(key, item.line)
                    if first_line != item.line:
                        self._reject(
                            item.line,
                            "post_id",
                            _(
                                "Bài viết này đã có ở dòng %(line)s của cùng file; "
                                "dòng này bị bỏ qua."
                            )
                            % {"line": first_line},
                        )
                        continue
                    consider(last_pk, item.post_id, item.permalink, item.caption)
                    pending.append((item, target))
                    if len(pending) >= CHUNK:
                        self._flush()
                        pending = self.pending
                if progress and read % PROGRESS_EVERY == 0:
                    counts.rows_read = read
                    progress(read)
            self._flush()
            self._flush_rejections()
            self.writer.close()
        except BaseException as exc:
            # Stop the thread; when it failed first, its error is the one to report (the
            # importing thread's own may only be "current transaction is aborted").
            self.writer.close(raise_errors=False)
            error = self.writer.take_error()
            if error is not None and error is not exc:
                try:
                    raise error from exc
                finally:
                    del error, exc
            raise
        finally:
            counts.rows_read = read
            if self.ids is not None:
                self.ids.close()

    def _reject(self, line: int, column: str, message: str) -> None:
        self.counts.rejected += 1
        error = RowError(line=line, field=column, message=message)
        if self.keep_errors is None or len(self.counts.errors) < self.keep_errors:
            self.counts.errors.append(error)
        self.rejections.append(
            RowRejection(batch=self.batch, line=line, field=column[:200], message=message)
        )
        if len(self.rejections) >= CHUNK:
            self._flush_rejections()

    def _flush_rejections(self) -> None:
        if self.rejections:
            self.writer.drain()
            RowRejection.objects.bulk_create(self.rejections, batch_size=2000)
            self.rejections = []

    def _flush(self) -> None:
        if not self.pending:
            return
        pending, self.pending = self.pending, []
        by_channel: dict[int, list[tuple[Row, Channel]]] = defaultdict(list)
        for row, channel in pending:
            by_channel[channel.pk].append((row, channel))
        for rows in by_channel.values():
            self._flush_channel(rows[0][1], [r for r, _c in rows])

    def _flush_channel(self, channel: Channel, rows: list[Row]) -> None:
        fields = (
            "id",
            "post_id",
            "month",
            "content_type",
            "published_at",
            "permalink",
            "caption",
            *METRICS,
        )
        existing: dict[str, dict[str, Any]] = {}
        if channel.pk not in self.empty_channels:
            self.writer.drain()
            ids = [r.post_id for r in rows]
            for start in range(0, len(ids), 900):
                for rec in Post.objects.filter(
                    channel_id=channel.pk, post_id__in=ids[start : start + 900]
                ).values(*fields):
                    existing[rec["post_id"]] = rec
        new_rows: list[tuple[Row, date]] = []
        changed: list[tuple[int, Row, date]] = []
        unit_id = channel.unit_id
        platform = channel.platform
        add = self.deltas.add
        months = self.deltas.months
        fallback = self.fallback_month
        for row in rows:
            values = row_metrics(row)
            old = existing.get(row.post_id) if existing else None
            if old is None:
                month, half = month_half(row.published_at, fallback)
                new_rows.append((row, month))
                add((unit_id, month, half, platform, row.content_type), values, +1)
                months.add((unit_id, month))
                continue
            published = row.published_at or old["published_at"]
            month, half = month_half(published, old["month"])
            same = (
                all(old[m] == v for m, v in zip(METRICS, values, strict=True))
                and old["content_type"] == row.content_type
                and old["month"] == month
                and old["published_at"] == published
                and old["permalink"] == (row.permalink or old["permalink"])
                and old["caption"] == (row.caption or old["caption"])
            )
            months.add((unit_id, month))
            if same:
                self.counts.unchanged += 1
                continue
            old_values: Metrics = tuple(old[m] for m in METRICS)  # type: ignore[assignment]
            _old_month, old_half = month_half(old["published_at"], old["month"])
            add((unit_id, old["month"], old_half, platform, old["content_type"]), old_values, -1)
            add((unit_id, month, half, platform, row.content_type), values, +1)
            changed.append((old["id"], row, month))
        if new_rows and not changed:
            # Only new posts (a channel's first import): written by the writer thread.
            # Full chunks only: a small import (the API's, a form's) opens no second
            # connection and reserves no ids ahead.
            ahead = self.ids is not None and (len(new_rows) >= CHUNK or self.ids.conn is not None)
            copies = self._copies(channel, new_rows) if ahead else None
            self.writer.submit(functools.partial(self._write_new, channel, new_rows, copies))
            self.counts.posts_created += len(new_rows)
            self.counts.accepted += len(rows)
            return
        self.writer.drain()
        snapshots: list[tuple[int, Row]] = []
        if new_rows:
            post_ids = _allocate_ids(Post, len(new_rows))
            self._insert_posts(channel, post_ids, new_rows)
            snapshots.extend(zip(post_ids, (r for r, _m in new_rows), strict=True))
            self.counts.posts_created += len(new_rows)
        if changed:
            self._update_posts(changed, existing)
            snapshots.extend((pk, row) for pk, row, _m in changed)
            self.counts.posts_updated += len(changed)
        if snapshots:
            self._insert_snapshots(snapshots)
        self.counts.accepted += len(rows)

    def _write_new(
        self, channel: Channel, new_rows: list[tuple[Row, date]], copies: list[_Copy] | None
    ) -> None:
        """The writer thread's job: stream ``copies`` (PostgreSQL, formatted by
        ``_copies``), or reserve ids and insert the rows (SQLite)."""
        db = self.writer.db
        if copies is not None:
            _send_copies(db, copies)
            return
        post_ids = _allocate_ids(Post, len(new_rows), db)
        self._insert_posts(channel, post_ids, new_rows, db)
        self._insert_snapshots(zip(post_ids, (r for r, _m in new_rows), strict=True), db)

    def _copies(self, channel: Channel, new_rows: list[tuple[Row, date]]) -> list[_Copy]:
        """New posts and their snapshots as binary COPY data, formatted in this thread."""
        assert self.ids is not None  # noqa: S101 - PostgreSQL only
        db = self.writer.db
        if self.ids.sequence is None:
            self.writer.drain()  # the import's connection names the sequence, once
            with db.cursor() as cursor:
                self.ids.sequence = _sequence(Post._meta.db_table, cursor)
        post_ids = self.ids.take(len(new_rows))
        snapshots = zip(post_ids, (r for r, _m in new_rows), strict=True)
        return [
            self.ids.format(Post, *self._post_rows(channel, post_ids, new_rows, db)),
            self.ids.format(MetricSnapshot, *self._snapshot_rows(snapshots, db)),
        ]

    def _insert_posts(
        self, channel: Channel, ids: list[int], rows: list[tuple[Row, date]], db: Any = connection
    ) -> None:
        _bulk_insert(Post, *self._post_rows(channel, ids, rows, db), db)

    def _post_rows(
        self, channel: Channel, ids: list[int], rows: list[tuple[Row, date]], db: Any
    ) -> tuple[tuple[str, ...], Iterator[tuple[Any, ...]]]:
        ops = db.ops
        dt = _datetime_adapter(db)
        d = ops.adapt_datefield_value
        now = dt(timezone.now())
        as_of = d(self.as_of)
        columns = (
            "id", "channel_id", "unit_id", "platform", "post_id", "permalink", "published_at",
            "month", "content_type", "caption", *METRICS, "latest_as_of", "created_at",
            "updated_at",
        )  # fmt: skip
        cid, uid, platform = channel.pk, channel.unit_id, channel.platform
        return (
            columns,
            (
                (
                    pk,
                    cid,
                    uid,
                    platform,
                    row.post_id,
                    row.permalink or "",
                    dt(row.published_at) if row.published_at else None,
                    d(month),
                    row.content_type,
                    row.caption or "",
                    *row_metrics(row),
                    as_of,
                    now,
                    now,
                )  # fmt: skip
                for pk, (row, month) in zip(ids, rows, strict=True)
            ),
        )

    def _insert_snapshots(self, snapshots: Iterable[tuple[int, Row]], db: Any = connection) -> None:
        _bulk_insert(MetricSnapshot, *self._snapshot_rows(snapshots, db), db)

    def _snapshot_rows(
        self, snapshots: Iterable[tuple[int, Row]], db: Any
    ) -> tuple[tuple[str, ...], Iterator[tuple[Any, ...]]]:
        as_of = db.ops.adapt_datefield_value(self.as_of)
        batch_id = self.batch.pk
        dumps = _EXTRAS_JSON.encode
        return (
            ("post_id", "batch_id", "as_of", *METRICS, "extras"),
            (
                (
                    pk,
                    batch_id,
                    as_of,
                    *row_metrics(row),
                    # The child-process parser sends extras already encoded (a str).
                    row.extras
                    if type(row.extras) is str
                    else (dumps(row.extras) if row.extras else "{}"),
                )  # fmt: skip
                for pk, row in snapshots
            ),
        )

    def _update_posts(
        self, changed: list[tuple[int, Row, date]], existing: dict[str, dict[str, Any]]
    ) -> None:
        now = timezone.now()
        columns = (
            "published_at",
            "month",
            "content_type",
            "permalink",
            "caption",
            *METRICS,
            "latest_as_of",
            "updated_at",
        )
        params = []
        for pk, row, month in changed:
            old = existing[row.post_id]
            params.append(
                (
                    row.published_at or old["published_at"],
                    month,
                    row.content_type,
                    row.permalink or old["permalink"],
                    row.caption or old["caption"],
                    *row_metrics(row),
                    self.as_of,
                    now,
                    pk,
                )
            )
        table = Post._meta.db_table
        sets = ", ".join(f"{c} = %s" for c in columns)
        with connection.cursor() as cursor:
            cursor.executemany(f"UPDATE {table} SET {sets} WHERE id = %s", params)  # noqa: S608


_EXTRAS_JSON = json.JSONEncoder(ensure_ascii=False)


def _datetime_adapter(db: Any) -> Callable[[datetime], Any]:
    """``db.ops.adapt_datetimefield_value`` for aware datetimes, without its per-call
    checks: PostgreSQL takes the value as it is; SQLite stores the naive UTC text that
    Django's own adapter writes."""
    if db.vendor == "postgresql":
        return lambda value: value
    if db.vendor != "sqlite" or not settings.USE_TZ:
        return db.ops.adapt_datetimefield_value  # type: ignore[no-any-return]
    zone = db.timezone

    def adapt(value: datetime) -> str:
        return str(value.astimezone(zone).replace(tzinfo=None))

    return adapt


_SEQUENCES: dict[str, str] = {}  # table → its id sequence (PostgreSQL; one schema)


def _sequence(table: str, cursor: Any) -> str:
    """The schema-qualified id sequence of ``table``, as the import's connection sees it."""
    sequence = _SEQUENCES.get(table)
    if sequence is None:
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
        sequence = _SEQUENCES[table] = cursor.fetchone()[0]
    return sequence


def _nextvals(cursor: Any, sequence: str, count: int) -> list[int]:
    """``count`` values of ``sequence``. It is named in the statement (the ``::regclass``
    of a literal is folded once), not looked up for each row: 13 ms → 1.5 ms for 5,000."""
    cursor.execute("SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [sequence, count])
    return [r[0] for r in cursor.fetchall()]


def _copy_statement(model: Any, columns: tuple[str, ...]) -> str:
    return f"COPY {model._meta.db_table} ({', '.join(columns)}) FROM STDIN (FORMAT BINARY)"


def _allocate_ids(model: Any, count: int, db: Any = connection) -> list[int]:
    """Reserve ``count`` primary keys for rows this transaction is about to write."""
    table = model._meta.db_table
    with db.cursor() as cursor:
        if db.vendor == "postgresql":
            return _nextvals(cursor, _sequence(table, cursor), count)
        cursor.execute(f"SELECT MAX(id) FROM {table}")  # noqa: S608
        highest = cursor.fetchone()[0] or 0
        if db.vendor == "sqlite":
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            row = cursor.fetchone()
            highest = max(highest, row[0] if row else 0)
        return list(range(highest + 1, highest + 1 + count))


def _bulk_insert(
    model: Any, columns: tuple[str, ...], rows: Iterable[tuple[Any, ...]], db: Any
) -> None:
    """Many rows of ``model`` in one statement stream: binary COPY on PostgreSQL (types
    from the model's fields: less to format here and to parse there), executemany
    elsewhere. A JSON column takes already-encoded text."""
    table = model._meta.db_table
    names = ", ".join(columns)
    with db.cursor() as cursor:
        if db.vendor == "postgresql":
            raw = cursor.cursor
            from psycopg.types.json import set_json_dumps

            set_json_dumps(_json_text, context=raw)
            with raw.copy(_copy_statement(model, columns)) as copy:
                copy.set_types(_copy_types(model, columns, db))
                for row in rows:
                    copy.write_row(row)
            return
        placeholders = ", ".join(["%s"] * len(columns))
        cursor.executemany(
            f"INSERT INTO {table} ({names}) VALUES ({placeholders})",  # noqa: S608
            list(rows),
        )


def _json_text(value: Any) -> str:
    return value if isinstance(value, str) else _EXTRAS_JSON.encode(value)


_Copy = tuple[Any, tuple[str, ...], bytes]  # model, columns, binary COPY data


class _PostIds:
    """PostgreSQL: post ids reserved ahead, and binary COPY data formatted, on a second
    connection of the importing thread's own, so that the writer thread has only bytes to
    stream and the server is kept busy (the import's CPU-bound Python holds the interpreter
    lock; formatting inside the COPY left the server waiting for a third of the time).

    A sequence is not transactional: ids reserved here are the same as ids reserved on the
    import's connection, and a rolled-back import leaves a gap either way. The sequence's
    name comes from the import's connection (``sequence``, set by the caller), and the
    connection takes Django's ``assume_role``; ``connection_created`` handlers do not run
    on it (it only takes sequence values and formats).
    """

    BLOCK = 20_000

    def __init__(self) -> None:
        self.free: list[int] = []
        self.reserved = False  # after the first reservation, whole blocks
        self.conn: Any = None
        self.sequence: str | None = None

    def _connection(self) -> Any:
        if self.conn is None:
            import psycopg
            from psycopg import sql
            from psycopg.types.json import set_json_dumps

            db = connections[DEFAULT_DB_ALIAS]
            self.conn = psycopg.connect(**db.get_connection_params(), autocommit=True)
            role = db.settings_dict["OPTIONS"].get("assume_role")
            if role:
                self.conn.execute(sql.SQL("SET ROLE {}").format(sql.Identifier(role)))
            set_json_dumps(_json_text, context=self.conn)
        return self.conn

    def take(self, count: int) -> list[int]:
        """``count`` ids: the first reservation is what is asked, later ones a block."""
        if len(self.free) < count:
            assert self.sequence is not None  # noqa: S101 - set by the caller
            want = count - len(self.free)
            want = max(self.BLOCK, want) if self.reserved else want
            with self._connection().cursor() as cursor:
                self.free.extend(_nextvals(cursor, self.sequence, want))
            self.reserved = True
        taken, self.free = self.free[:count], self.free[count:]
        return taken

    def format(
        self, model: Any, columns: tuple[str, ...], rows: Iterable[tuple[Any, ...]]
    ) -> _Copy:
        from psycopg.copy import Copy, FileWriter

        buffer = io.BytesIO()
        with (
            self._connection().cursor() as cursor,
            Copy(cursor, binary=True, writer=FileWriter(buffer)) as copy,
        ):
            copy.set_types(_copy_types(model, columns, connections[DEFAULT_DB_ALIAS]))
            for row in rows:
                copy.write_row(row)
        return model, columns, buffer.getvalue()

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def _send_copies(db: Any, copies: list[_Copy]) -> None:
    """Stream already-formatted binary COPY data (``_PostIds.format``) on ``db``."""
    with db.cursor() as cursor:
        for model, columns, data in copies:
            with cursor.cursor.copy(_copy_statement(model, columns)) as copy:
                copy.write(data)


def _copy_types(model: Any, columns: tuple[str, ...], db: Any) -> list[str]:
    """PostgreSQL type names of ``columns`` (``varchar(16)`` → ``varchar``)."""
    by_column = {f.column: f for f in model._meta.concrete_fields}
    return [
        by_column[c].db_type(db).split("(", 1)[0].replace("timestamp with time zone", "timestamptz")
        for c in columns
    ]


def _upsert_add(
    model: Any,
    key_fields: tuple[str, ...],
    rows: list[tuple[tuple[Any, ...], list[int]]],
    *,
    insert_only: dict[str, Any] | None = None,
) -> None:
    """Add ``rows`` ((key, sums in ``model.SUMS`` order)) to ``model``'s rows, creating
    missing ones: ``INSERT … ON CONFLICT (key) DO UPDATE SET x = x + EXCLUDED.x`` (PostgreSQL
    and SQLite alike), in key order, so that two transactions adding to the same new key
    neither fail nor deadlock; the second waits for the first."""
    ops = connection.ops
    table = model._meta.db_table
    extra = dict(insert_only or {})
    if any(f.name == "updated_at" for f in model._meta.fields):
        extra["updated_at"] = timezone.now()
    columns = (*key_fields, *model.SUMS, *extra)
    qn = connection.ops.quote_name
    sets = ", ".join(f"{qn(c)} = {qn(table)}.{qn(c)} + EXCLUDED.{qn(c)}" for c in model.SUMS)
    if "updated_at" in extra:
        sets += ", updated_at = EXCLUDED.updated_at"
    extra_values = [
        ops.adapt_datetimefield_value(v) if isinstance(v, datetime) else v for v in extra.values()
    ]
    ordered = sorted((r for r in rows if any(r[1])), key=lambda r: r[0])
    row_sql = "(" + ", ".join(["%s"] * len(columns)) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(ordered), 200):
            part = ordered[start : start + 200]
            params: list[Any] = []
            for key, values in part:
                params.extend(
                    ops.adapt_datefield_value(k) if isinstance(k, date) else k for k in key
                )
                params.extend(values)
                params.extend(extra_values)
            cursor.execute(
                f"INSERT INTO {qn(table)} ({', '.join(qn(c) for c in columns)}) "  # noqa: S608
                f"VALUES {', '.join([row_sql] * len(part))} "
                f"ON CONFLICT ({', '.join(qn(c) for c in key_fields)}) DO UPDATE SET {sets}",
                params,
            )


def _apply_stat_deltas(by_key: dict[StatKey, dict[str, int]], source: str) -> None:
    """Add deltas to the aggregate rows (created when missing)."""
    _upsert_add(
        UnitMonthStat,
        ("unit_id", "month", "platform", "content_type", "source"),
        [((*key, source), [delta[f] for f in UnitMonthStat.SUMS]) for key, delta in by_key.items()],
        insert_only={"counted": source == UnitMonthStat.Source.IMPORT},
    )
    UnitMonthStat.objects.filter(source=source, posts=0, reach=0, views=0).filter(
        Q(
            *[Q(unit_id=k[0], month=k[1], platform=k[2], content_type=k[3]) for k in by_key],
            _connector=Q.OR,
        )
        if by_key
        else Q(pk__in=[])
    ).delete()


def _recount_forms(touched: set[tuple[int, date, str]]) -> None:
    """A form's rows count only while no import has posts for its unit, month, platform."""
    for unit_id, month, platform in touched:
        imported = UnitMonthStat.objects.filter(
            unit_id=unit_id,
            month=month,
            platform=platform,
            source=UnitMonthStat.Source.IMPORT,
            posts__gt=0,
        ).exists()
        UnitMonthStat.objects.filter(
            unit_id=unit_id, month=month, platform=platform, source=UnitMonthStat.Source.FORM
        ).update(counted=not imported)


def _lock_units(unit_ids: set[int]) -> None:
    """Serialise the writers of these units' figures until commit (row locks in id order).

    An import and a form approval or unlock of the same unit each read which form rows
    count before and after their change; without the lock both could see the same
    "before" and move the roll-up twice."""
    if unit_ids:
        list(
            Unit.objects.select_for_update()
            .filter(pk__in=sorted(unit_ids))
            .order_by("pk")
            .values_list("pk", flat=True)
        )


def _counted_forms(touched: set[tuple[int, date, str]]) -> dict[RollKey, list[int]]:
    """The form rows that count now for these (unit, month, platform), as roll-up keys."""
    out: dict[RollKey, list[int]] = {}
    keys = sorted(touched)
    for start in range(0, len(keys), 200):
        where = Q(
            *[Q(unit_id=u, month=m, platform=p) for u, m, p in keys[start : start + 200]],
            _connector=Q.OR,
        )
        rows = UnitMonthStat.objects.filter(where, source=UnitMonthStat.Source.FORM, counted=True)
        out.update(_form_rows(rows))
    return out


def _form_rows(rows: Any) -> dict[RollKey, list[int]]:
    """Form rows of the aggregate as roll-up keys (a form counts for the whole month)."""
    return {
        (unit_id, month, SubtreeStat.Half.WHOLE, platform, ctype): values
        for unit_id, month, platform, ctype, *values in rows.values_list(
            "unit_id", "month", "platform", "content_type", *UnitMonthStat.SUMS
        )
    }


def _apply_stats(
    by_key: dict[StatKey, dict[str, int]],
    source: str,
    *,
    touched: set[tuple[int, date, str]],
    rollup: dict[RollKey, list[int]],
) -> None:
    """Apply an import's or a form's deltas to the aggregate, recount which form rows
    count for the ``touched`` (unit, month, platform), and add ``rollup`` plus the change
    in counted form rows to the roll-up; the units are locked first (``_lock_units``)."""
    _lock_units({unit_id for unit_id, _month, _platform in touched})
    before = _counted_forms(touched)
    _apply_stat_deltas(by_key, source)
    _recount_forms(touched)
    for key, values in before.items():
        _add_into(rollup, key, values, -1)
    for key, values in _counted_forms(touched).items():
        _add_into(rollup, key, values)
    _apply_rollup(rollup)


def _ids_of_codes(paths: Iterable[str]) -> dict[str, int]:
    """code → unit id for every unit named in these materialised paths."""
    codes = {code for path in paths for code in path_codes(path)}
    return dict(Unit.objects.filter(code__in=codes).values_list("code", "pk"))


def _ancestors(unit_ids: set[int]) -> dict[int, list[int]]:
    """unit id → the ids of the unit and of every unit above it (by materialised path)."""
    paths = dict(Unit.objects.filter(pk__in=unit_ids).values_list("pk", "path"))
    ids = _ids_of_codes(paths.values())
    return {pk: [ids[c] for c in path_codes(path) if c in ids] for pk, path in paths.items()}


def _spread(
    acc: dict[RollKey, list[int]],
    key: RollKey,
    values: list[int],
    units: Iterable[int],
    sign: int = 1,
) -> None:
    """Add ``values`` (of ``key``'s unit) to the same key of each of ``units``."""
    _unit_id, month, half, platform, ctype = key
    for unit_id in units:
        _add_into(acc, (unit_id, month, half, platform, ctype), values, sign)


def _apply_rollup(deltas: dict[RollKey, list[int]]) -> None:
    """Add counted deltas to ``SubtreeStat`` for each unit and every unit above it.

    Rows are written in key order (two imports under one province lock its rows in the
    same order, so they wait for each other rather than deadlock); rows left all zero are
    deleted."""
    deltas = {k: v for k, v in deltas.items() if any(v)}
    if not deltas:
        return
    up = _ancestors({k[0] for k in deltas})
    acc: dict[RollKey, list[int]] = {}
    for key, values in deltas.items():
        _spread(acc, key, values, up.get(key[0], ()))
    _write_rollup(acc)


def rollup_units_moved(*, moves: list[tuple[Unit, str]]) -> None:
    """Move re-parented units' figures (each one's own roll-up rows, its whole subtree) from
    the units above its old path to the units above its new one, written once.

    ``moves`` are (unit saved with its new path, its old path); call it in the transaction
    that saved them, after their descendants were re-pathed. The moved units must not lie
    one under another (for nested moves call it once per move, in order)."""
    if not moves:
        return
    # Codes do not change when a unit moves: the old ancestors are found by theirs.
    ids = _ids_of_codes(old for _unit, old in moves)
    old_up = {unit.pk: [ids[c] for c in path_codes(old)[:-1] if c in ids] for unit, old in moves}
    new_up = _ancestors(set(old_up))
    acc: dict[RollKey, list[int]] = {}
    unit_ids = sorted(old_up)
    for start in range(0, len(unit_ids), 500):
        rows = SubtreeStat.objects.filter(unit_id__in=unit_ids[start : start + 500]).values_list(
            "unit_id", "month", "half", "platform", "content_type", *SubtreeStat.SUMS
        )
        for unit_id, month, half, platform, ctype, *values in rows:
            key = (unit_id, month, half, platform, ctype)
            _spread(acc, key, values, old_up[unit_id], -1)
            _spread(acc, key, values, new_up[unit_id][:-1])
    _write_rollup(acc)


def _write_rollup(acc: dict[RollKey, list[int]]) -> None:
    sums = SubtreeStat.SUMS
    _upsert_add(
        SubtreeStat, ("unit_id", "month", "half", "platform", "content_type"), list(acc.items())
    )
    SubtreeStat.objects.filter(
        unit_id__in={k[0] for k in acc}, month__in={k[1] for k in acc}, **dict.fromkeys(sums, 0)
    ).delete()


def _mark_reported(months: set[tuple[int, date]], *, by_import: bool = False) -> None:
    for unit_id, month in sorted(months):
        report, _created = UnitMonthReport.objects.get_or_create(unit_id=unit_id, month=month)
        if by_import and not report.by_import:
            report.by_import = True
            report.save(update_fields=["by_import", "updated_at"])


def _progress_file(batch_id: int) -> Path:
    return Path(settings.MEDIA_ROOT) / "ledger" / "progress" / f"{batch_id}.json"


def write_progress(batch_id: int, rows: int) -> None:
    """Progress lives beside the database: the import's transaction hides the batch row."""
    path = _progress_file(batch_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"rows": rows}))
    os.replace(tmp, path)


def read_progress(batch_id: int) -> int:
    try:
        return int(json.loads(_progress_file(batch_id).read_text())["rows"])
    except (OSError, ValueError, KeyError, TypeError):
        return 0


def _store_original(path: Path, sha: str, filename: str) -> str:
    """Copy the file under MEDIA_ROOT (named by its hash) unless above the storage cap."""
    if path.stat().st_size > max_stored_bytes():
        return ""
    suffix = "".join(Path(filename).suffixes[-1:])[:10].lower()
    relative = f"ledger/imports/{sha[:2]}/{sha}{suffix}"
    target = Path(settings.MEDIA_ROOT) / relative
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(target.name + ".part")
        shutil.copyfile(path, tmp)
        os.replace(tmp, target)
    return relative


# --------------------------------------------------------------------------- import_file


def import_file(
    *,
    acting_user: Any,
    path: Path | str,
    filename: str,
    channel: Channel | None = None,
    dry_run: bool = False,
    confirm_channel: bool = False,
    batch: ImportBatch | None = None,
    progress: ProgressCallback | None = None,
    today: date | None = None,
    max_bytes: int | None = None,
) -> ImportResult:
    """Import one export file for one registered channel, whole or not at all.

    Raises :class:`ImportRefused` when the whole file is refused (nothing is written,
    except that a ``batch`` made beforehand by the web page or the API is marked refused
    by the caller). The same file for the same channel again changes nothing.
    """
    args: dict[str, Any] = {
        "acting_user": acting_user,
        "path": Path(path),
        "filename": filename,
        "channel": channel,
        "dry_run": dry_run,
        "confirm_channel": confirm_channel,
        "batch": batch,
        "progress": progress,
        "today": today or local_today(),
        "max_bytes": max_bytes,
    }
    try:
        # Meta's own file is read in one pass, its mm/dd order checked as it goes.
        return _import_once(**args, guess_date_order=True)
    except OrderGuessWrong:
        # Its dates said otherwise: everything was rolled back; read it again, deciding
        # the order (or refusing the file) from the whole column first.
        return _import_once(**args, guess_date_order=False)


def _import_once(
    *,
    acting_user: Any,
    path: Path,
    filename: str,
    channel: Channel | None,
    dry_run: bool,
    confirm_channel: bool,
    batch: ImportBatch | None,
    progress: ProgressCallback | None,
    today: date,
    max_bytes: int | None,
    guess_date_order: bool,
) -> ImportResult:
    cap = max_bytes if max_bytes is not None else max_import_bytes()
    size = path.stat().st_size
    if size > cap:
        raise ImportRefused(
            _("File quá lớn (%(size)s MB; tối đa %(cap)s MB). Hãy xuất từng khoảng thời gian.")
            % {"size": round(size / 1048576, 1), "cap": round(cap / 1048576, 1)},
            "too_big",
        )
    ctx = ParseContext(
        filename=filename,
        today=today,
        default_platform=channel.platform if channel else None,
        guess_date_order=guess_date_order,
    )
    # The parser (a child process for big files) is closed however this ends.
    with contextlib.ExitStack() as cleanup:
        threshold = parallel_parse_bytes()
        try:
            if 0 <= threshold <= size:
                fmt, items = parse_file_in_child(
                    path, filename, ctx, max_rows=MAX_ROWS, max_uncompressed=MAX_UNCOMPRESSED
                )
            else:
                fmt, items = parse_file(path, filename, ctx)
            cleanup.callback(getattr(items, "close", lambda: None))
            sha, size = _sha256(path)  # while a parser process reads ahead
            head: list[Row | RowError] = []
            first: Row | None = None
            for item in items:
                head.append(item)
                if isinstance(item, Row):
                    first = item
                    break
        except FileRefused as exc:
            raise ImportRefused(exc.message, exc.code) from exc
        resolved = _resolve_channel(
            acting_user=acting_user,
            fmt=fmt,
            first=first,
            channel=channel,
            confirm_channel=confirm_channel,
        )
        target = resolved.channel
        if target is None and acting_user is not None:
            from core.permissions import home_unit

            if home_unit(acting_user) is None:
                raise PermissionDenied
        previous = _previous_import(target, sha)
        if previous is not None:
            return _duplicate_result(previous, batch=batch, dry_run=dry_run)

        def rows() -> Iterator[Row | RowError]:
            yield from head
            yield from items

        stored = "" if dry_run else _store_original(path, sha, filename)
        try:
            result = _run_ingest(
                acting_user=acting_user,
                fmt=fmt,
                rows=rows(),
                ctx=ctx,
                channel=target,
                confirm_ref=resolved.confirm_ref,
                filename=filename,
                sha=sha,
                size=size,
                stored=stored,
                dry_run=dry_run,
                batch=batch,
                progress=progress,
                as_of=today,
            )
        except _AlreadyImported as exc:
            return _duplicate_result(exc.previous, batch=batch, dry_run=dry_run)
        except BaseException:
            if stored and not ImportBatch.objects.filter(original=stored).exists():
                (Path(settings.MEDIA_ROOT) / stored).unlink(missing_ok=True)
            raise
        return result


def _previous_import(channel: Channel | None, sha: str) -> ImportBatch | None:
    return ImportBatch.objects.filter(
        channel=channel, sha256=sha, status=ImportBatch.Status.DONE
    ).first()


def _duplicate_result(
    previous: ImportBatch, *, batch: ImportBatch | None, dry_run: bool
) -> ImportResult:
    errors = [
        {"line": r.line, "field": r.field, "message": r.message}
        for r in previous.rejections.all()[:10000]
    ]
    note = _("File này đã được nhập ở lô #%(id)s; không có gì thay đổi.") % {"id": previous.pk}
    if batch is not None and not dry_run:
        batch.status = ImportBatch.Status.DUPLICATE
        batch.duplicate_of = previous
        batch.channel = previous.channel
        batch.format = previous.format
        batch.message = note
        batch.finished_at = timezone.now()
        batch.save(
            update_fields=["status", "duplicate_of", "channel", "format", "message", "finished_at"]
        )
    return ImportResult(
        batch=previous.pk,
        format=previous.format,
        channel=previous.channel_id,
        rows_read=previous.rows_read,
        accepted=previous.accepted,
        rejected=previous.rejected,
        errors=errors,
        unchanged=previous.accepted,
        duplicate=True,
        dry_run=dry_run,
        notes=[note],
    )


@transaction.atomic
def _run_ingest(
    *,
    acting_user: Any,
    fmt: str,
    rows: Iterable[Row | RowError],
    ctx: ParseContext | None,
    channel: Channel | None,
    confirm_ref: str,
    filename: str,
    sha: str,
    size: int,
    stored: str,
    dry_run: bool,
    batch: ImportBatch | None,
    progress: ProgressCallback | None,
    as_of: date,
) -> ImportResult:
    from core.permissions import home_unit

    if channel is not None:
        # One import at a time per channel: the deltas read the posts' current values.
        channel = Channel.objects.select_for_update().select_related("unit").get(pk=channel.pk)
        # Checked again now that this import holds the channel: the same file sent twice
        # at once must not become two imports (nor an IntegrityError).
        previous = _previous_import(channel, sha)
        if previous is not None:
            raise _AlreadyImported(previous)
    if confirm_ref and channel is not None:
        _set_external_id(acting_user=acting_user, channel=channel, external_id=confirm_ref)
    unit = channel.unit if channel is not None else home_unit(acting_user)
    if unit is None:
        unit = Unit.objects.order_by("path").first()
        if unit is None:
            raise ImportRefused(_("Chưa có đơn vị nào."), "no_unit")
    if batch is None:
        batch = ImportBatch(created_by=acting_user if getattr(acting_user, "pk", None) else None)
    batch.channel = channel
    batch.unit = unit
    batch.filename = filename[:255]
    batch.sha256 = sha
    batch.size = size
    batch.format = fmt
    batch.status = ImportBatch.Status.RUNNING
    batch.original = stored
    batch.save()
    default = channel

    def channel_for(row: Row) -> Channel | str:
        return default if default is not None else _("Chưa chọn kênh.")

    if fmt == "bantin_template":
        channel_for = _TemplateChannels(acting_user, channel)  # type: ignore[assignment]
    elif channel is not None:
        ref_wanted = channel
        wanted_platform = channel.platform  # once: a model field is a descriptor
        identified = fmt in IDENTIFIED_FORMATS
        matches: dict[str, bool] = {}  # a file names one or a few channels

        def channel_for(row: Row) -> Channel | str:
            if row.platform != wanted_platform:
                return _("Dòng này là số liệu %(row)s, không phải %(channel)s.") % {
                    "row": platform_label(row.platform),
                    "channel": platform_label(wanted_platform),
                }
            ref = row.channel_ref
            if not identified or not ref:
                return ref_wanted
            ok = matches.get(ref)
            if ok is None:
                ok = _channel_matches(ref_wanted, ref)
                if len(matches) < 1000:
                    matches[ref] = ok
            if not ok:
                return _("Dòng này thuộc kênh có mã %(ref)s, không phải kênh đã chọn.") % {
                    "ref": row.channel_ref
                }
            return ref_wanted

    ingest = _Ingest(batch=batch, as_of=as_of, channel_for=channel_for, progress=progress)
    if fmt != "bantin_template":
        ingest.start(channel)
    # Foreign keys checked at the end of each chunk's COPY (in the writer thread, while the
    # next chunk is prepared) rather than a million at commit with nothing else to do. Only
    # for one channel, whose unit row this transaction already holds FOR UPDATE: a template
    # import meets its units as it goes, and the checks' KEY SHARE locks taken before
    # _lock_units could deadlock two of them.
    immediate = connection.vendor == "postgresql" and not isinstance(channel_for, _TemplateChannels)
    if immediate:
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    try:
        ingest.feed(rows)
    except FileRefused as exc:
        raise ImportRefused(exc.message, exc.code) from exc
    finally:
        if immediate:
            with connection.cursor() as cursor:  # an outer transaction keeps the setting
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    counts = ingest.counts
    ingest.hub.link()
    # Last: the province's and the country's roll-up rows stay locked until commit.
    ingest.deltas.apply()
    batch.status = ImportBatch.Status.DONE
    batch.rows_read = counts.rows_read
    batch.accepted = counts.accepted
    batch.rejected = counts.rejected
    batch.posts_created = counts.posts_created
    batch.posts_updated = counts.posts_updated
    batch.unchanged = counts.unchanged
    batch.notes = list(ctx.notes) if ctx else []
    batch.finished_at = timezone.now()
    batch.save()
    audit(
        acting_user,
        "ledger.import",
        batch,
        unit_path=unit.path,
        after={
            "filename": filename,
            "sha256": sha,
            "format": fmt,
            "rows_read": counts.rows_read,
            "accepted": counts.accepted,
            "rejected": counts.rejected,
        },
    )
    result = ImportResult(
        batch=batch.pk,
        format=fmt,
        channel=channel.pk if channel else None,
        rows_read=counts.rows_read,
        accepted=counts.accepted,
        rejected=counts.rejected,
        errors=[{"line": e.line, "field": e.field, "message": e.message} for e in counts.errors],
        posts_created=counts.posts_created,
        posts_updated=counts.posts_updated,
        unchanged=counts.unchanged,
        dry_run=dry_run,
        notes=list(ctx.notes) if ctx else [],
    )
    if dry_run:
        result.batch = None
        transaction.set_rollback(True)
    return result


# --------------------------------------------------------------------------- posts_upsert


@dataclass
class PostInput:
    """One post for :func:`posts_upsert` (the API's and the demo's bulk write)."""

    post_id: str
    content_type: str
    published_at: datetime | None = None
    permalink: str = ""
    caption: str = ""
    views: int | None = None
    reach: int | None = None
    reactions: int | None = None
    comments: int | None = None
    shares: int | None = None
    clicks: int | None = None
    watch_time_seconds: int | None = None
    extras: dict[str, Any] = field(default_factory=dict)


def _validate_input(index: int, post: PostInput, platform: str) -> Row | RowError:
    from ledger.formats import CONTENT_TYPES

    line = index + 1
    post_id = (post.post_id or "").strip()
    if not post_id or len(post_id) > 128 or any(c.isspace() for c in post_id):
        return RowError(line, "post_id", _("Mã bài viết trống hoặc không hợp lệ."))
    if post.content_type not in CONTENT_TYPES:
        return RowError(
            line,
            "content_type",
            _("Loại nội dung phải là một trong: %(choices)s.")
            % {"choices": ", ".join(CONTENT_TYPES)},
        )
    for name in ("post_id", "permalink", "caption"):
        if "\x00" in (getattr(post, name) or ""):
            return RowError(line, name, _("Có ký tự NUL (\\x00): không lưu được."))
    if "\\u0000" in json.dumps(post.extras or {}):
        return RowError(line, "extras", _("Có ký tự NUL (\\x00): không lưu được."))
    if post.published_at is not None and timezone.is_naive(post.published_at):
        return RowError(line, "published_at", _("Thời gian đăng phải có múi giờ."))
    for name in METRICS:
        value = getattr(post, name)
        if value is not None and (not isinstance(value, int) or value < 0):
            return RowError(line, name, _("Phải là số nguyên không âm."))
    return Row(
        line=line,
        platform=platform,
        post_id=post_id,
        published_at=post.published_at,
        content_type=post.content_type,
        permalink=(post.permalink or "")[:2000] or None,
        caption=" ".join((post.caption or "").split())[:500],
        channel_ref=None,
        channel_name=None,
        views=post.views,
        reach=post.reach,
        reactions=post.reactions,
        comments=post.comments,
        shares=post.shares,
        clicks=post.clicks,
        watch_time_seconds=post.watch_time_seconds,
        extras=dict(post.extras or {}),
    )


def posts_upsert(
    *,
    acting_user: Any,
    channel: Channel,
    posts: list[PostInput],
    as_of: date | None = None,
    source_name: str = "api",
) -> ImportResult:
    """Create or update many posts of one channel in one batch (idempotent by content)."""
    _ensure_can_import(acting_user, channel)
    as_of = as_of or local_today()
    payload = json.dumps(
        [
            [p.post_id, p.content_type, str(p.published_at), *(getattr(p, m) for m in METRICS)]
            for p in posts
        ],
        default=str,
    ).encode()
    sha = hashlib.sha256(payload + as_of.isoformat().encode()).hexdigest()
    previous = _previous_import(channel, sha)
    if previous is not None:
        return _duplicate_result(previous, batch=None, dry_run=False)
    rows = (_validate_input(i, p, channel.platform) for i, p in enumerate(posts))
    try:
        return _run_ingest(
            acting_user=acting_user,
            fmt=source_name,
            rows=rows,
            ctx=None,
            channel=channel,
            confirm_ref="",
            filename=f"{source_name}:{as_of.isoformat()}",
            sha=sha,
            size=len(payload),
            stored="",
            dry_run=False,
            batch=None,
            progress=None,
            as_of=as_of,
        )
    except _AlreadyImported as exc:
        return _duplicate_result(exc.previous, batch=None, dry_run=False)


# --------------------------------------------------------------------------- web/API queue


def import_enqueue(
    *,
    acting_user: Any,
    upload: Any,
    filename: str,
    channel: Channel | None,
) -> ImportBatch:
    """Keep an upload and queue its import; the worker runs :func:`import_batch_run`."""
    from core.permissions import home_unit

    unit: Any
    if channel is not None:
        _ensure_can_import(acting_user, channel)
        unit = channel.unit
    else:
        unit = home_unit(acting_user)
        if unit is None:
            raise PermissionDenied
        ensure_role(acting_user, unit, Role.REPORTER)
    size = getattr(upload, "size", 0) or 0
    if size > max_import_bytes():
        raise ValidationError(
            {
                "file": _("File quá lớn (tối đa %(cap)s MB).")
                % {"cap": round(max_import_bytes() / 1048576)}
            }
        )
    from ledger.uploads import keep_upload

    pending = keep_upload(upload, filename)
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            channel=channel,
            unit=unit,
            filename=Path(filename).name[:255],
            sha256="",
            size=pending.stat().st_size,
            created_by=acting_user,
            status=ImportBatch.Status.QUEUED,
            pending_path=str(pending),
            language=translation.get_language() or "",
        )
        audit(acting_user, "ledger.import_queued", batch, after={"filename": batch.filename})
    from ledger.tasks import run_import

    run_import.enqueue(batch.pk, False)
    return batch


def import_confirm_channel(*, acting_user: Any, batch: ImportBatch) -> ImportBatch:
    """An editor confirms that the file's page is the chosen channel: the page's id is
    recorded on the channel (the registry's service, audited) and the import runs again."""
    if batch.channel is None or batch.status != ImportBatch.Status.NEEDS_CHANNEL:
        raise ValidationError(_("Lô này không chờ xác nhận kênh."))
    if acting_user is not None:
        ensure_role(acting_user, batch.channel.unit, Role.EDITOR)
    with transaction.atomic():
        try:
            _set_external_id(
                acting_user=acting_user, channel=batch.channel, external_id=batch.file_channel_ref
            )
        except ImportRefused as exc:
            raise ValidationError(exc.message) from exc
        ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.QUEUED, message="")
    from ledger.tasks import run_import

    run_import.enqueue(batch.pk, False)
    batch.refresh_from_db()
    return batch


def import_batch_run(*, batch_id: int, confirm_channel: bool = False) -> None:
    """The worker's side: run a queued batch, recording the outcome on the batch row."""
    waiting = (ImportBatch.Status.QUEUED, ImportBatch.Status.NEEDS_CHANNEL)
    # Claimed in one statement: two workers given the same batch run it once.
    if not ImportBatch.objects.filter(pk=batch_id, status__in=waiting).update(
        status=ImportBatch.Status.RUNNING
    ):
        return
    batch = ImportBatch.objects.select_related("channel", "created_by").get(pk=batch_id)
    # The messages and rejected rows are written in the language of the uploader.
    with translation.override(batch.language or settings.LANGUAGE_CODE):
        _batch_run(batch, confirm_channel=confirm_channel)


def _batch_run(batch: ImportBatch, *, confirm_channel: bool) -> None:
    pending = Path(batch.pending_path)
    write_progress(batch.pk, 0)
    try:
        import_file(
            acting_user=batch.created_by,
            path=pending,
            filename=batch.filename,
            channel=batch.channel,
            confirm_channel=confirm_channel,
            batch=batch,
            progress=lambda n: write_progress(batch.pk, n),
        )
    except ImportRefused as exc:
        status = (
            ImportBatch.Status.NEEDS_CHANNEL
            if exc.code in ("confirm_channel", "confirm_channel_forbidden")
            else ImportBatch.Status.REFUSED
        )
        ImportBatch.objects.filter(pk=batch.pk).update(
            status=status,
            message=exc.message,
            refusal_code=exc.code[:40],
            file_channel_ref=str(exc.details.get("ref", ""))[:200],
            file_channel_name=str(exc.details.get("name", ""))[:200],
            finished_at=timezone.now(),
        )
        if status == ImportBatch.Status.REFUSED:
            pending.unlink(missing_ok=True)
        return
    except PermissionDenied as exc:
        ImportBatch.objects.filter(pk=batch.pk).update(
            status=ImportBatch.Status.REFUSED,
            message=str(exc),
            refusal_code="forbidden",
            finished_at=timezone.now(),
        )
        pending.unlink(missing_ok=True)
        return
    except Exception:
        ImportBatch.objects.filter(pk=batch.pk).update(
            status=ImportBatch.Status.FAILED,
            message=_("Lỗi hệ thống khi nhập; không có dữ liệu nào được ghi."),
            finished_at=timezone.now(),
        )
        raise
    pending.unlink(missing_ok=True)
    _progress_file(batch.pk).unlink(missing_ok=True)


# --------------------------------------------------------------------------- monthly forms


def _first_of_month(month: date) -> date:
    return month.replace(day=1)


def _form_clean(form: MonthlyForm) -> None:
    errors: dict[str, str] = {}
    for name in MonthlyForm.COUNT_FIELDS:
        value = getattr(form, name)
        if value is None or value < 0:
            errors[name] = _("Số lượng không được âm.")
    if form.reach is not None and form.reach < 0:
        errors["reach"] = _("Lượt tiếp cận không được âm.")
    if form.month > local_today().replace(day=1):
        errors["month"] = _("Không thể báo cáo cho tháng chưa tới.")
    if errors:
        raise ValidationError(errors)


def _form_values(form: MonthlyForm) -> dict[str, Any]:
    return {
        "month": form.month.isoformat(),
        "platform": form.platform,
        **{n: getattr(form, n) for n in MonthlyForm.COUNT_FIELDS},
        "reach": form.reach,
        "status": form.status,
    }


@transaction.atomic
def monthly_form_save(
    *,
    acting_user: Any,
    unit: Any,
    month: date,
    platform: str,
    articles: int = 0,
    photos: int = 0,
    videos: int = 0,
    livestreams: int = 0,
    others: int = 0,
    reach: int | None = None,
    note: str = "",
) -> MonthlyForm:
    """Create or edit a unit's draft form for a month and platform."""
    ensure_role(acting_user, unit, Role.REPORTER)
    if platform not in Channel.Platform.values:
        raise ValidationError({"platform": _("Nền tảng không hợp lệ.")})
    month = _first_of_month(month)
    form = (
        MonthlyForm.objects.select_for_update()
        .filter(unit=unit, month=month, platform=platform)
        .first()
    )
    before = _form_values(form) if form else None
    if form is None:
        form = MonthlyForm(unit=unit, month=month, platform=platform, created_by=acting_user)
    elif not form.is_editable:
        raise ValidationError(
            _("Báo cáo đang ở trạng thái “%(status)s”; chỉ sửa được bản nháp.")
            % {"status": form.get_status_display()}
        )
    form.articles, form.photos, form.videos = articles, photos, videos
    form.livestreams, form.others, form.reach, form.note = livestreams, others, reach, note
    _form_clean(form)
    form.save()
    audit(acting_user, "ledger.form_save", form, before=before, after=_form_values(form))
    return form


def _transition(
    acting_user: Any,
    form: MonthlyForm,
    *,
    allowed_from: tuple[str, ...],
    to: str,
    action: str,
) -> MonthlyForm:
    locked = MonthlyForm.objects.select_for_update().get(pk=form.pk)
    if locked.status not in allowed_from:
        raise ValidationError(
            _("Không thể chuyển báo cáo từ trạng thái “%(status)s”.")
            % {"status": locked.get_status_display()}
        )
    before = {"status": locked.status}
    locked.status = to
    fields = ["status", "updated_at"]
    now = timezone.now()
    if to == MonthlyForm.Status.SUBMITTED:
        locked.submitted_by, locked.submitted_at = acting_user, now
        fields += ["submitted_by", "submitted_at"]
    if to == MonthlyForm.Status.APPROVED:
        locked.approved_by, locked.approved_at = acting_user, now
        fields += ["approved_by", "approved_at"]
    locked.save(update_fields=fields)
    audit(acting_user, action, locked, before=before, after={"status": to})
    return locked


def _ensure_parent(acting_user: Any, form: MonthlyForm) -> None:
    """Approval, locking and unlocking belong to an administrator of the parent unit."""
    parent = form.unit.parent
    if parent is None:
        if not getattr(acting_user, "is_superuser", False):
            raise PermissionDenied(_("Chỉ đơn vị cấp trên mới duyệt được báo cáo."))
        return
    ensure_role(acting_user, parent, Role.ADMINISTRATOR)


@transaction.atomic
def monthly_form_submit(*, acting_user: Any, form: MonthlyForm) -> MonthlyForm:
    ensure_role(acting_user, form.unit, Role.REPORTER)
    return _transition(
        acting_user,
        form,
        allowed_from=(MonthlyForm.Status.DRAFT,),
        to=MonthlyForm.Status.SUBMITTED,
        action="ledger.form_submit",
    )


@transaction.atomic
def monthly_form_return(*, acting_user: Any, form: MonthlyForm) -> MonthlyForm:
    """The parent sends a submitted form back to draft."""
    _ensure_parent(acting_user, form)
    return _transition(
        acting_user,
        form,
        allowed_from=(MonthlyForm.Status.SUBMITTED,),
        to=MonthlyForm.Status.DRAFT,
        action="ledger.form_return",
    )


@transaction.atomic
def monthly_form_approve(*, acting_user: Any, form: MonthlyForm) -> MonthlyForm:
    """Approve: the form's figures enter the aggregate, in this transaction."""
    _ensure_parent(acting_user, form)
    approved = _transition(
        acting_user,
        form,
        allowed_from=(MonthlyForm.Status.SUBMITTED,),
        to=MonthlyForm.Status.APPROVED,
        action="ledger.form_approve",
    )
    _form_to_stats(approved, +1)
    return approved


@transaction.atomic
def monthly_form_lock(*, acting_user: Any, form: MonthlyForm) -> MonthlyForm:
    _ensure_parent(acting_user, form)
    return _transition(
        acting_user,
        form,
        allowed_from=(MonthlyForm.Status.APPROVED,),
        to=MonthlyForm.Status.LOCKED,
        action="ledger.form_lock",
    )


@transaction.atomic
def monthly_form_unlock(*, acting_user: Any, form: MonthlyForm) -> MonthlyForm:
    """The parent reopens an approved or locked form: its figures leave the aggregate."""
    _ensure_parent(acting_user, form)
    unlocked = _transition(
        acting_user,
        form,
        allowed_from=(MonthlyForm.Status.APPROVED, MonthlyForm.Status.LOCKED),
        to=MonthlyForm.Status.DRAFT,
        action="ledger.form_unlock",
    )
    _form_to_stats(unlocked, -1)
    return unlocked


def _form_to_stats(form: MonthlyForm, sign: int) -> None:
    by_key: dict[StatKey, dict[str, int]] = {}
    unit_id, month, platform = form.unit_id, form.month, form.platform
    # A form's reach covers all its items but is not broken down by content type: each
    # item row says its items have a reach (so no row has more posts with reach than
    # posts), and the reach itself sits in the "unspecified" row (docs/reports.md).
    for name, content_type in MonthlyForm.CONTENT_TYPE_OF.items():
        count = getattr(form, name)
        if count:
            delta = dict.fromkeys(UnitMonthStat.SUMS, 0)
            delta["posts"] = sign * count
            delta["posts_with_reach"] = sign * count if form.reach is not None else 0
            by_key[(unit_id, month, platform, content_type)] = delta
    if form.reach:
        delta = dict.fromkeys(UnitMonthStat.SUMS, 0)
        delta["reach"] = sign * form.reach
        by_key[(unit_id, month, platform, UnitMonthStat.UNSPECIFIED)] = delta
    _apply_stats(by_key, UnitMonthStat.Source.FORM, touched={(unit_id, month, platform)}, rollup={})
    report, _created = UnitMonthReport.objects.get_or_create(unit_id=unit_id, month=month)
    approved = MonthlyForm.objects.filter(
        unit_id=unit_id,
        month=month,
        status__in=(MonthlyForm.Status.APPROVED, MonthlyForm.Status.LOCKED),
    ).exists()
    if report.by_form != approved:
        report.by_form = approved
        report.save(update_fields=["by_form", "updated_at"])


# --------------------------------------------------------------------------- checking


def recompute_stats() -> dict[tuple[int, date, str, str, str], dict[str, int]]:
    """The aggregate recomputed from scratch (posts + approved forms): for tests/audits."""
    out: dict[tuple[int, date, str, str, str], dict[str, int]] = {}
    for post in Post.objects.values("unit_id", "month", "platform", "content_type", *METRICS):
        key = (post["unit_id"], post["month"], post["platform"], post["content_type"], "import")
        target = out.setdefault(key, dict.fromkeys(UnitMonthStat.SUMS, 0))
        for name, value in _contribution(post).items():
            target[name] += value
    for form in MonthlyForm.objects.filter(
        status__in=(MonthlyForm.Status.APPROVED, MonthlyForm.Status.LOCKED)
    ):
        for name, content_type in MonthlyForm.CONTENT_TYPE_OF.items():
            if getattr(form, name):
                key = (form.unit_id, form.month, form.platform, content_type, "form")
                target = out.setdefault(key, dict.fromkeys(UnitMonthStat.SUMS, 0))
                target["posts"] += getattr(form, name)
                if form.reach is not None:
                    target["posts_with_reach"] += getattr(form, name)
        if form.reach:
            key = (form.unit_id, form.month, form.platform, UnitMonthStat.UNSPECIFIED, "form")
            target = out.setdefault(key, dict.fromkeys(UnitMonthStat.SUMS, 0))
            target["reach"] += form.reach
    return {k: v for k, v in out.items() if any(v.values())}


def recompute_rollup() -> dict[RollKey, dict[str, int]]:
    """The roll-up recomputed from scratch (posts by half-month, plus the form rows that
    count, summed up the tree of units): for tests and audits."""
    own: dict[RollKey, list[int]] = {}
    fields = ("unit_id", "month", "published_at", "platform", "content_type", *METRICS)
    for post in Post.objects.values(*fields):
        _month, half = month_half(post["published_at"], post["month"])
        key = (post["unit_id"], post["month"], half, post["platform"], post["content_type"])
        _add_into(own, key, _contribution(post).values())
    forms = UnitMonthStat.objects.filter(source=UnitMonthStat.Source.FORM, counted=True)
    for key, values in _form_rows(forms).items():
        _add_into(own, key, values)
    up = _ancestors({k[0] for k in own})
    out: dict[RollKey, list[int]] = {}
    for key, values in own.items():
        _spread(out, key, values, up[key[0]])
    return {k: dict(zip(SubtreeStat.SUMS, v, strict=True)) for k, v in out.items() if any(v)}
