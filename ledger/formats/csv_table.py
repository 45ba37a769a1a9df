"""A CSV (or UTF-16 text) upload as a ``Table``: dialect sniffing, the header search, and
the row stream that re-opens the file on every pass so memory stays flat."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Generator, Iterator

from .base import FileRefused, _
from .reader import (
    HEADER_SEARCH_ROWS,
    Opener,
    Recognise,
    Table,
    _detect_encoding,
    _is_description_row,
    refuse_unknown,
    too_many_rows,
)

_SEP_LINE = re.compile(r'\s*"?sep=(.)"?\s*', re.IGNORECASE)
_DELIMITER_NAMES = {",": "','", ";": "';'", "\t": "tab"}


def _count_outside_quotes(line: str) -> dict[str, int]:
    counts = {",": 0, ";": 0, "\t": 0}
    quoted = False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    return counts


def _sniff_delimiter(lines: list[str]) -> str:
    for line in lines:
        counts = _count_outside_quotes(line)
        best = max(counts.values())
        if best:
            for delim in ("\t", ";", ","):
                if counts[delim] == best:
                    return delim
    return ","


def _nfc(cells: list[str], joined: str | None = None) -> list[str]:
    """The cells in NFC. ``joined``: the cells joined with nothing between them, if the
    caller has it (when the whole is NFC, so is each cell)."""
    if joined is None:
        joined = "".join(cells)
    if joined.isascii() or unicodedata.is_normalized("NFC", joined):
        return cells
    return [c if c.isascii() else unicodedata.normalize("NFC", c) for c in cells]


def _text(opener: Opener, encoding: str) -> io.TextIOWrapper:
    return io.TextIOWrapper(opener(), encoding=encoding, errors="strict", newline="")


def _dialect(opener: Opener, encoding: str) -> tuple[str, bool]:
    """(delimiter, whether the first line is Excel's ``sep=`` line)."""
    with _text(opener, encoding) as text:
        first_lines = [text.readline() for _ in range(HEADER_SEARCH_ROWS + 1)]
    sep = _SEP_LINE.fullmatch(first_lines[0].lstrip("\ufeff")) if first_lines else None
    if sep:
        return sep.group(1), True
    return _sniff_delimiter([line for line in first_lines if line.strip()]), False


class _CsvSource:
    """One CSV file's records, as many times as a pass asks for them."""

    def __init__(self, opener: Opener, encoding: str, delimiter: str, skip_first: bool) -> None:
        self.opener = opener
        self.encoding = encoding
        self.delimiter = delimiter
        self.skip_first = skip_first

    def records(self) -> Generator[tuple[int, int, list[str]], None, None]:
        """(start line, end line, cells) for every CSV record, blank ones included."""
        with _text(self.opener, self.encoding) as text:
            offset = 0
            if self.skip_first:
                text.readline()
                offset = 1
            reader = csv.reader(text, delimiter=self.delimiter)
            prev = 0
            try:
                for cells in reader:
                    start = offset + prev + 1
                    prev = reader.line_num
                    yield start, offset + prev, cells
            except csv.Error as exc:
                raise FileRefused(
                    _(
                        "File CSV bị lỗi ở dòng %(line)s: %(error)s.",
                        line=offset + prev + 1,
                        error=str(exc),
                    ),
                    "corrupt",
                ) from None
            except UnicodeDecodeError:
                raise FileRefused(_("File đổi bảng mã giữa chừng."), "encoding") from None

    def find_header(self, recognise: Recognise) -> tuple[list[str], int, int]:
        """(header, its line, the last line before the data), or ``FileRefused``."""
        seen: list[list[str]] = []
        header: list[str] | None = None
        header_line = data_after = 0
        records = self.records()
        try:
            for start, end, cells in records:
                if not any(c.strip() for c in cells):
                    continue
                cells = _nfc(cells)
                if header is not None:
                    if _is_description_row(header, cells):
                        data_after = end
                    break
                if recognise(cells):
                    header, header_line, data_after = cells, start, end
                    continue
                seen.append(cells)
                if len(seen) >= HEADER_SEARCH_ROWS:
                    break
        finally:
            records.close()
        if header is None:
            raise refuse_unknown(seen)
        return header, header_line, data_after

    def count_data_rows(self, data_after: int) -> int:
        return sum(1 for s, _, c in self.records() if s > data_after and any(x.strip() for x in c))

    def rows(
        self, *, width: int, data_after: int, max_rows: int, normalise: bool
    ) -> Iterator[tuple[int, list[str]]]:
        count = 0
        for start, _end, cells in self.records():
            joined = "".join(cells)
            if not joined or joined.isspace() or start <= data_after:
                continue
            if "\x00" in joined:  # PostgreSQL cannot store NUL; no export means one
                cells = [c.replace("\x00", "") for c in cells]
                joined = joined.replace("\x00", "")
            count += 1
            if count > max_rows:
                raise too_many_rows(max_rows)
            if normalise:
                cells = _nfc(cells, joined)
            if len(cells) != width:
                cells = (cells + [""] * width)[:width]
            yield start, cells

    def column(self, index: int) -> Iterator[str]:
        for _start, _end, cells in self.records():
            if len(cells) > index:
                cell = cells[index]
                # As the rows are read: PostgreSQL cannot store NUL.
                yield cell.replace("\x00", "") if "\x00" in cell else cell


def open_csv(
    opener: Opener,
    filename: str,
    recognise: Recognise,
    max_rows: int,
    member: str | None = None,
) -> Table:
    encoding, newlines, opener = _detect_encoding(opener)
    delimiter, skip_first = _dialect(opener, encoding)
    source = _CsvSource(opener, encoding, delimiter, skip_first)
    header, header_line, data_after = source.find_header(recognise)
    # Counting lines is cheap; only a file that may be too long is counted record by record.
    if newlines > max_rows + data_after and source.count_data_rows(data_after) > max_rows:
        raise too_many_rows(max_rows)
    width = len(header)

    def rows(normalise: bool) -> Iterator[tuple[int, list[str]]]:
        return source.rows(
            width=width, data_after=data_after, max_rows=max_rows, normalise=normalise
        )

    return Table(
        header=[h.strip() for h in header],
        encoding=encoding,
        dialect=f"CSV {_DELIMITER_NAMES.get(delimiter, repr(delimiter))} {encoding}",
        kind="csv",
        filename=filename,
        header_line=header_line,
        delimiter=delimiter,
        decimal="," if delimiter == ";" else ("." if delimiter == "," else None),
        member=member,
        _rows=rows,
        _column=source.column,
    )
