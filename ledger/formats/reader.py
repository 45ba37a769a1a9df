"""Open an uploaded export as a streaming table of strings (CSV, UTF-16 text, xlsx, zip).

``open_table`` checks the file once (type, encoding, mojibake, size, header) and returns a
``Table``: ``header`` plus a re-iterable stream of ``(line_no, cells)`` data rows. Each
iteration re-opens the file, so memory does not grow with the number of rows.
"""

from __future__ import annotations

import codecs
import contextlib
import io
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, cast

from .base import FileRefused, _, norm_header

MAX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_ROWS = 2_000_000
HEADER_SEARCH_ROWS = 20
CHUNK = 1 << 20
ZIP_MAX_RATIO = 100  # uncompressed / compressed, checked for members over 1 MB

BOM_UTF8 = b"\xef\xbb\xbf"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"

# Typical UTF-8-read-as-cp1252/cp1258 sequences: "Ã¡", "Æ°", "áº¡", "Ä‘", "â€œ", "Ă¡".
_HIGH = "\x80-\xbf€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ"
MOJIBAKE = re.compile(f"[ÂÃÄÅÆĂ][{_HIGH}]|á[º»][{_HIGH}]|â€")

_MOJIBAKE_LEADS = ("Â", "Ã", "Ä", "Å", "Æ", "Ă", "áº", "á»", "â€")


def _may_be_mojibake(text: str) -> bool:
    """False when ``MOJIBAKE`` cannot match (none of its leading characters occurs)."""
    return any(lead in text for lead in _MOJIBAKE_LEADS)


Opener = Callable[[], IO[bytes]]
Recognise = Callable[[list[str]], bool]
RowStream = Callable[[bool], Iterator[tuple[int, list[str]]]]


@dataclass
class Table:
    """A header and a re-iterable stream of ``(line_no, cells)`` data rows.

    Cells are NFC strings, padded/cut to the header's width; blank rows are skipped.
    ``decimal`` is the decimal separator the file most likely uses ("." / ",", or None
    when unknown). Iterating may raise ``FileRefused`` (too many rows, damaged file).
    """

    header: list[str]
    encoding: str
    dialect: str  # human description, e.g. "CSV ';' utf-8-sig"
    kind: str  # "csv" or "xlsx"
    filename: str
    header_line: int
    delimiter: str | None = None
    decimal: str | None = "."
    member: str | None = None  # the zip member or sheet name read
    _rows: RowStream | None = field(default=None, repr=False)
    _column: Callable[[int], Iterator[str]] | None = field(default=None, repr=False)

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        if self._rows is None:
            return iter(())
        return self._rows(True)

    def raw_rows(self) -> Iterator[tuple[int, list[str]]]:
        """Like iteration but cells are not NFC-normalised (cheap first passes)."""
        if self._rows is None:
            return iter(())
        return self._rows(False)

    def column(self, index: int) -> Iterator[str]:
        """One column's raw cells, for a first pass that needs only it. Rows before the
        data may be included (a header or description cell is never a value a pass
        looks for); rows too short for the column are left out."""
        if self._column is not None:
            return self._column(index)
        return (cells[index] for _line, cells in self.raw_rows())


def zip_members() -> set[str]:
    """The zip members (lower-case names) that some format reads from its zip export."""
    from . import FORMATS  # late import: the registry imports this module

    return {name for module in FORMATS for name in getattr(module, "ZIP_MEMBERS", ())}


def _default_recognise(header: list[str]) -> bool:
    from . import is_known_header  # late import: the registry imports this module

    return is_known_header(header)


def _is_description_row(header: list[str], cells: list[str]) -> bool:
    """A row just after the header that describes the columns (a format's quirk)."""
    from . import is_description_row  # late import: the registry imports this module

    return is_description_row(header, cells)


