"""Người theo dõi theo tháng: followers by month (by reporting month under Decree 09), from
the connected channels' daily follower counts (data: ``reports/followers.py``).

Two definitions, one shown, like the sources section: a unit without children lists its
channels' last known count in each month, one row per channel and month (the ten with most
followers; the footnote says how many more); a unit with children gets its subtree's total
by month. Both are hidden when no channel has any follower count. Followers are not sums of
posts: no total row, no drill-down link."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from reports.formatting import format_number_vi
from reports.model import FollowerMonth, ReportData
from reports.sections.base import COUNT, DATE, TEXT, Column, Section
from reports.sections.monthly import month_label, reporting_months_note


def month_text(month: FollowerMonth) -> str:
    return month_label(month.label, month.start, month.end)


def _months_note(data: ReportData) -> list[str]:
    note = reporting_months_note(data)
    return [note] if note else []


def _channel_footnote(data: ReportData) -> str:
    f = data.followers
    notes = [
        _(
            "Người theo dõi của mỗi tháng: số cuối cùng nền tảng cung cấp đến hết tháng (chỉ có "
            "với kênh đã kết nối). Tháng không có số thì giữ số gần nhất trước đó (cột “Ngày "
            "có số liệu” cho biết số lấy ngày nào); trước lần đầu nền tảng cung cấp thì không "
            "có số và tháng đó không được liệt kê."
        ),
        *_months_note(data),
    ]
    if f is not None and f.more_channels:
        notes.append(
            _(
                "Bảng và biểu đồ nêu %(shown)s kênh có nhiều người theo dõi nhất vào tháng "
                "cuối; %(more)s kênh khác (tổng cộng %(followers)s người theo dõi vào tháng "
                "cuối) không được nêu."
            )
            % {
                "shown": format_number_vi(len(f.channels)),
                "more": format_number_vi(f.more_channels),
                "followers": format_number_vi(f.more_followers),
            }
        )
    return " ".join(notes)


def _total_footnote(data: ReportData) -> str:
    notes = [
        _(
            "Tổng số người theo dõi các kênh đã xác minh của đơn vị và các đơn vị trực thuộc: "
            "mỗi kênh tính số cuối cùng nền tảng cung cấp đến hết tháng (chỉ có với kênh đã "
            "kết nối). Kênh không có số trong tháng được tính bằng số gần nhất trước đó; kênh "
            "chưa có số nào (trước lần đầu nền tảng cung cấp) không được tính. Một người theo "
            "dõi nhiều kênh được tính nhiều lần."
        ),
        *_months_note(data),
    ]
    return " ".join(notes)


def _shown(data: ReportData, by_channel: bool) -> bool:
    f = data.followers
    return f is not None and f.by_channel == by_channel and f.known


TITLE = _l("Người theo dõi theo tháng")
SHEET = "Người theo dõi"

SECTION = Section(
    key="followers",
    title=TITLE,
    sheet=SHEET,
    table_title=_l("Số người theo dõi từng kênh theo tháng"),
    chart="followers",
    columns=(
        Column("channel", _l("Kênh"), TEXT, lambda r: r.channel, xlsx_chars=40),
        Column(
            "month", _l("Tháng"), TEXT, lambda r: month_text(r.month), docx_cm=5.0, xlsx_chars=24
        ),
        Column(
            "followers",
            _l("Người theo dõi"),
            COUNT,
            lambda r: r.followers,
            docx_cm=2.6,
            xlsx_chars=16,
        ),
        Column("as_of", _l("Ngày có số liệu"), DATE, lambda r: r.as_of, docx_cm=2.6, xlsx_chars=14),
    ),
    rows=lambda data: data.followers.channel_rows if data.followers else (),
    footnote=_channel_footnote,
    shown=lambda data: _shown(data, by_channel=True),
)

SECTION_TOTAL = Section(
    key="followers",
    title=TITLE,
    sheet=SHEET,
    table_title=_l("Tổng số người theo dõi các kênh theo tháng"),
    chart="followers",
    columns=(
        Column("month", _l("Tháng"), TEXT, lambda r: month_text(r.month), xlsx_chars=24),
        Column(
            "followers",
            _l("Tổng số người theo dõi"),
            COUNT,
            lambda r: r.followers,
            docx_cm=4.0,
            xlsx_chars=20,
        ),
        Column(
            "channels",
            _l("Số kênh có số liệu"),
            COUNT,
            lambda r: r.channels,
            docx_cm=3.2,
            xlsx_chars=16,
        ),
    ),
    rows=lambda data: data.followers.total if data.followers else (),
    footnote=_total_footnote,
    shown=lambda data: _shown(data, by_channel=False),
)
