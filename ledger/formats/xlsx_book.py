"""Open an .xlsx with openpyxl within bounds: whatever the file is called, and refused
before its shared strings exhaust the worker.

openpyxl reads an .xlsx's whole shared-string table into memory when the workbook opens,
before the first row: a file of a few tens of MB can hold millions of strings (8 million
took 1.2 GiB and nine minutes) while its sheet has one row. An export a person downloads
holds far fewer, so the table is read here with a cap on its strings, its bytes and the
time spent, and the file is refused with its name and the reason as soon as one is passed.

The limits are read from the environment (this package runs without Django, also in the
parser's child process): ``BANTIN_XLSX_MAX_SHARED_STRINGS``, ``BANTIN_XLSX_MAX_SHARED_BYTES``,
``BANTIN_XLSX_OPEN_SECONDS``.
"""

from __future__ import annotations

import io
import os
import re
import time
from pathlib import Path
from typing import IO, Any

from .base import FileRefused

MAX_SHARED_STRINGS = int(os.environ.get("BANTIN_XLSX_MAX_SHARED_STRINGS", 1_000_000))
MAX_SHARED_BYTES = int(os.environ.get("BANTIN_XLSX_MAX_SHARED_BYTES", 64 << 20))
OPEN_SECONDS = float(os.environ.get("BANTIN_XLSX_OPEN_SECONDS", 120))
_CHECK_EVERY = 4096  # strings between two looks at the clock


def _vi(number: float) -> str:
    """1.000.000, as numbers are written in Vietnamese."""
    return f"{number:,.0f}".replace(",", ".")


def too_many_strings(filename: str, cap: int) -> FileRefused:
    return FileRefused(
        f"File {filename} có quá nhiều chuỗi văn bản dùng chung (hơn {_vi(cap)}), nhiều hơn "
        "một file xuất số liệu cần. Hãy xuất lại từng khoảng thời gian, hoặc lưu thành "
        "CSV UTF-8.",
        "too_big",
    )


def too_many_bytes(filename: str, cap: int) -> FileRefused:
    return FileRefused(
        f"File {filename} có bảng chuỗi văn bản dùng chung quá lớn (hơn {_vi(cap / 1048576)} "
        "MB). Hãy xuất lại từng khoảng thời gian, hoặc lưu thành CSV UTF-8.",
        "too_big",
    )


def too_slow(filename: str, seconds: float) -> FileRefused:
    return FileRefused(
        f"File {filename}: mở bảng tính mất quá lâu (hơn {_vi(seconds)} giây). Hãy xuất lại "
        "từng khoảng thời gian, hoặc lưu thành CSV UTF-8.",
        "too_slow",
    )


class _Counted(io.RawIOBase):
    """A raw stream that refuses past ``cap`` bytes read (the sizes a zip declares can lie)."""

    def __init__(self, inner: IO[bytes], cap: int, refuse: FileRefused) -> None:
        self.inner = inner
        self.left = cap
        self.refuse = refuse

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview | bytearray) -> int:  # type: ignore[override]
        data = self.inner.read(len(buffer))
        self.left -= len(data)
        if self.left < 0:
            raise self.refuse
        buffer[: len(data)] = data
        return len(data)


# An <si> start tag, with or without a namespace prefix (<si>, <x:si xml:space=...>).
_SI = re.compile(rb"<(?:[A-Za-z_][\w.-]{0,40}:)?si[ \t\r\n/>]")
_SI_PLAIN = (b"<si>", b"<si/", b"<si ", b"<si\t", b"<si\r", b"<si\n")
_SI_LONGEST = 48


def _count_si(data: bytes) -> int:
    if b":si" not in data:  # no namespace prefix (as Excel writes): bytes.count, in C
        return sum(data.count(tag) for tag in _SI_PLAIN)
    return len(_SI.findall(data))


