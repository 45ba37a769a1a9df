"""The .xlsx renderer: one sheet per section of ``reports.sections`` that names one.

Each sheet: the section's table (bold, frozen, filterable header row; numbers as number
cells, "#,##0", so Excel shows the reader's own separators; the total row bold), then its
paragraphs and footnote. The first sheet also names the unit and the period. Text is always
written as a string through ``core.spreadsheets.SafeWorkbook`` (never a formula; text that
starts like one gets Excel's quote prefix). It knows nothing of any section.
"""

from __future__ import annotations

import io
import re
from datetime import date, datetime, time
from typing import Any

from django.utils import translation

from core.spreadsheets import SafeWorkbook
from reports.formatting import clean_text
from reports.model import ReportData
from reports.sections import SECTIONS
from reports.sections.base import CHANGE, COUNT, DATE, LINK, PERCENT, Cell, Section

__all__ = ["render_xlsx"]

_WEB = re.compile(r"https?://[^\s<>\"]{1,2000}")


class _Writer:
    def __init__(self, workbook: Any) -> None:
        wb = self.wb = workbook
        self.f_header = wb.add_format(
            {
                "bold": True,
                "bg_color": "#DDE6F0",
                "border": 1,
                "text_wrap": True,
                "valign": "vcenter",
                "align": "center",
            }
        )
        self.f_text = wb.add_format({"valign": "top", "text_wrap": True})
        self.f_note = wb.add_format({"italic": True, "text_wrap": True, "valign": "top"})
        self.f_link = wb.add_format({"font_color": "#1F5FA8", "underline": 1, "valign": "top"})
        self.f_bold = wb.add_format({"bold": True, "valign": "top"})
        self.number_formats = {
            COUNT: "#,##0",
            PERCENT: "0.0%",
            CHANGE: "+0.0%;-0.0%;0.0%",
            DATE: "dd/mm/yyyy",
        }
        self.formats: dict[tuple[str, bool], Any] = {}

    def fmt(self, kind: str, bold: bool = False) -> Any:
        key = (kind, bold)
        if key not in self.formats:
            spec: dict[str, Any] = {"valign": "top", "bold": bold}
            if kind in self.number_formats:
                spec["num_format"] = self.number_formats[kind]
            else:
                spec["text_wrap"] = True
            self.formats[key] = self.wb.add_format(spec)
        return self.formats[key]

    def text(self, ws: Any, row: int, col: int, value: Any, fmt: Any = None) -> None:
        """Always a string cell (the workbook quote-prefixes text that looks like a formula)."""
        text = clean_text(value)
        if text == "":
            ws.write_blank(row, col, None, fmt or self.f_text)
            return
        ws.write_string(row, col, text[:32767], fmt or self.f_text)

    def cell(self, ws: Any, r: int, c: int, cell: Cell, bold: bool = False) -> None:
        kind, value = cell.kind, cell.value
        if kind in (COUNT, PERCENT, CHANGE):
            if value is None:
                ws.write_blank(r, c, None, self.fmt(kind, bold))
            else:
                ws.write_number(r, c, value, self.fmt(kind, bold))
        elif kind == DATE:
            if isinstance(value, date):
                day = datetime.combine(value, time.min)  # noqa: DTZ001 - a calendar day
                ws.write_datetime(r, c, day, self.fmt(DATE))
            else:
                ws.write_blank(r, c, None, self.fmt(DATE))
        elif kind == LINK and cell.url and _WEB.fullmatch(cell.url) and len(cell.url) <= 2079:
            ws.write_url(r, c, cell.url, self.f_link, string=clean_text(cell.text)[:255] or None)
        else:
            self.text(ws, r, c, cell.text, self.fmt("text", bold) if bold else None)

    def notes(self, ws: Any, r: int, texts: list[str], width: int) -> int:
        for text in texts:
            if width > 1:
                ws.merge_range(r, 0, r, width - 1, "", self.f_note)
            self.text(ws, r, 0, text, self.f_note)
            ws.set_row(r, 30 if len(text) < 200 else 60)
            r += 1
        return r

    def section(self, data: ReportData, section: Section, first: bool) -> None:
        ws = self.wb.add_worksheet(str(section.sheet)[:31])
        table = section.table(data)
        width = len(table.headers) if table else 4
        r = 0
        if table is not None:
            for col, (title, chars) in enumerate(zip(table.headers, table.xlsx_chars, strict=True)):
                ws.write_string(0, col, title, self.f_header)
                ws.set_column(col, col, chars)
            ws.set_row(0, 30)
            ws.freeze_panes(1, 0)
            for r, row in enumerate(table.rows, start=1):
                for c, cell in enumerate(row):
                    self.cell(ws, r, c, cell)
            if table.rows:
                ws.autofilter(0, 0, len(table.rows), width - 1)
            if table.total:
                r += 1
                for c, cell in enumerate(table.total):
                    self.cell(ws, r, c, cell, bold=True)
            r += 2
        else:
            ws.set_column(0, 0, 100)
        texts = section.paragraphs(data)
        if section.footnote and (note := section.footnote(data)):
            texts.append(note)
        r = self.notes(ws, r, texts, width)
        if first:
            self.about(ws, r + 1, data)

    def about(self, ws: Any, r: int, data: ReportData) -> None:
        period = data.period
        convention = (
            "Kỳ thống kê (Nghị định 09/2019/NĐ-CP)"
            if period.convention == "administrative"
            else "Theo tháng dương lịch"
        )
        for name, kind, value in (
            ("Đơn vị", "text", data.unit.name),
            ("Mã đơn vị", "text", data.unit.code),
            ("Cơ quan cấp trên", "text", data.unit.parent_name),
            ("Kỳ báo cáo", "text", period.label),
            ("Mã kỳ", "text", period.code),
            ("Từ ngày", DATE, period.start),
            ("Đến ngày", DATE, period.end),
            ("Quy ước kỳ", "text", convention),
            ("Ngày lập", DATE, data.generated_on),
        ):
            self.text(ws, r, 0, name, self.f_bold)
            self.cell(ws, r, 1, Cell(kind, value, clean_text(value)))
            r += 1


def render_xlsx(data: ReportData) -> bytes:
    """The report's sections as an .xlsx workbook (always in Vietnamese)."""
    out = io.BytesIO()
    wb = SafeWorkbook(out)
    with translation.override("vi"):
        wb.set_properties(
            {
                "title": f"Báo cáo {data.period.label}".strip(),
                "subject": data.unit.name,
                "author": "Bantin",
                "company": clean_text(data.document.get("issuing_unit")),
                "comments": "Lượt tiếp cận là tổng của các bài viết, không phải số người.",
            }
        )
        writer = _Writer(wb)
        shown = [s for s in SECTIONS if s.sheet and s.shown(data)]
        for index, section in enumerate(shown):
            writer.section(data, section, first=index == 0)
    wb.close()
    return out.getvalue()
