"""Ghi chú: how to read the figures."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from reports.formatting import format_number_vi
from reports.model import ReportData
from reports.sections.base import Section


def paragraphs(data: ReportData) -> list[str]:
    return [
        _(
            "Lượt tiếp cận là tổng lượt tiếp cận của từng bài viết cộng lại, không phải số người "
            "được tiếp cận: một người có thể được tính ở nhiều bài."
        ),
        _("Mỗi bài viết được tính vào kỳ có ngày đăng bài, theo số liệu cập nhật gần nhất."),
        _(
            "Bài viết trên nền tảng không cung cấp số liệu tiếp cận (ví dụ YouTube, TikTok) được "
            "đếm vào số bài viết nhưng không tính vào lượt tiếp cận (%(n)s bài)."
        )
        % {"n": format_number_vi(data.headline.totals.posts_without_reach)},
        _(
            "Báo cáo tháng (không có file xuất) được tính theo tháng báo cáo; khi cùng tháng và "
            "nền tảng đã có file nhập, số liệu từ file được dùng."
        ),
    ]


SECTION = Section(key="notes", title=_l("Ghi chú"), sheet="Ghi chú", paragraphs=paragraphs)
