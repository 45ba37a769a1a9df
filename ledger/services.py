"""The import engine (moving into ``ledger.ingest``) and re-exports of the ledger's writes.

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
import queue
import sys
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit
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
from ledger.ingest import aggregate
from ledger.ingest.aggregate import (
    recompute_rollup,
    recompute_stats,
    rollup_units_moved,
)
from ledger.ingest.batches import (
    import_batch_run,
    import_confirm_channel,
    import_enqueue,
    read_progress,
    store_original,
    write_progress,
)
from ledger.ingest.channels import (
    IDENTIFIED_FORMATS,
    TemplateChannels,
    can_confirm_channel,
    can_import_to,
    channel_matches,
    ensure_can_import,
    resolve_channel,
    set_external_id,
)
from ledger.ingest.forms import (
    monthly_form_approve,
    monthly_form_lock,
    monthly_form_return,
    monthly_form_save,
    monthly_form_submit,
    monthly_form_unlock,
)
from ledger.ingest.plan import TZ, Deltas, Metrics, local_today, month_half, row_metrics
from ledger.ingest.result import ImportRefused, ImportResult, ProgressCallback, max_import_bytes
from ledger.models import METRICS, ImportBatch, MetricSnapshot, Post, RowRejection
from registry.models import Channel
from units.models import Unit

__all__ = [
    "TZ",
    "ImportRefused",
    "ImportResult",
    "PostInput",
    "can_confirm_channel",
    "can_import_to",
    "import_batch_run",
    "import_confirm_channel",
    "import_enqueue",
    "import_file",
    "local_today",
    "month_half",
    "monthly_form_approve",
    "monthly_form_lock",
    "monthly_form_return",
    "monthly_form_save",
    "monthly_form_submit",
    "monthly_form_unlock",
    "posts_upsert",
    "read_progress",
    "recompute_rollup",
    "recompute_stats",
    "rollup_units_moved",
    "write_progress",
]

CHUNK = 5000


def parallel_parse_bytes() -> int:
    """Files at least this big are parsed in a child process (-1: never)."""
    return int(getattr(settings, "BANTIN", {}).get("IMPORT_PARALLEL_BYTES", -1))


PROGRESS_EVERY = 5000


def _sha256(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


# The metrics of a row or a post in METRICS order.


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
        self.deltas = Deltas()
        self.seen: dict[tuple[int, str], int] = {}
        self.pending: list[tuple[Row, Channel]] = []
        self.rejections: list[RowRejection] = []
        self.keep_errors = keep_errors
        self.writer = _Writer()
        # PostgreSQL: new posts' COPY data is formatted in this thread, ids reserved ahead on
        # a second connection, so the writer thread only streams bytes (see _PostIds).
        self.ids = _PostIds() if self.writer.db.vendor == "postgresql" else None
        if isinstance(channel_for, TemplateChannels):
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
        resolved = resolve_channel(
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
        previous = ImportBatch.objects.filter(
            channel=target, sha256=sha, status=ImportBatch.Status.DONE
        ).first()
        if previous is not None:
            return _duplicate_result(previous, batch=batch, dry_run=dry_run)

        def rows() -> Iterator[Row | RowError]:
            yield from head
            yield from items

        stored = "" if dry_run else store_original(path, sha, filename)
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
        except BaseException:
            if stored and not ImportBatch.objects.filter(original=stored).exists():
                (Path(settings.MEDIA_ROOT) / stored).unlink(missing_ok=True)
            raise
        return result


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
    if confirm_ref and channel is not None:
        set_external_id(acting_user=acting_user, channel=channel, external_id=confirm_ref)
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
        channel_for = TemplateChannels(acting_user, channel)  # type: ignore[assignment]
    elif channel is not None:
        ref_wanted = channel
        wanted_platform = channel.platform  # once: a model field is a descriptor
        identified = fmt in IDENTIFIED_FORMATS
        matches: dict[str, bool] = {}  # a file names one or a few channels

        def channel_for(row: Row) -> Channel | str:
            if row.platform != wanted_platform:
                return _("Dòng này là số liệu %(row)s, không phải %(channel)s.") % {
                    "row": row.platform,
                    "channel": wanted_platform,
                }
            ref = row.channel_ref
            if not identified or not ref:
                return ref_wanted
            ok = matches.get(ref)
            if ok is None:
                ok = channel_matches(ref_wanted, ref)
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
    immediate = connection.vendor == "postgresql" and not isinstance(channel_for, TemplateChannels)
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
    aggregate.apply_import(ingest.deltas)
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
    ensure_can_import(acting_user, channel)
    as_of = as_of or local_today()
    payload = json.dumps(
        [
            [p.post_id, p.content_type, str(p.published_at), *(getattr(p, m) for m in METRICS)]
            for p in posts
        ],
        default=str,
    ).encode()
    sha = hashlib.sha256(payload + as_of.isoformat().encode()).hexdigest()
    previous = ImportBatch.objects.filter(
        channel=channel, sha256=sha, status=ImportBatch.Status.DONE
    ).first()
    if previous is not None:
        return _duplicate_result(previous, batch=None, dry_run=False)
    rows = (_validate_input(i, p, channel.platform) for i, p in enumerate(posts))
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
