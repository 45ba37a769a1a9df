"""An .xlsx upload as a ``Table``: the first sheet with a known header, its rows as text."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from datetime import date, datetime, time
from pathlib import Path

from . import xlsx_book
from .base import FileRefused, _
from .reader import (
    HEADER_SEARCH_ROWS,
    MOJIBAKE,
    Recognise,
    Table,
    check_zip,
    open_zip,
    refuse_unknown,
    too_many_rows,
)


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 2**53:
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime):
        return value.replace(tzinfo=None).isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    text = str(value)
    return text if text.isascii() else unicodedata.normalize("NFC", text)


def _load_workbook(path: Path, filename: str):  # type: ignore[no-untyped-def]
    try:
        return xlsx_book.load_workbook(path, filename)
    except FileRefused:
        raise
    except Exception as exc:  # openpyxl raises many kinds on damaged files
        raise FileRefused(
            _(
                "File Excel (.xlsx) bị hỏng, không mở được (%(error)s). Hãy lưu lại file bằng "
                "Excel hoặc xuất lại.",
                error=type(exc).__name__,
            ),
            "corrupt",
        ) from None


def open_xlsx(path: Path, filename: str, recognise: Recognise, max_rows: int, cap: int) -> Table:
    with open_zip(path) as zf:
        check_zip(zf, cap)
    wb = _load_workbook(path, filename)
    found: tuple[str, int, list[str]] | None = None
    seen: list[list[str]] = []
    try:
        for ws in wb.worksheets:
            for n, values in enumerate(ws.iter_rows(max_row=HEADER_SEARCH_ROWS, values_only=True)):
                cells = [_cell_text(v) for v in values]
                if not any(c.strip() for c in cells):
                    continue
                if recognise(cells):
                    found = (ws.title, n + 1, cells)
                    break
                if len(seen) < HEADER_SEARCH_ROWS:
                    seen.append(cells)
            if found:
                if (ws.max_row or 0) > max_rows + found[1]:
                    raise too_many_rows(max_rows)
                break
    except FileRefused:
        raise
    except Exception as exc:
        raise FileRefused(
            _("File Excel (.xlsx) bị hỏng (%(error)s).", error=type(exc).__name__),
            "corrupt",
        ) from None
    finally:
        wb.close()
    if found is None:
        raise refuse_unknown(seen)
    sheet, header_row, raw_header = found
    while raw_header and not raw_header[-1].strip():
        raw_header.pop()
    width = len(raw_header)

    def rows(normalise: bool) -> Iterator[tuple[int, list[str]]]:
        book = _load_workbook(path, filename)
        count = 0
        try:
            ws = book[sheet]
            for n, values in enumerate(ws.iter_rows(min_row=header_row + 1, values_only=True)):
                cells = [_cell_text(v) for v in values[:width]]
                if not any(c.strip() for c in cells):
                    continue
                count += 1
                if count > max_rows:
                    raise too_many_rows(max_rows)
                joined = "\x1f".join(cells)
                if not joined.isascii() and MOJIBAKE.search(joined):
                    raise FileRefused(
                        _(
                            "File bị lỗi phông chữ (mojibake, ví dụ 'Ã¡' thay cho 'á') ở dòng "
                            "%(line)s. Hãy xuất lại file gốc từ nền tảng.",
                            line=header_row + 1 + n,
                        ),
                        "mojibake",
                    )
                if len(cells) < width:
                    cells += [""] * (width - len(cells))
                yield header_row + 1 + n, cells
        except FileRefused:
            raise
        except Exception as exc:
            raise FileRefused(
                _("File Excel (.xlsx) bị hỏng (%(error)s).", error=type(exc).__name__),
                "corrupt",
            ) from None
        finally:
            book.close()

    header = [h.strip() for h in raw_header]
    if MOJIBAKE.search("\x1f".join(header)):
        raise FileRefused(
            _("Tiêu đề cột bị lỗi phông chữ (mojibake). Hãy xuất lại file gốc."),
            "mojibake",
        )
    return Table(
        header=header,
        encoding="xlsx",
        dialect=f"xlsx sheet {sheet!r}",
        kind="xlsx",
        filename=filename,
        header_line=header_row,
        delimiter=None,
        decimal=".",
        member=sheet,
        _rows=rows,
    )
