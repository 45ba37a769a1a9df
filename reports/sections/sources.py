"""Nguồn số liệu: where each unit's figures came from (a platform connection, an uploaded
export, the JSON API, a monthly form), when they were last refreshed, which channels' data
is stale (older than two days), and each channel's followers at the period's start and end.

Its rows are channels and units, not figures that add up to the headline: it has no total
row."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from reports.formatting import format_number_vi
from reports.model import ReportData, SourceRow
from reports.sections.base import COUNT, DATE, TEXT, Column, Section

KIND_LABELS = {
    "connector": _l("Kết nối nền tảng"),
    "file": _l("File xuất"),
    "api": _l("API"),
    "demo": _l("Dữ liệu mẫu"),
    "form": _l("Báo cáo tháng"),
}


def source_text(row: SourceRow) -> str:
    if row.form_months:
        return _("Báo cáo tháng (%(n)s tháng)") % {"n": format_number_vi(row.form_months)}
    if not row.kinds:
        return _("Chưa có số liệu trong kỳ")
    return ", ".join(str(KIND_LABELS.get(k, k)) for k in row.kinds)


def state_text(row: SourceRow) -> str:
    if row.stale is None:
        return ""
    if row.refreshed is None:
        return _("Chưa cập nhật")
    return _("Cũ") if row.stale else _("Mới")


def paragraphs(data: ReportData) -> list[str]:
    s = data.sources
    if s is None:
        return []
    channels = [r for r in s.rows if r.stale is not None]
    out = [
        _(
            "Số liệu của mỗi kênh đến từ kết nối với nền tảng (tự động hằng ngày), file xuất "
            "hoặc API do đơn vị tải lên, hoặc báo cáo tháng của đơn vị. Kênh có số liệu cập "
            "nhật cách đây quá %(days)s ngày được đánh dấu “Cũ”."
        )
        % {"days": s.stale_after_days},
        _("Kết nối nền tảng: %(connected)s/%(total)s kênh; số liệu cũ: %(stale)s kênh.")
        % {
            "connected": format_number_vi(sum("connector" in r.kinds for r in channels)),
            "total": format_number_vi(len(channels)),
            "stale": format_number_vi(sum(bool(r.stale) for r in channels)),
        },
    ]
    return out


def footnote(data: ReportData) -> str:
    s = data.sources
    notes = [
        _(
            "Người theo dõi: số lần đầu và lần cuối nền tảng cung cấp trong kỳ (chỉ có với kênh "
            "đã kết nối)."
        )
    ]
    if s is not None:
        listed = sum(r.stale is not None for r in s.rows)
        if s.total_channels > listed:
            notes.append(
                _("Bảng liệt kê %(listed)s trong %(total)s kênh (theo đơn vị và nền tảng).")
                % {
                    "listed": format_number_vi(listed),
                    "total": format_number_vi(s.total_channels),
                }
            )
    return " ".join(notes)


SECTION = Section(
    key="sources",
    title=_l("Nguồn số liệu và người theo dõi"),
    sheet="Nguồn số liệu",
    table_title=_l("Nguồn và thời điểm cập nhật số liệu của từng kênh"),
    columns=(
        Column("channel", _l("Đơn vị, kênh"), TEXT, lambda r: r.label, xlsx_chars=48),
        Column("source", _l("Nguồn số liệu"), TEXT, source_text, docx_cm=2.8, xlsx_chars=26),
        Column("refreshed", _l("Cập nhật lần cuối"), DATE, lambda r: r.refreshed, docx_cm=2.3),
        Column("state", _l("Tình trạng"), TEXT, state_text, docx_cm=2.0),
        Column(
            "followers_start",
            _l("Người theo dõi đầu kỳ"),
            COUNT,
            lambda r: r.followers_start,
            docx_cm=2.2,
            xlsx_chars=16,
        ),
        Column(
            "followers_end",
            _l("Người theo dõi cuối kỳ"),
            COUNT,
            lambda r: r.followers_end,
            docx_cm=2.2,
            xlsx_chars=16,
        ),
    ),
    rows=lambda data: data.sources.rows if data.sources else (),
    paragraphs=paragraphs,
    footnote=footnote,
    shown=lambda data: data.sources is not None,
    empty=_l("Đơn vị chưa có kênh chính thức đã xác minh."),
)
