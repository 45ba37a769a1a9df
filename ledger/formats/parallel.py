"""Parse a large file in a child process while the importing process writes the rows.

A parser is pure Python and the import's database writes are Python too, so in one process
they take turns; on a machine with two cores or more the child parses the next rows while
the parent writes the last ones (``bench/import_bench.py``: 1M Meta rows 43 s → 28 s on
two cores). The child is started with ``spawn`` (no copy of the parent's open database
connection) and sends chunks of rows as plain tuples through a pipe, whose small buffer
keeps memory bounded. It stops when the parent stops reading (the pipe breaks) and dies
with it when the parent is killed.

The result is the same as :func:`ledger.formats.parse_file`'s: the format name, then every
``Row``/``RowError`` in file order; ``FileRefused`` and ``OrderGuessWrong`` (at open or
half-way through) are raised in the parent; the context's notes and counts are copied back
at the end.
"""

from __future__ import annotations

import contextlib
import functools
import json
import marshal
import operator
import os
import pickle
import queue
import struct
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, tzinfo
from pathlib import Path
from typing import IO, Any

from .base import (
    MAX_YEAR,
    MIN_YEAR,
    FileRefused,
    OrderGuessWrong,
    ParseContext,
    Row,
    RowError,
    flat_message,
    unflat_message,
)

CHUNK = 2000
BUFFERED = 16  # chunks read ahead from the child
# The child runs at a lower priority: it is ahead of the import by up to BUFFERED chunks,
# and on two cores the database server and the importing process, which the import waits
# for, then get the CPU first (bench/import_bench.py: 1M rows 28.4 s → 26.0 s).
NICENESS = 10
_HEADER = struct.Struct("!I")
_WALL0 = datetime(1, 1, 1)  # noqa: DTZ001 - wall-clock arithmetic, the zone is added back
_SECOND = timedelta(seconds=1)
from_timestamp = datetime.fromtimestamp


def _posix_seconds(moment: datetime) -> int:
    return int(moment.timestamp())


def _wall_seconds(moment: datetime) -> int:
    return (moment.replace(tzinfo=None) - _WALL0) // _SECOND


def _times_back(kind: str, tz: tzinfo) -> Callable[[int], datetime]:
    """The inverse of ``_posix_seconds`` (``kind`` "rows_posix") or ``_wall_seconds``
    ("rows_wall"): the aware datetime in ``tz``."""
    if kind == "rows_posix":
        return functools.partial(from_timestamp, tz=tz)

    def wall(value: int) -> datetime:
        return (_WALL0 + timedelta(seconds=value)).replace(tzinfo=tz)

    return wall


def _fixed_offset(tz: tzinfo) -> bool:
    """Whether ``tz`` keeps one UTC offset through the years a publication time may have
    (``base.MIN_YEAR``-``MAX_YEAR``, sampled four times a year, which any daylight-saving
    period shows): then POSIX seconds give back the same wall clock."""
    first = tz.utcoffset(datetime(MIN_YEAR, 1, 1))  # noqa: DTZ001 - asking the zone
    return all(
        tz.utcoffset(datetime(year, month, 1)) == first  # noqa: DTZ001
        for year in range(MIN_YEAR, MAX_YEAR + 1)
        for month in (1, 4, 7, 10)
    )


_ROOT = Path(__file__).resolve().parents[2]  # the directory holding the ``ledger`` package
_FIELDS = Row.__slots__  # type: ignore[attr-defined]
_ROW_LENGTH = len(_FIELDS)
assert _ROW_LENGTH != 3  # noqa: S101 - a RowError travels as a 3-tuple


_row_tuple = operator.attrgetter(*_FIELDS)  # a Row's fields as a tuple, in C
_PUBLISHED = _FIELDS.index("published_at")


