"""Mức độ đầy đủ của số liệu: which units have reported which months."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from reports.formatting import format_number_vi, format_percent_vi
from reports.model import ReportData
from reports.sections.base import COUNT, TEXT, Column, Section


def paragraphs(data: ReportData) -> list[str]:
    c = data.completeness
    if c is None:
        return []
    out = [
        _(
            "Số đơn vị-tháng đã có số liệu (có file nhập hoặc báo cáo tháng đã duyệt): "
            "%(reported)s/%(expected)s, đạt %(rate)s."
        )
        % {
            "reported": format_number_vi(c.reported),
            "expected": format_number_vi(c.expected),
            "rate": format_percent_vi(c.rate),
        }
    ]
    if c.not_due:
        out.append(
            _(
                "Chưa đến hạn báo cáo (hạn: ngày %(day)s): %(months)s; các tháng này chưa được "
                "tính là thiếu."
            )
            % {"day": c.deadline_day, "months": ", ".join(c.not_due)}
        )
    if c.missing:
        out.append(
            _("Còn %(n)s đơn vị chưa có đủ số liệu:") % {"n": format_number_vi(len(c.missing))}
        )
    else:
        out.append(_("Tất cả các đơn vị đã có đủ số liệu trong kỳ báo cáo."))
    return out


SECTION = Section(
    key="completeness",
    title=_l("Mức độ đầy đủ của số liệu"),
    sheet="Mức độ đầy đủ",
    table_title=_l("Đơn vị chưa có đủ số liệu"),
    columns=(
        Column("name", _l("Đơn vị"), TEXT, lambda r: r.name, docx_cm=6.5, xlsx_chars=40),
        Column("missing", _l("Số tháng thiếu"), COUNT, lambda r: len(r.months), docx_cm=2.5),
        Column(
            "months",
            _l("Các tháng chưa có số liệu"),
            TEXT,
            lambda r: ", ".join(r.months),
            docx_cm=6.5,
            xlsx_chars=40,
        ),
    ),
    rows=lambda data: data.completeness.missing if data.completeness else (),
    paragraphs=paragraphs,
    shown=lambda data: data.completeness is not None,
)
