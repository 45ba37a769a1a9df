"""The one way Bantin writes a CSV or an .xlsx that someone will open in a spreadsheet.

Names in Bantin are typed by people (a channel's display name, a unit's name, an audit
record's object), and a spreadsheet runs a cell that begins with ``=``, ``+``, ``-`` or
``@`` (or a tab or carriage return before one) as a formula: ``=HYPERLINK(...)`` becomes a
link to anywhere, ``=cmd|...`` worse (OWASP, "CSV Injection"). So every export goes
through this module, never through ``csv.writer`` or ``xlsxwriter.Workbook`` directly:

- ``CsvWriter``: text cells that begin with a trigger get a leading apostrophe (OWASP's
  advice; a spreadsheet shows the text, the apostrophe tells it "text"); numbers stay
  numbers.
- ``SafeWorkbook``: an XlsxWriter workbook that never turns a string into a formula, a
  number or a link, refuses formulas outright, and writes every string cell that begins
  with a trigger with Excel's own quote prefix (shown without the apostrophe, read as
  text even when the user edits the cell). Numbers written with ``write_number`` stay
  numeric cells.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Protocol

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

__all__ = ["BOM", "FORMULA_TRIGGERS", "CsvWriter", "SafeWorkbook", "csv_cell", "is_risky"]

BOM = "\ufeff"  # Excel reads a CSV as UTF-8 only after a byte-order mark
# OWASP's list, plus a line feed and the full-width signs that some spreadsheet input
# methods turn into the ASCII ones.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


def is_risky(text: str) -> bool:
    """True when a spreadsheet could read ``text`` as the start of a formula."""
    return text.startswith(FORMULA_TRIGGERS)


def csv_cell(value: Any) -> Any:
    """One CSV cell: a number as itself, ``None`` as empty, text defused."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | Decimal):
        return value  # a real number: the csv module writes digits, never a formula
    if isinstance(value, datetime | date):
        return value.isoformat()
    text = str(value)
    return "'" + text if is_risky(text) else text


class _Writable(Protocol):
    def write(self, s: str, /) -> Any: ...


class _Echo:
    """A file whose write returns the line, so ``writerow`` can feed a streaming response."""

    def write(self, value: str) -> str:
        return value


class CsvWriter:
    """``csv.writer`` whose cells cannot become formulas.

    ``CsvWriter(response)`` writes into a file-like object; ``CsvWriter()`` returns each
    line from ``writerow`` (for a ``StreamingHttpResponse``)."""

    def __init__(self, out: _Writable | None = None) -> None:
        self._writer = csv.writer(out if out is not None else _Echo())

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([csv_cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


class SafeWorksheet(Worksheet):
    """A worksheet whose string cells are always text, quote-prefixed when risky."""

    book: SafeWorkbook

    def _write_string(
        self, row: int, col: int, string: str, cell_format: Format | None = None
    ) -> Any:
        # Every string path of XlsxWriter (write, write_string, merge_range, a link's
        # text) ends here, so this is the one place to defuse it.
        if is_risky(string) and not (cell_format is not None and cell_format.quote_prefix):
            cell_format = self.book.quoted(cell_format)
        return super()._write_string(row, col, string, cell_format)

    def _refuse_formula(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError("Bantin's exports hold values, never formulas")

    write_formula = _refuse_formula
    _write_formula = _refuse_formula
    write_array_formula = _refuse_formula
    write_dynamic_array_formula = _refuse_formula


class SafeWorkbook(xlsxwriter.Workbook):
    """``xlsxwriter.Workbook`` for exports: strings stay strings (never a formula, a
    number or a link), risky strings get the quote prefix, formulas are refused."""

    worksheet_class = SafeWorksheet

    def __init__(self, filename: Any, options: dict[str, Any] | None = None) -> None:
        options = {
            "in_memory": True,
            **(options or {}),
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        }
        self._properties: dict[int, dict[str, Any]] = {}
        self._quoted: dict[int, Format] = {}
        super().__init__(filename, options)

    def add_format(self, properties: dict[str, Any] | None = None) -> Format:
        fmt = super().add_format(properties)
        self._properties[id(fmt)] = dict(properties or {})
        return fmt

    def quoted(self, fmt: Format | None) -> Format:
        """``fmt`` with the quote prefix (one copy per format)."""
        key = id(fmt) if fmt is not None else 0
        if key not in self._quoted:
            base = self._properties.get(key, {}) if fmt is not None else {}
            self._quoted[key] = self.add_format({**base, "quote_prefix": True})
        return self._quoted[key]

    def _add_sheet(self, name: Any, worksheet_class: Any = None) -> Any:
        sheet = super()._add_sheet(name, worksheet_class=worksheet_class)
        if isinstance(sheet, SafeWorksheet):
            sheet.book = self
        return sheet
