"""Theo loại nội dung: the figures per content type."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from ledger.models import UnitMonthStat
from reports.model import BreakdownRow, ReportData
from reports.sections.base import TEXT, Column, Section
from reports.sections.columns import drill, figure_columns


def _footnote(data: ReportData) -> str:
    if any(r.key == UnitMonthStat.UNSPECIFIED for r in data.by_content_type.rows):
        return _(
            "Lượt tiếp cận trong báo cáo tháng không chia theo loại nội dung: được ghi ở dòng "
            "“Không phân loại (báo cáo tháng)”; các tin bài của báo cáo tháng được ghi theo "
            "loại của chúng."
        )
    return ""


SECTION = Section(
    key="by_content_type",
    title=_l("Theo loại nội dung"),
    sheet="Theo loại nội dung",
    table_title=_l("Số bài viết và lượt tiếp cận theo loại nội dung"),
    columns=(
        Column("label", _l("Loại nội dung"), TEXT, lambda r: r.label, docx_cm=3.6, xlsx_chars=28),
        *figure_columns(lambda r: r.figures, drill(lambda r: {"content_type": r.key})),
    ),
    rows=lambda data: data.by_content_type.rows,
    total=lambda data: BreakdownRow("", "", data.by_content_type.total),
    total_label=_l("Tổng cộng"),
    footnote=_footnote,
    empty=_l("Chưa có số liệu trong kỳ."),
)
