"""Theo nền tảng: the figures per platform (labels, never codes)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _l

from reports.model import BreakdownRow
from reports.sections.base import TEXT, Column, Section
from reports.sections.columns import drill, figure_columns

SECTION = Section(
    key="by_platform",
    title=_l("Theo nền tảng"),
    sheet="Theo nền tảng",
    table_title=_l("Số bài viết và lượt tiếp cận theo nền tảng"),
    chart="platforms",
    columns=(
        Column("label", _l("Nền tảng"), TEXT, lambda r: r.label, docx_cm=3.6, xlsx_chars=28),
        *figure_columns(lambda r: r.figures, drill(lambda r: {"platform": r.key})),
    ),
    rows=lambda data: data.by_platform.rows,
    total=lambda data: BreakdownRow("", "", data.by_platform.total),
    total_label=_l("Tổng cộng"),
    empty=_l("Chưa có số liệu trong kỳ."),
)