def refuse_unknown(first_rows: list[list[str]]) -> FileRefused:
    from . import FORMAT_TITLES

    for row in first_rows:
        if [norm_header(c) for c in row[:2]] in (["date", "primary"], ["ngày", "chính"]):
            return FileRefused(
                _(
                    "Đây là file số liệu theo ngày của cả Trang, không phải số liệu từng bài "
                    "viết. Trong Meta Business Suite hãy vào Thông tin chi tiết → Nội dung và "
                    "xuất 'Bài viết' (post-level)."
                ),
                "page_level",
            )
    seen = ", ".join(c.strip()[:30] for c in (first_rows[0] if first_rows else [])[:8])
    return FileRefused(
        _(
            "Không nhận ra định dạng file (không tìm thấy dòng tiêu đề cột quen thuộc). Các "
            "định dạng được hỗ trợ: %(formats)s. Dòng đầu của file: %(first)s.",
            formats="; ".join(FORMAT_TITLES),
            first=seen or "—",
        ),
        "unknown_header",
    )


class _Filter(io.RawIOBase):
    """A raw stream over ``inner`` whose ``check`` sees every block read (and may refuse)."""

    def __init__(self, inner: IO[bytes]) -> None:
        self.inner = inner

    def check(self, data: bytes) -> None:
        raise NotImplementedError

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview | bytearray) -> int:  # type: ignore[override]
        data = self.inner.read(len(buffer))
        self.check(data)
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.inner.close()
        super().close()


class Capped(_Filter):
    """Counts bytes read from a stream and refuses beyond ``cap``."""

    def __init__(self, inner: IO[bytes], cap: int) -> None:
        super().__init__(inner)
        self.cap = cap
        self.count = 0

    def check(self, data: bytes) -> None:
        self.count += len(data)
        if self.count > self.cap:
            raise FileRefused(_("File giải nén quá lớn."), "too_big")


def check_zip(zf: zipfile.ZipFile, max_uncompressed: int) -> None:
    total = 0
    for info in zf.infolist():
        total += info.file_size
        if info.flag_bits & 0x1:
            raise FileRefused(_("File zip có mật khẩu: không mở được."), "zip")
        if info.file_size > (1 << 20) and info.file_size > ZIP_MAX_RATIO * max(
            info.compress_size, 1
        ):
            raise FileRefused(
                _(
                    "File zip bất thường (tỉ lệ nén quá cao ở %(member)s): không mở.",
                    member=repr(info.filename),
                ),
                "too_big",
            )
    if total > max_uncompressed:
        raise FileRefused(
            _(
                "File giải nén quá lớn (%(size)s MB > %(cap)s MB).",
                size=total // (1 << 20),
                cap=max_uncompressed // (1 << 20),
            ),
            "too_big",
        )


