"""Plain words for what went wrong, shown on the connection's page and in e-mails."""

from __future__ import annotations

from django.utils.translation import gettext as _


def plain(code: str) -> str:
    words = {
        "token_expired": _("Mã truy cập đã hết hạn và không làm mới được."),
        "reconnect_needed": _(
            "Quyền truy cập đã hết hạn hoặc bị thu hồi: biên tập viên của đơn vị cần kết nối lại."
        ),
        "rate_limited": _(
            "Nền tảng yêu cầu chờ (giới hạn số lần gọi); sẽ thử lại lần đồng bộ sau."
        ),
        "quota_exhausted": _(
            "Đã dùng hết hạn mức gọi trong ngày của nền tảng; sẽ tiếp tục ngày mai."
        ),
        "metric_refused": _(
            "Nền tảng không còn cung cấp một chỉ số; các số liệu khác vẫn được lấy."
        ),
        "partial": _("Chỉ lấy được một phần bài đăng; phần còn lại sẽ được lấy lần sau."),
        "account_mismatch": _("Tài khoản trên nền tảng không phải kênh đã đăng ký."),
        "timeout": _("Nền tảng không trả lời kịp."),
        "network": _("Không kết nối được tới nền tảng."),
        "token_unreadable": _(
            "Không giải mã được mã truy cập (khóa mã hóa đã thay đổi): cần kết nối lại."
        ),
        "not_configured": _("Nền tảng này chưa được cấu hình trên hệ thống."),
    }
    return words.get(code, _("Nền tảng báo lỗi; sẽ thử lại lần đồng bộ sau."))
