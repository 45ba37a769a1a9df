"""The coverage of an item as an .xlsx workbook (XlsxWriter).

Numbers are written as numbers; text goes through ``core.spreadsheets.SafeWorkbook``, so a
unit or channel name such as ``=HYPERLINK(...)`` stays plain, quote-prefixed text.
"""

from __future__ import annotations

import io
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from core.spreadsheets import SafeWorkbook
from hub.selectors import Coverage

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def coverage_xlsx(cov: Coverage) -> bytes:
    buffer = io.BytesIO()
    wb = SafeWorkbook(buffer, {"remove_timezone": True})
    bold = wb.add_format({"bold": True})
    head = wb.add_format({"bold": True, "bg_color": "#F3F5F7", "border": 1, "text_wrap": True})
    num = wb.add_format({"num_format": "#,##0"})
    when = wb.add_format({"num_format": "dd/mm/yyyy hh:mm"})
    item = cov.item

    ws = wb.add_worksheet(_("Tổng hợp"))
    ws.set_column(0, 0, 42)
    ws.set_column(1, 1, 60)
    ws.write_string(0, 0, item.title, bold)
    info = [
        (_("Đơn vị phát hành"), item.issuing_unit.authority_name),
        (_("Mã rút gọn"), item.code),
        (_("Đăng từ"), item.publish_start.astimezone(TZ).strftime("%d/%m/%Y %H:%M")),
    ]
    row = 2
    for label, value in info:
        ws.write_string(row, 0, str(label))
        ws.write_string(row, 1, value)
        row += 1
    row += 1
    t = cov.totals
    figures = [
        (_("Đơn vị được gửi"), t.addressed),
        (_("Đơn vị đã đăng lại"), t.republished_units),
        (_("Đơn vị chưa đăng lại"), len(cov.missing)),
        (_("Số bài đăng lại"), t.republications),
        (_("Bài đã khớp với sổ tin bài"), t.linked_posts),
        (_("Tổng lượt tiếp cận của các bài (không phải số người)"), t.reach),
        (_("Tổng lượt xem của các bài"), t.views),
    ]
    for figure_label, figure in figures:
        ws.write_string(row, 0, str(figure_label))
        ws.write_number(row, 1, figure, num)
        row += 1

    ws = wb.add_worksheet(_("Đã đăng lại"))
    headers = [
        _("Mã đơn vị"),
        _("Đơn vị"),
        _("Nền tảng"),
        _("Kênh"),
        _("Địa chỉ bài đăng"),
        _("Đăng lúc"),
        _("Lượt tiếp cận"),
        _("Lượt xem"),
    ]
    for col, h in enumerate(headers):
        ws.write_string(0, col, str(h), head)
    ws.set_column(0, 0, 12)
    ws.set_column(1, 1, 32)
    ws.set_column(2, 3, 22)
    ws.set_column(4, 4, 50)
    ws.set_column(5, 5, 17)
    ws.set_column(6, 7, 14)
    for i, r in enumerate(cov.rows, start=1):
        ws.write_string(i, 0, r.unit.code)
        ws.write_string(i, 1, r.unit.name)
        ws.write_string(i, 2, r.channel.get_platform_display())
        ws.write_string(i, 3, r.channel.display_name or r.channel.identifier)
        ws.write_string(i, 4, r.url)
        ws.write_datetime(i, 5, r.published_at.astimezone(TZ).replace(tzinfo=None), when)
        if r.reach is not None:
            ws.write_number(i, 6, r.reach, num)
        if r.views is not None:
            ws.write_number(i, 7, r.views, num)
    ws.freeze_panes(1, 0)

    ws = wb.add_worksheet(_("Theo nền tảng"))
    for col, h in enumerate([_("Nền tảng"), _("Số bài"), _("Lượt tiếp cận"), _("Lượt xem")]):
        ws.write_string(0, col, str(h), head)
    ws.set_column(0, 0, 22)
    ws.set_column(1, 3, 14)
    for i, p in enumerate(cov.by_platform, start=1):
        ws.write_string(i, 0, p["label"])
        ws.write_number(i, 1, p["republications"], num)
        ws.write_number(i, 2, p["reach"], num)
        ws.write_number(i, 3, p["views"], num)

    ws = wb.add_worksheet(_("Chưa đăng lại"))
    for col, h in enumerate([_("Mã đơn vị"), _("Đơn vị")]):
        ws.write_string(0, col, str(h), head)
    ws.set_column(0, 0, 12)
    ws.set_column(1, 1, 40)
    for i, u in enumerate(cov.missing, start=1):
        ws.write_string(i, 0, u.code)
        ws.write_string(i, 1, u.name)
    wb.close()
    return buffer.getvalue()