def open_zip(path: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise FileRefused(
            _(
                "File zip/xlsx bị hỏng, không mở được (%(error)s). Hãy tải lại file gốc.",
                error=str(exc),
            ),
            "corrupt",
        ) from None


# --------------------------------------------------------------------------- encoding


def _sniff_bom(head: bytes) -> str | None:
    if head.startswith(BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in head:
        even = head[0::2].count(0)
        odd = head[1::2].count(0)
        if odd > len(head) // 4 and even == 0:
            return "utf-16-le"
        if even > len(head) // 4 and odd == 0:
            return "utf-16-be"
        raise FileRefused(_("File không phải văn bản CSV (có byte nhị phân)."), "encoding")
    return None


class _Scanner:
    """Decodes a stream chunk by chunk on the side: counts newlines, notes whether there is
    any text, and finds mojibake (``feed`` returns a sample of it) or an undecodable byte
    (``feed`` raises ``UnicodeDecodeError``)."""

    def __init__(self, encoding: str) -> None:
        self.encoding = encoding
        self.decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
        self.newlines = 0
        self.tail = ""
        self.has_text = False

    def feed(self, chunk: bytes, final: bool) -> str | None:
        text = self.decoder.decode(chunk, final=final)
        if text:
            self.newlines += text.count("\n")
            if not self.has_text and text.strip(" \t\r\n\ufeff"):
                self.has_text = True
            window = self.tail + text
            if not window.isascii():
                if self.encoding.startswith("cp"):
                    window = unicodedata.normalize("NFC", window)
                # The pattern's leads, found by str's fast search, spare the regex scan of
                # every clean megabyte.
                m = MOJIBAKE.search(window) if _may_be_mojibake(window) else None
                if m:
                    lo = max(0, m.start() - 20)
                    return window[lo : m.end() + 20].replace("\n", " ")
            self.tail = window[-4:]
        return None


def _scan(
    opener: Opener, encoding: str, limit: int | None = None
) -> tuple[bool, _Scanner, str | None, bool]:
    """Decode the stream, whole or its first ``limit`` bytes: (decodes?, the scanner,
    mojibake sample, read to the end?)."""
    scanner = _Scanner(encoding)
    read = 0
    with opener() as stream:
        while True:
            chunk = stream.read(CHUNK)
            read += len(chunk)
            final = not chunk
            try:
                sample = scanner.feed(chunk, final)
            except UnicodeDecodeError:
                return False, scanner, None, final
            if sample is not None:
                return True, scanner, sample, final
            if final or (limit is not None and read >= limit):
                return True, scanner, None, final


def _mojibake(sample: str) -> FileRefused:
    return FileRefused(
        _(
            "File bị lỗi phông chữ (mojibake, ví dụ 'Ã¡' thay cho 'á'): file UTF-8 đã bị "
            "mở hoặc lưu lại bằng bảng mã khác. Hãy tải lại file gốc từ nền tảng, hoặc "
            "trong Excel chọn Lưu thành 'CSV UTF-8 (Comma delimited)'. Đoạn lỗi: %(sample)s.",
            sample=repr(sample),
        ),
        "mojibake",
    )


def _undecodable() -> FileRefused:
    return FileRefused(
        _(
            "Không đọc được bảng mã của file (không phải UTF-8/UTF-16). Hãy xuất lại từ nền "
            "tảng hoặc trong Excel lưu thành 'CSV UTF-8 (Comma delimited)'."
        ),
        "encoding",
    )


class _Checked(_Filter):
    """The bytes of ``inner``, decoded on the side as they are read (``_Scanner``): an
    undecodable byte or mojibake refuses the file where it is met."""

    def __init__(self, inner: IO[bytes], encoding: str, on_end: Callable[[], None]) -> None:
        super().__init__(inner)
        self.scanner = _Scanner(encoding)
        self.on_end = on_end

    def check(self, data: bytes) -> None:
        try:
            sample = self.scanner.feed(data, not data)
        except UnicodeDecodeError:
            raise _undecodable() from None
        if sample is not None:
            raise _mojibake(sample)
        if not data:
            self.on_end()


def _newline_bytes(opener: Opener) -> int:
    """The ``\\n`` bytes of the stream, undecoded (0.1 s for 270 MB): the newline count in
    UTF-8, at least it in UTF-16, so enough for the row limit's first check (past it, the
    rows are counted)."""
    count = 0
    with opener() as stream:
        while chunk := stream.read(CHUNK):
            count += chunk.count(b"\n")
    return count


def _checked_until_read_whole(opener: Opener, encoding: str) -> Opener:
    """An opener whose streams are checked (``_Checked``) until one has been read to its
    end without a refusal; the file does not change, so later passes read it as it is."""
    whole = False

    def read_whole() -> None:
        nonlocal whole
        whole = True

    def checked() -> IO[bytes]:
        if whole:
            return opener()
        return cast(IO[bytes], io.BufferedReader(_Checked(opener(), encoding, read_whole), CHUNK))

    return checked


def _detect_encoding(opener: Opener) -> tuple[str, int, Opener]:
    """(encoding, newline count or more, the opener to read with).

    A file with a byte-order mark has one candidate encoding, so only its first CHUNK is
    decoded here; the rest is checked as it is read (``_Checked``), which refuses the file
    at the first bad byte or mojibake instead of before any row. Without a mark the whole
    file is decoded first: the encoding is the first candidate that decodes all of it.
    """
    with opener() as stream:
        head = stream.read(4096)
    if not head.strip(b" \t\r\n" + BOM_UTF8):
        raise FileRefused(_("File rỗng."), "empty")
    bom = _sniff_bom(head)
    for encoding in [bom] if bom else ["utf-8", "cp1258", "cp1252"]:
        ok, scanner, sample, complete = _scan(opener, encoding, limit=CHUNK if bom else None)
        if ok and sample is None and not complete and not scanner.has_text:
            ok, scanner, sample, complete = _scan(opener, encoding)  # blank so far: all of it
        if not ok:
            continue
        if sample is not None:
            raise _mojibake(sample)
        if not scanner.has_text:
            raise FileRefused(_("File rỗng."), "empty")
        if complete:
            return encoding, scanner.newlines, opener

        return encoding, _newline_bytes(opener), _checked_until_read_whole(opener, encoding)
    raise _undecodable()


# --------------------------------------------------------------------------- CSV


def too_many_rows(max_rows: int) -> FileRefused:
    return FileRefused(
        _(
            "File có quá nhiều dòng (tối đa %(max)s). Hãy chia nhỏ file.",
            max=f"{max_rows:,}".replace(",", "."),
        ),
        "too_many_rows",
    )


# --------------------------------------------------------------------------- entry point


def open_table(
    path: Path,
    filename: str,
    *,
    max_rows: int = MAX_ROWS,
    max_uncompressed: int = MAX_UNCOMPRESSED,
    recognise: Recognise | None = None,
) -> Table:
    """Open ``path`` (uploaded as ``filename``) and find its header row.

    ``recognise(cells)`` tells whether a row is a known header (default: any registered
    format's ``detect``). Raises ``FileRefused`` for anything that cannot be imported.
    """
    recognise = recognise or _default_recognise
    path = Path(path)
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise FileRefused(_("Không đọc được file: %(error)s", error=str(exc)), "corrupt") from None
    if size == 0:
        raise FileRefused(_("File rỗng."), "empty")
    lower = filename.lower()
    if head.startswith(OLE_MAGIC) or lower.endswith(".xls"):
        raise FileRefused(
            _(
                "File Excel cũ (.xls) không được hỗ trợ: hãy mở bằng Excel và lưu thành .xlsx "
                "hoặc 'CSV UTF-8'."
            ),
            "xls",
        )
    if head.startswith(ZIP_MAGIC) or lower.endswith((".zip", ".xlsx", ".xlsm")):
        if not head.startswith(ZIP_MAGIC):
            raise FileRefused(
                _("File .xlsx/.zip bị hỏng (không phải file nén hợp lệ). Hãy tải lại file gốc."),
                "corrupt",
            )
        with open_zip(path) as zf:
            names = zf.namelist()
            check_zip(zf, max_uncompressed)
        if "xl/workbook.xml" in names:
            from .xlsx_table import open_xlsx  # late import: it builds on this module

            return open_xlsx(path, filename, recognise, max_rows, max_uncompressed)
        from .zip_table import open_zip_member  # late import: it builds on this module

        return open_zip_member(path, filename, names, recognise, max_rows, max_uncompressed)

    # A plain CSV is not size-capped here (a 1M-row Meta export is ~300 MB): the upload
    # limit belongs to the web layer, and rows are capped by max_rows.
    def opener() -> IO[bytes]:
        return path.open("rb")

    from .csv_table import open_csv  # late import: it builds on this module

    return open_csv(opener, filename, recognise, max_rows)