def _child_main(source: IO[bytes], out: IO[bytes]) -> None:
    """The child: read the job from ``source``, write framed pickles to ``out``."""
    from . import parse_file

    with contextlib.suppress(OSError):  # lower only: any user may
        os.nice(NICENESS)
    path, filename, ctx, max_rows, max_uncompressed = pickle.loads(source.read())  # noqa: S301
    dumps = json.JSONEncoder(ensure_ascii=False).encode

    def send(message: Any, fast: bool = False) -> None:
        # marshal (several times faster than pickle) for chunks of plain values only.
        if fast:
            data = b"m" + marshal.dumps(message)
        else:
            data = b"p" + pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
        out.write(_HEADER.pack(len(data)))
        out.write(data)

    if _fixed_offset(ctx.tz):
        kind, seconds = "rows_posix", _posix_seconds
    else:
        kind, seconds = "rows_wall", _wall_seconds

    # Publication times travel as integers, rebuilt in ctx.tz by the parent: POSIX seconds
    # when the zone's offset never changes in the years a row may have (Vietnam's since
    # 1975; C-speed both ways), else wall-clock seconds since 0001-01-01 (exact for local
    # times a zone skips or repeats). A row's time is converted as the row is added; a
    # chunk holding a time that is not a whole second in ctx.tz goes as a pickle of
    # datetimes instead, its converted times turned back first.
    back = _times_back(kind, ctx.tz)

    def send_rows(chunk: list[tuple[Any, ...]], plain: bool) -> None:
        if plain:
            send((kind, chunk), fast=True)
            return
        at = _PUBLISHED
        send(
            (
                "rows",
                [
                    (*r[:at], back(r[at]), *r[at + 1 :])
                    if len(r) == _ROW_LENGTH and type(r[at]) is int
                    else r
                    for r in chunk
                ],
            )
        )

    try:
        fmt, items = parse_file(
            Path(path), filename, ctx, max_rows=max_rows, max_uncompressed=max_uncompressed
        )
        send(("format", fmt))
        tz = ctx.tz
        chunk: list[tuple[Any, ...]] = []
        plain = True  # every publication time of the chunk is a whole second in ctx.tz
        for item in items:
            if type(item) is Row:
                # Extras travel JSON-encoded, as the snapshot stores them: one string
                # instead of a dict, and the encoding done on this side.
                item.extras = dumps(item.extras) if item.extras else "{}"  # type: ignore[assignment]
                published = item.published_at
                if published is not None:
                    if published.tzinfo is tz and not published.microsecond and not published.fold:
                        item.published_at = seconds(published)  # type: ignore[assignment]
                    else:
                        plain = False
                chunk.append(_row_tuple(item))
            else:  # a 3-tuple: told apart from a row's by its length
                assert isinstance(item, RowError)  # noqa: S101
                chunk.append((item.line, item.field, flat_message(item.message)))
            if len(chunk) >= CHUNK:
                send_rows(chunk, plain)
                chunk, plain = [], True
        if chunk:
            send_rows(chunk, plain)
        send(("end", ctx.notes, ctx.rows_read, ctx.rows_skipped))
    except FileRefused as exc:
        send(("refused", exc.message, exc.code))
    except OrderGuessWrong:
        send(("guess_wrong",))
    except Exception as exc:  # noqa: BLE001 - reported to the parent, which raises
        import traceback

        send(("error", f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}"))
    out.flush()


def parse_file_in_child(
    path: Path,
    filename: str,
    ctx: ParseContext,
    *,
    max_rows: int,
    max_uncompressed: int,
) -> tuple[str, Iterator[Row | RowError]]:
    """Like ``parse_file``, with the parsing done in a child process."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(_ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    process = subprocess.Popen(  # noqa: S603 - this interpreter, this module
        [sys.executable, "-m", "ledger.formats.parallel"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env=env,
        cwd=_ROOT,
    )
    assert process.stdin is not None and process.stdout is not None  # noqa: S101
    stdout = process.stdout
    process.stdin.write(pickle.dumps((str(path), filename, ctx, max_rows, max_uncompressed)))
    process.stdin.close()

    # A thread drains the pipe into a queue of up to BUFFERED frames, so the child keeps
    # parsing while this process waits for the database (a pipe holds only 64 KiB).
    frames: queue.Queue[bytes | None] = queue.Queue(maxsize=BUFFERED)
    stopping = threading.Event()

    def put(frame: bytes | None) -> bool:
        """Queue ``frame`` unless the import stops reading first."""
        while not stopping.is_set():
            try:
                frames.put(frame, timeout=0.2)
                return True
            except queue.Full:
                continue
        return False

    def drain() -> None:
        try:
            while not stopping.is_set():
                head = stdout.read(_HEADER.size)
                data = stdout.read(_HEADER.unpack(head)[0]) if len(head) == _HEADER.size else b""
                if not data or not put(data):
                    break
        except (OSError, ValueError):
            pass  # closed by stop()
        finally:
            put(None)

    reader = threading.Thread(target=drain, name="bantin-import-parser-pipe", daemon=True)
    reader.start()

    def stop() -> None:
        stopping.set()
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)
        reader.join(timeout=10)
        stdout.close()

    def next_message() -> tuple[Any, ...]:
        data = frames.get()
        if data is None:
            stop()
            raise RuntimeError(
                f"the parser process for {filename} ended without a result "
                f"(exit code {process.returncode})"
            )
        body = memoryview(data)[1:]
        if data[:1] == b"m":
            message: tuple[Any, ...] = marshal.loads(body)  # noqa: S302 - our child
        else:
            message = pickle.loads(body)  # noqa: S301 - our child
        kind = message[0]
        if kind == "refused":
            stop()
            raise FileRefused(message[1], message[2])
        if kind == "guess_wrong":
            stop()
            raise OrderGuessWrong
        if kind == "error":
            stop()
            raise RuntimeError(f"the parser process for {filename} failed: {message[1]}")
        return message

    try:
        fmt = next_message()[1]
    except BaseException:
        stop()
        raise

    def rows() -> Iterator[Row | RowError]:
        try:
            while True:
                message = next_message()
                if message[0] == "end":
                    _kind, notes, rows_read, rows_skipped = message
                    for note in notes:
                        ctx.note(note)
                    ctx.rows_read, ctx.rows_skipped = rows_read, rows_skipped
                    return
                if message[0] in ("rows_posix", "rows_wall"):
                    at = _PUBLISHED
                    back = _times_back(message[0], ctx.tz)
                    for record in message[1]:
                        if len(record) == _ROW_LENGTH:
                            row = Row(*record)
                            if record[at] is not None:
                                row.published_at = back(record[at])
                            yield row
                        else:
                            yield RowError(record[0], record[1], unflat_message(record[2]))
                    continue
                for record in message[1]:
                    if len(record) == _ROW_LENGTH:
                        yield Row(*record)
                    else:
                        yield RowError(record[0], record[1], unflat_message(record[2]))
        finally:
            stop()

    return fmt, _ChildRows(rows(), stop)


class _ChildRows:
    """The rows, and ``close()`` that ends the child even before the first row is read (a
    generator never started would not run its ``finally``)."""

    def __init__(self, rows: Iterator[Row | RowError], stop: Callable[[], None]) -> None:
        self._rows = rows
        self._stop = stop

    def __iter__(self) -> Iterator[Row | RowError]:
        return self._rows  # iterated directly: no extra call per row

    def __next__(self) -> Row | RowError:
        return next(self._rows)

    def close(self) -> None:
        close = getattr(self._rows, "close", None)
        if close is not None:
            close()
        self._stop()


if __name__ == "__main__":
    try:
        _child_main(sys.stdin.buffer, sys.stdout.buffer)
    except BrokenPipeError:  # the parent stopped reading or died
        os._exit(0)
