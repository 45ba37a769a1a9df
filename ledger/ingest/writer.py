"""The batch's writes: the only code of the ingest that touches the database connection.

One connection, the import's own, in the import's transaction, in the importing thread.
New posts and their snapshots go in one statement stream per chunk: binary ``COPY`` on
PostgreSQL (types from the model's fields: less to format here and to parse there),
``executemany`` on SQLite. Ids are reserved first (``nextval`` on PostgreSQL), so a
snapshot names its post without reading it back.

On PostgreSQL the posts' ``COPY`` of a chunk is ended without waiting for its answer: the
server checks the chunk's foreign keys (they run at the end of the statement) on its own
core while the importing thread parses the next chunk. The answer is read before the next
statement on the connection, whoever sends it: the writer itself, or any query of the
import through Django (an execute wrapper for the writer's lifetime, ``Writer.open``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import orjson
from django.conf import settings
from django.db import connection
from django.utils import timezone
from psycopg import errors as pg_errors
from psycopg import generators, pq
from psycopg.copy import LibpqWriter
from psycopg.waiting import Wait

from ledger.formats import Row, RowError
from ledger.ingest.plan import ChunkPlan, row_metrics
from ledger.models import METRICS, ImportBatch, MetricSnapshot, Post, RowRejection

# What the plan needs to know of an existing post to compare a row with it.
EXISTING_FIELDS = (
    "id",
    "post_id",
    "month",
    "content_type",
    "published_at",
    "permalink",
    "caption",
    *METRICS,
)
POST_COLUMNS = (
    "id", "channel_id", "unit_id", "platform", "post_id", "permalink", "published_at",
    "month", "content_type", "caption", *METRICS, "latest_as_of", "created_at", "updated_at",
)  # fmt: skip
SNAPSHOT_COLUMNS = ("post_id", "batch_id", "as_of", *METRICS, "extras")
UPDATED_COLUMNS = (
    "published_at", "month", "content_type", "permalink", "caption", *METRICS,
    "latest_as_of", "updated_at",
)  # fmt: skip
LOOKUP_SLICE = 900  # post ids per query (SQLite's host-parameter limit)


def _extras_json(extras: dict[str, Any]) -> str:
    """A snapshot's extras as JSON text, once per imported row: orjson, a tenth of the
    standard library's cost (docs/decisions/0018). Compact, UTF-8 as it is."""
    return orjson.dumps(extras).decode()


