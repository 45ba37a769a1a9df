"""What a section of a report is: a declaration that the renderers turn into HTML, .docx
and .xlsx.

A section declares its heading, the paragraphs before its table, its chart, its columns
(label, kind of value, how to read the value from a row) and its rows, its total row and its
footnote, once. The renderers (``reports/render/``) know nothing of any particular section:
they lay out a :class:`Table` of typed cells, and format each value with the one formatter
of its kind (``format_cell``), so the page, the document and the spreadsheet can never
disagree.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils.functional import Promise

from reports.formatting import (
    DASH,
    format_change_vi,
    format_date_vi,
    format_number_vi,
    format_percent_vi,
)
from reports.model import ReportData

# The kinds of value a cell holds; each has one formatter (format_cell) and one .xlsx type.
TEXT, COUNT, PERCENT, CHANGE, DATE, LINK = "text", "count", "percent", "change", "date", "link"
NUMERIC = {COUNT, PERCENT, CHANGE}

Label = str | Promise


@dataclass(frozen=True)
class Column:
    key: str  # stable name, for tests and the page's sort links
    label: Label
    kind: str
    value: Callable[[Any], Any]
    docx_cm: float = 2.4  # width in the .docx (the text column takes what is left)
    xlsx_chars: float = 14
    href: Callable[[Any], str | None] | None = None  # the page's drill-down link
    sort: str | None = None  # the page's sort key for this column


@dataclass(frozen=True)
class Cell:
    kind: str
    value: Any  # the raw value: int | float | str | date | None
    text: str  # formatted, vi-VN
    href: str | None = None  # the page's link (drill-down)
    url: str | None = None  # a link kept in every rendering (a post's address)

    @property
    def numeric(self) -> bool:
        return self.kind in NUMERIC


@dataclass(frozen=True)
class Table:
    key: str
    title: str  # the caption: "Bảng n. <title>" in the .docx
    headers: tuple[str, ...]
    kinds: tuple[str, ...]
    docx_cm: tuple[float, ...]
    xlsx_chars: tuple[float, ...]
    sorts: tuple[str | None, ...]
    rows: tuple[tuple[Cell, ...], ...]
    total: tuple[Cell, ...] | None
    empty: str
    keys: tuple[str, ...] = ()  # the columns' keys


@dataclass(frozen=True)
class Section:
    """One section of the report. ``rows(data)`` and ``total(data)`` return row objects
    that each column's ``value`` reads; ``total`` is None for a table without a total row.
    A table with a total row must add up to the headline figures (tested)."""

    key: str
    title: Label  # the page's heading and the .docx's numbered subheading
    sheet: str | None  # the .xlsx sheet (None: not in the workbook)
    table_title: Label = ""
    columns: tuple[Column, ...] = ()
    rows: Callable[[ReportData], Sequence[Any]] = lambda data: ()
    total: Callable[[ReportData], Any] | None = None
    total_label: Label = ""
    paragraphs: Callable[[ReportData], list[str]] = lambda data: []
    footnote: Callable[[ReportData], str] | None = None
    chart: str | None = None  # the chart shown right after the heading
    shown: Callable[[ReportData], bool] = lambda data: True
    in_document: bool = True  # the .docx (the page shows every section)
    empty: Label = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def table(self, data: ReportData) -> Table | None:
        if not self.columns:
            return None
        rows = tuple(tuple(_cell(c, row) for c in self.columns) for row in self.rows(data))
        total = None
        total_row = self.total(data) if self.total is not None and rows else None
        if total_row is not None:
            total = tuple(
                Cell(TEXT, str(self.total_label), str(self.total_label))
                if i == 0
                else _cell(c, total_row, link=False)
                for i, c in enumerate(self.columns)
            )
        return Table(
            key=self.key,
            title=str(self.table_title or self.title),
            headers=tuple(str(c.label) for c in self.columns),
            kinds=tuple(c.kind for c in self.columns),
            docx_cm=tuple(c.docx_cm for c in self.columns),
            xlsx_chars=tuple(c.xlsx_chars for c in self.columns),
            sorts=tuple(c.sort for c in self.columns),
            rows=rows,
            total=total,
            empty=str(self.empty),
            keys=tuple(c.key for c in self.columns),
        )


def _cell(column: Column, row: Any, *, link: bool = True) -> Cell:
    value = column.value(row)
    href = column.href(row) if (link and column.href and row is not None) else None
    if column.kind == LINK:
        text, url = value if isinstance(value, tuple) else (value, None)
        return Cell(LINK, text, str(text or ""), href=href, url=url)
    return Cell(column.kind, value, format_cell(column.kind, value), href=href)


def format_cell(kind: str, value: Any) -> str:
    """The one formatter of each kind of value (vi-VN: 1.234.567, 99,7%, +1,2%, 03/07/2026)."""
    if kind == COUNT:
        return format_number_vi(value)
    if kind == PERCENT:
        return format_percent_vi(value)
    if kind == CHANGE:
        return format_change_vi(None if value is None else value * 100)
    if kind == DATE:
        return format_date_vi(value) if isinstance(value, date) else DASH
    return "" if value is None else str(value)
