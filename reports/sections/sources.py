"""Nguồn số liệu: where each unit's figures came from (a platform connection, an uploaded
export, the JSON API, a monthly form), when they were last refreshed, which channels' data
is stale (older than two days), and each channel's followers at the period's start and end.

Two definitions, one shown: a unit without children lists its channels (``SECTION``); a
unit with children (a province, the country) gets one row per direct child and one for its
own channels (``SECTION_BY_UNIT``), each linking to that unit's channel list
(``reports:channels``, one channel a row). Their rows are channels and units, not figures
that add up to the headline: neither has a total row."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from reports.formatting import format_number_vi
from reports.model import ReportData, SourceRow, SourceUnitRow
from reports.sections.base import COUNT, DATE, TEXT, Column, Section
from reports.sections.columns import unit_url

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
    if s.units:
        connected = sum(u.connected for u in s.units)
        total = sum(u.channels for u in s.units)
        stale = sum(u.stale for u in s.units)
    else:
        connected = sum("connector" in r.kinds for r in channels)
        total = len(channels)
        stale = sum(bool(r.stale) for r in channels)
    out = [
        _(
            "Số liệu của mỗi kênh đến từ kết nối với nền tảng (tự động hằng ngày), file xuất "
            "hoặc API do đơn vị tải lên, hoặc báo cáo tháng của đơn vị. Kênh có số liệu cập "
            "nhật cách đây quá %(days)s ngày được đánh dấu “Cũ”."
        )
        % {"days": s.stale_after_days},
        _("Kết nối nền tảng: %(connected)s/%(total)s kênh; số liệu cũ: %(stale)s kênh.")
        % {
            "connected": format_number_vi(connected),
            "total": format_number_vi(total),
            "stale": format_number_vi(stale),
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
    shown=lambda data: data.sources is not None and not data.sources.units,
    empty=_l("Đơn vị chưa có kênh chính thức đã xác minh."),
)


def _unit_name(row: SourceUnitRow) -> str:
    return str(_("Kênh của chính đơn vị")) if row.own else row.name


def _channels_href(row: SourceUnitRow) -> str | None:
    if not row.code:
        return None
    return unit_url("reports:channels", row.code) + ("?own=1" if row.own else "")


def _unit_footnote(data: ReportData) -> str:
    return _(
        "Mỗi dòng là một đơn vị trực thuộc (cả các đơn vị cấp dưới của nó) hoặc các kênh đăng "
        "ký trực tiếp cho đơn vị; nguồn, thời điểm cập nhật và người theo dõi của từng kênh "
        "xem ở danh sách kênh của đơn vị đó (bấm vào tên đơn vị)."
    )


SECTION_BY_UNIT = Section(
    key="sources",
    title=SECTION.title,
    sheet=SECTION.sheet,
    table_title=_l("Nguồn và thời điểm cập nhật số liệu theo đơn vị trực thuộc"),
    columns=(
        Column("unit", _l("Đơn vị"), TEXT, _unit_name, xlsx_chars=40, href=_channels_href),
        Column(
            "channels",
            _l("Số kênh"),
            COUNT,
            lambda r: r.channels,
            docx_cm=1.8,
            href=_channels_href,
        ),
        Column("connected", _l("Kết nối nền tảng"), COUNT, lambda r: r.connected, docx_cm=2.2),
        Column("stale", _l("Số kênh có số liệu cũ"), COUNT, lambda r: r.stale, docx_cm=2.2),
        Column("refreshed", _l("Cập nhật lần cuối"), DATE, lambda r: r.refreshed, docx_cm=2.3),
        Column(
            "form_months",
            _l("Báo cáo tháng (số tháng)"),
            COUNT,
            lambda r: r.form_months,
            docx_cm=2.2,
            xlsx_chars=16,
        ),
    ),
    rows=lambda data: data.sources.units if data.sources else (),
    paragraphs=paragraphs,
    footnote=_unit_footnote,
    shown=lambda data: data.sources is not None and bool(data.sources.units),
    empty=_l("Đơn vị chưa có kênh chính thức đã xác minh."),
)