def count_strings(raw: IO[bytes], refuse_bytes: FileRefused, deadline: float) -> int:
    """The number of <si> elements in a shared-string part, read in blocks under the cap."""
    count = 0
    tail = b""
    left = MAX_SHARED_BYTES
    while block := raw.read(1 << 20):
        left -= len(block)
        if left < 0:
            raise refuse_bytes
        data = tail + block
        cut = max(0, len(data) - _SI_LONGEST)  # a tag across the cut is counted next time
        tail = data[cut:]
        # Those starting before the cut (tags hold no "<", so none overlaps another).
        count += _count_si(data) - _count_si(tail)
        if count > MAX_SHARED_STRINGS or time.monotonic() > deadline:
            return count
    return count + _count_si(tail)


def _reader_class() -> type:
    from openpyxl.cell.text import Text
    from openpyxl.reader.excel import SHARED_STRINGS, ExcelReader
    from openpyxl.xml.constants import SHEET_MAIN_NS
    from openpyxl.xml.functions import iterparse

    tag = f"{{{SHEET_MAIN_NS}}}si"

    class BoundedReader(ExcelReader):  # type: ignore[misc]
        """openpyxl's reader with its shared-string table read under the caps (the loop
        is openpyxl's own ``read_string_table``, counted)."""

        filename = ""
        deadline = 0.0

        def read_strings(self) -> None:
            part = self.package.find(SHARED_STRINGS)
            if part is None:
                return
            name = part.PartName[1:]
            refuse_bytes = too_many_bytes(self.filename, MAX_SHARED_BYTES)
            if self.archive.getinfo(name).file_size > MAX_SHARED_BYTES:
                raise refuse_bytes
            # Counted first at C speed, so a table far over the cap is refused in a second,
            # before any string is built; the parse below counts again (the backstop).
            with self.archive.open(name) as raw:
                if count_strings(raw, refuse_bytes, self.deadline) > MAX_SHARED_STRINGS:
                    raise too_many_strings(self.filename, MAX_SHARED_STRINGS)
            if time.monotonic() > self.deadline:
                raise too_slow(self.filename, OPEN_SECONDS)
            strings: list[str] = []
            with self.archive.open(name) as raw:
                source = io.BufferedReader(_Counted(raw, MAX_SHARED_BYTES, refuse_bytes))
                for _event, node in iterparse(source):
                    if node.tag != tag:
                        continue
                    strings.append(Text.from_tree(node).content.replace("x005F_", ""))
                    node.clear()
                    if len(strings) % _CHECK_EVERY == 0:
                        if len(strings) > MAX_SHARED_STRINGS:
                            raise too_many_strings(self.filename, MAX_SHARED_STRINGS)
                        if time.monotonic() > self.deadline:
                            raise too_slow(self.filename, OPEN_SECONDS)
            if len(strings) > MAX_SHARED_STRINGS:
                raise too_many_strings(self.filename, MAX_SHARED_STRINGS)
            self.shared_strings = strings

    return BoundedReader


def load_workbook(path: Path, filename: str) -> Any:
    """A read-only, values-only openpyxl workbook of ``path`` (uploaded as ``filename``).

    The file is handed to openpyxl open, so its name (``upload``, ``.XLSX``, none) does not
    matter: the caller has recognised an .xlsx by its content. ``close()`` closes the file.
    Raises ``FileRefused`` past a limit; openpyxl's own errors pass through.
    """
    handle = path.open("rb")
    try:
        reader = _reader_class()(handle, read_only=True, data_only=True)
        reader.filename = filename
        reader.deadline = time.monotonic() + OPEN_SECONDS
        reader.read()
        if time.monotonic() > reader.deadline:
            raise too_slow(filename, OPEN_SECONDS)
    except BaseException:
        handle.close()
        raise
    book = reader.wb
    close_book = book.close

    def close() -> None:
        try:
            close_book()
        finally:
            handle.close()

    book.close = close
    return book