class Writer:
    """Writes one batch's planned chunks and rejected rows on the import's connection."""

    def __init__(self, *, batch: ImportBatch, as_of: date) -> None:
        self.batch_id = batch.pk
        self.as_of = as_of
        self.postgres = connection.vendor == "postgresql"
        self._answer: _UnreadAnswer | None = None  # the last COPY's, not yet read

    @contextlib.contextmanager
    def open(self, *, keys_checked_per_chunk: bool) -> Iterator[Writer]:
        """The writer's lifetime, inside the batch's transaction: every query on the
        connection meanwhile reads the answer of a COPY still unread first; the last one
        is read on the way out."""
        checked = keys_checked_per_chunk and self.postgres
        if checked:
            self._set_constraints("IMMEDIATE")
        try:
            with connection.execute_wrapper(self._answer_first), _page_cache():
                yield self
        except BaseException:
            # The error that stopped the import is the one to report; the transaction (or
            # its savepoint, which also restores the constraints' mode) is rolled back.
            with contextlib.suppress(Exception):
                self._read_answer()
            raise
        self._read_answer()
        if checked:
            self._set_constraints("DEFERRED")  # an outer transaction keeps the setting

    @staticmethod
    def _set_constraints(mode: str) -> None:
        """PostgreSQL: with ``IMMEDIATE`` the foreign keys are checked at the end of each
        chunk's COPY rather than a million at commit. Only for a one-channel batch, whose
        unit row the transaction already holds FOR UPDATE: a template batch meets its
        units as it goes, and the checks' KEY SHARE locks taken before
        ``aggregate.lock_units`` could deadlock two of them."""
        with connection.cursor() as cursor:
            cursor.execute(f"SET CONSTRAINTS ALL {mode}")

    def _answer_first(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        self._read_answer()
        return execute(sql, params, many, context)

    def _read_answer(self) -> None:
        answer, self._answer = self._answer, None
        if answer is not None:
            with connection.wrap_database_errors:
                answer.read()

    # ----------------------------------------------------------------- reads

    def has_posts(self, channel_id: int) -> bool:
        return Post.objects.filter(channel_id=channel_id).exists()

    def existing(self, channel_id: int, post_ids: list[str]) -> dict[str, dict[str, Any]]:
        """The channel's posts among ``post_ids``, by platform post id."""
        found: dict[str, dict[str, Any]] = {}
        for start in range(0, len(post_ids), LOOKUP_SLICE):
            for rec in Post.objects.filter(
                channel_id=channel_id, post_id__in=post_ids[start : start + LOOKUP_SLICE]
            ).values(*EXISTING_FIELDS):
                found[rec["post_id"]] = rec
        return found

    # ----------------------------------------------------------------- writes

    def write(self, chunk: ChunkPlan) -> None:
        """A chunk's new posts, changed posts, and a snapshot for each."""
        self._read_answer()
        if chunk.new:
            ids = allocate_ids(Post, len(chunk.new))
            new_rows = (row for row, _month in chunk.new)
            # The snapshots first (no foreign key: decision 0005), so that the posts' COPY,
            # whose keys are checked when it ends, is the one left to finish on its own.
            bulk_insert(
                MetricSnapshot,
                SNAPSHOT_COLUMNS,
                self._snapshot_rows(zip(ids, new_rows, strict=True)),
            )
            self._answer = bulk_insert(
                Post, POST_COLUMNS, self._post_rows(chunk, ids), answer_later=self.postgres
            )
        if chunk.changed:
            self._read_answer()
            self._update_posts(chunk)
            changed = ((c.pk, c.row) for c in chunk.changed)
            bulk_insert(MetricSnapshot, SNAPSHOT_COLUMNS, self._snapshot_rows(changed))

    def reject(self, errors: list[RowError]) -> None:
        self._read_answer()
        RowRejection.objects.bulk_create(
            [
                RowRejection(
                    batch_id=self.batch_id, line=e.line, field=e.field[:200], message=e.message
                )
                for e in errors
            ],
            batch_size=2000,
        )

    # ----------------------------------------------------------------- rows

    def _post_rows(self, chunk: ChunkPlan, ids: list[int]) -> Iterator[tuple[Any, ...]]:
        dt = _datetime_adapter()
        d = connection.ops.adapt_datefield_value
        now = dt(timezone.now())
        as_of = d(self.as_of)
        months = {month: d(month) for month in {month for _row, month in chunk.new}}
        channel = chunk.channel
        cid, uid, platform = channel.pk, channel.unit_id, channel.platform
        for pk, (row, month) in zip(ids, chunk.new, strict=True):
            yield (
                pk, cid, uid, platform, row.post_id, row.permalink or "",
                dt(row.published_at) if row.published_at else None, months[month],
                row.content_type, row.caption or "", *row_metrics(row), as_of, now, now,
            )  # fmt: skip

    def _snapshot_rows(self, snapshots: Iterable[tuple[int, Row]]) -> Iterator[tuple[Any, ...]]:
        as_of = connection.ops.adapt_datefield_value(self.as_of)
        batch_id = self.batch_id
        dumps = _extras_json
        for pk, row in snapshots:
            extras = dumps(row.extras) if row.extras else "{}"
            yield (pk, batch_id, as_of, *row_metrics(row), extras)

    def _update_posts(self, chunk: ChunkPlan) -> None:
        now = timezone.now()
        params = [
            (
                c.published_at,
                c.month,
                c.row.content_type,
                c.permalink,
                c.caption,
                *row_metrics(c.row),
                self.as_of,
                now,
                c.pk,
            )  # fmt: skip
            for c in chunk.changed
        ]
        table = Post._meta.db_table
        with connection.cursor() as cursor:
            if self.postgres:
                # One statement over the columns as arrays: a daily sync updates its recent
                # posts, and one UPDATE per row was a round trip each.
                columns = (*UPDATED_COLUMNS, "id")
                arrays = ", ".join(f"%s::{t}[]" for t in _copy_types(Post, columns))
                sets = ", ".join(f"{c} = v.{c}" for c in UPDATED_COLUMNS)
                cursor.execute(
                    f"UPDATE {table} AS p SET {sets} "  # noqa: S608
                    f"FROM unnest({arrays}) AS v({', '.join(columns)}) WHERE p.id = v.id",
                    [list(column) for column in zip(*params, strict=True)],
                )
                return
            sets = ", ".join(f"{c} = %s" for c in UPDATED_COLUMNS)
            cursor.executemany(f"UPDATE {table} SET {sets} WHERE id = %s", params)  # noqa: S608


# SQLite's page cache while a batch writes, in KiB: the posts' and snapshots' ten B-trees
# together, the reach index's pages (written in random order) among them.
WRITE_CACHE_KIB = 64 * 1024


@contextlib.contextmanager
def _page_cache() -> Iterator[None]:
    """SQLite: a larger page cache for the writer's lifetime, the connection's own restored
    after. With the default (2 MiB) a big batch's transaction evicts index pages it is about
    to write again, and spills dirty ones to the WAL and reads them back; the cache only
    grows as pages are read, so a small batch costs nothing more."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        previous = int(cursor.fetchone()[0])  # KiB if negative, else pages
        cursor.execute("PRAGMA page_size")
        kib = -previous if previous < 0 else previous * cursor.fetchone()[0] // 1024
        if kib < WRITE_CACHE_KIB:
            cursor.execute(f"PRAGMA cache_size = -{WRITE_CACHE_KIB}")
    try:
        yield
    finally:
        if kib < WRITE_CACHE_KIB:
            with connection.cursor() as cursor:
                cursor.execute(f"PRAGMA cache_size = {previous}")


def _datetime_adapter() -> Callable[[datetime], Any]:
    """``ops.adapt_datetimefield_value`` for aware datetimes, without its per-call checks:
    PostgreSQL takes the value as it is; SQLite stores the naive UTC text that Django's own
    adapter writes (``str`` of the naive UTC value: ``_UtcText``)."""
    if connection.vendor == "postgresql":
        return lambda value: value
    if connection.vendor != "sqlite" or not settings.USE_TZ:
        return connection.ops.adapt_datetimefield_value  # type: ignore[no-any-return]
    zone = connection.timezone
    if zone is not None and zone.utcoffset(None) == timedelta(0):
        return _UtcText()

    def adapt(value: datetime) -> str:
        return str(value.astimezone(zone).replace(tzinfo=None))

    return adapt


# "MM:SS" for each second of an hour.
_MINUTES_SECONDS = [f"{m:02d}:{s:02d}" for m in range(60) for s in range(60)]


class _UtcText:
    """An aware datetime as SQLite's column holds it with ``USE_TZ``: the naive UTC text,
    ``YYYY-MM-DD HH:MM:SS`` (``str(value.astimezone(UTC).replace(tzinfo=None))``). A
    batch's times fall in few hours, so each hour's text is made once and the row's minute
    and second added to it: a third of the cost of ``str``, once per imported row."""

    __slots__ = ("hours",)

    def __init__(self) -> None:
        self.hours: dict[int, str] = {}

    def __call__(self, value: datetime) -> str:
        if value.microsecond:
            return str(value.astimezone(UTC).replace(tzinfo=None))
        hour, second = divmod(int(value.timestamp()), 3600)
        text = self.hours.get(hour)
        if text is None:
            text = str(datetime.fromtimestamp(hour * 3600, UTC).replace(tzinfo=None))[:14]
            if len(self.hours) < 100_000:
                self.hours[hour] = text
        return text + _MINUTES_SECONDS[second]


_SEQUENCES: dict[str, str] = {}  # table → its id sequence (PostgreSQL; one schema)


def allocate_ids(model: Any, count: int) -> list[int]:
    """Reserve ``count`` primary keys for rows this transaction is about to write."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            sequence = _SEQUENCES.get(table)
            if sequence is None:
                cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
                sequence = _SEQUENCES[table] = cursor.fetchone()[0]
            # The sequence named in the statement (its ::regclass folded once), not looked
            # up for each row.
            cursor.execute(
                "SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [sequence, count]
            )
            return [r[0] for r in cursor.fetchall()]
        cursor.execute(f"SELECT MAX(id) FROM {table}")  # noqa: S608
        highest = cursor.fetchone()[0] or 0
        if connection.vendor == "sqlite":
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            row = cursor.fetchone()
            highest = max(highest, row[0] if row else 0)
        return list(range(highest + 1, highest + 1 + count))


def bulk_insert(
    model: Any,
    columns: tuple[str, ...],
    rows: Iterable[tuple[Any, ...]],
    *,
    answer_later: bool = False,
) -> _UnreadAnswer | None:
    """Many rows of ``model`` in one statement stream: binary COPY on PostgreSQL,
    executemany elsewhere. A JSON column takes already-encoded text.

    ``answer_later`` (PostgreSQL): the COPY's end is sent but its answer not read; the
    caller must ``read()`` the returned answer before the connection's next statement."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            from psycopg.types.json import set_json_dumps

            raw = cursor.cursor
            set_json_dumps(_json_text, context=raw)
            statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN (FORMAT BINARY)"
            end = _EndUnanswered(raw) if answer_later else None
            with raw.copy(statement, writer=end) as copy:
                copy.set_types(_copy_types(model, columns))
                for row in rows:
                    copy.write_row(row)
            return None if end is None else _UnreadAnswer(raw.connection)
        placeholders = ", ".join(["%s"] * len(columns))
        cursor.executemany(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})",  # noqa: S608
            list(rows),
        )
    return None


class _EndUnanswered(LibpqWriter):
    """psycopg's COPY writer, except that a COPY ended without an error is not waited for:
    the end is sent and flushed, and the answer stays on the connection (``_UnreadAnswer``).
    An error while writing ends the COPY as psycopg does (and reads the answer)."""

    def finish(self, exc: BaseException | None = None) -> None:
        if exc is not None:
            super().finish(exc)
            return
        self.connection.wait(_send_copy_end(self._pgconn))


def _send_copy_end(pgconn: Any) -> Any:
    """psycopg's ``generators.copy_end`` up to (not including) reading the answer."""
    while pgconn.put_copy_end(None) == 0:
        while not (yield Wait.W):
            continue
    while True:
        while not (yield Wait.W):
            continue
        if pgconn.flush() == 0:
            break


class _UnreadAnswer:
    """The answer of a COPY whose end was sent: ``read`` waits for it, raising the
    statement's error (a foreign key's, a constraint's) if it failed."""

    def __init__(self, conn: Any) -> None:
        self.conn = conn

    def read(self) -> None:
        pgconn = self.conn.pgconn
        with self.conn.lock:
            results = self.conn.wait(generators.fetch_many(pgconn))
        for result in results:
            if result.status != pq.ExecStatus.COMMAND_OK:
                raise pg_errors.error_from_result(result, encoding=pgconn._encoding)


def _json_text(value: Any) -> str:
    return value if isinstance(value, str) else _extras_json(value)


def _copy_types(model: Any, columns: tuple[str, ...]) -> list[str]:
    """PostgreSQL type names of ``columns`` (``varchar(16)`` → ``varchar``)."""
    by_column = {f.column: f for f in model._meta.concrete_fields}
    return [
        by_column[c]
        .db_type(connection)
        .split("(", 1)[0]
        .replace("timestamp with time zone", "timestamptz")
        for c in columns
    ]
