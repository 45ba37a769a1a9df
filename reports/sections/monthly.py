"""Diễn biến theo tháng: posts and reach per month (per reporting month under Decree 09)."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from reports.formatting import format_date_vi
from reports.model import MonthRow, ReportData
from reports.sections.base import COUNT, TEXT, Column, Section


def month_label(label: str, start: date | None, end: date | None) -> str:
    """A month's label, with its days when it is a reporting month: "T7/2026 (15/06–14/07)"."""
    if start and end:
        return f"{label} ({format_date_vi(start)[:5]}–{format_date_vi(end)[:5]})"
    return label


def _label(row: MonthRow) -> str:
    return month_label(row.label, row.start, row.end)


def _href(row: MonthRow) -> str | None:
    """The month's posts: its own period in the link (the page adds none to it)."""
    return f"posts/?{row.drill}" if row.drill else None


def reporting_months_note(data: ReportData) -> str:
    if data.period.by_reporting_month:
        return _(
            "Tháng báo cáo theo Nghị định 09/2019/NĐ-CP: tháng báo cáo T7 tính từ ngày 15/6 "
            "đến hết ngày 14/7."
        )
    return ""


SECTION = Section(
    key="monthly",
    title=_l("Diễn biến theo tháng"),
    sheet="Theo tháng",
    table_title=_l("Số bài viết và lượt tiếp cận theo tháng"),
    chart="trend",
    columns=(
        Column("month", _l("Tháng"), TEXT, _label, docx_cm=7.5, xlsx_chars=24),
        Column(
            "posts", _l("Số bài viết"), COUNT, lambda r: r.figures.posts, docx_cm=4.0, href=_href
        ),
        Column(
            "reach",
            _l("Lượt tiếp cận"),
            COUNT,
            lambda r: r.figures.reach,
            docx_cm=5.0,
            xlsx_chars=18,
            href=_href,
        ),
    ),
    rows=lambda data: data.monthly.rows,
    total=lambda data: MonthRow(month=date.min, label="", figures=data.monthly.total),
    total_label=_l("Tổng cộng"),
    footnote=reporting_months_note,
    empty=_l("Chưa có số liệu trong kỳ."),
)
