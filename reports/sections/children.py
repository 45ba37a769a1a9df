"""Theo đơn vị trực thuộc: the unit's own channels and each direct child's subtree.

The rows add up to the headline figures: the unit's own channels are a row of their own."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from reports.model import ChildRow, ReportData
from reports.sections.base import COUNT, TEXT, Column, Section
from reports.sections.columns import drill, figure_columns, unit_url


def _name(row: ChildRow) -> str:
    return str(_("Kênh của chính đơn vị")) if row.own else row.name


def _href(row: ChildRow) -> str | None:
    return None if row.own else unit_url("reports:report", row.code)


def _posts_of(row: ChildRow) -> str:
    return unit_url("reports:posts", row.code)


def _own(row: ChildRow) -> dict[str, str]:
    return {"own": "1"} if row.own else {}


def _channels_href(row: ChildRow) -> str | None:
    if not row.code:
        return None
    return unit_url("reports:channels", row.code) + ("?own=1" if row.own else "")


def _total(data: ReportData) -> ChildRow | None:
    if data.children is None:
        return None
    return ChildRow(
        code="",
        name="",
        figures=data.children.total,
        active_channels=data.children.total_channels,
        reported_months=None,
    )


def _footnote(data: ReportData) -> str:
    return _(
        "“Kênh của chính đơn vị”: các kênh đăng ký trực tiếp cho %(unit)s, không thuộc đơn vị "
        "trực thuộc nào; cùng các đơn vị trực thuộc, bảng cộng lại đúng bằng số liệu chính. "
        "Số tháng đã báo cáo: số tháng mà mọi đơn vị trong cây của đơn vị trực thuộc đều có "
        "số liệu (trên %(months)s tháng của kỳ)."
    ) % {"unit": data.unit.name, "months": data.children.months if data.children else 0}


SECTION = Section(
    key="children",
    title=_l("Theo đơn vị trực thuộc"),
    sheet="Đơn vị cấp dưới",
    table_title=_l("Kết quả theo đơn vị trực thuộc"),
    columns=(
        Column(
            "name", _l("Đơn vị"), TEXT, _name, docx_cm=3.5, xlsx_chars=40, href=_href, sort="name"
        ),
        # Nine columns at 10 pt: narrower figures leave the unit's name 3,5 cm, so a
        # province's 150 communes take a few pages, not fifty (reports/tests/test_docx_pdf.py).
        *figure_columns(
            lambda r: r.figures,
            drill(lambda r: _own(r) if r.code else None, base=_posts_of),
            docx_cm=(1.6, 2.1, 2.0, 1.9, 1.6),
        ),
        Column(
            "active_channels",
            _l("Số kênh hoạt động"),
            COUNT,
            lambda r: r.active_channels,
            docx_cm=1.4,
            href=_channels_href,
        ),
        Column(
            "reported_months",
            _l("Số tháng đã báo cáo"),
            COUNT,
            lambda r: r.reported_months,
            docx_cm=1.4,
            sort="reported_months",
        ),
    ),
    rows=lambda data: data.children.rows if data.children else (),
    total=_total,
    total_label=_l("Tổng cộng"),
    footnote=_footnote,
    shown=lambda data: data.children is not None,
)
