"""Default text of the methodology and corrections-policy pages.

Written for a public-information office, following the practices of the IFCN Code of
Principles: sources shown, methods explained, corrections open, non-partisan, and the
funding and organisation stated. Administrators replace them through ``policy_update``.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from factchecks.models import PolicyPage

DEFAULT_METHODOLOGY = _(
    """## Chúng tôi kiểm chứng điều gì

Chúng tôi kiểm chứng **thông tin** đang lan truyền về dịch vụ công, thủ tục hành chính, phí, lệ phí và chính sách của địa phương, khi thông tin đó có thể gây thiệt hại cho người dân (mất tiền, lỡ thời hạn, làm sai thủ tục). Chúng tôi không kiểm chứng ý kiến cá nhân và không nhắm vào người chia sẻ: bài kiểm chứng không ghi tên, tài khoản hay đường dẫn bài đăng của bất kỳ ai.

## Cách chúng tôi làm

1. Ghi lại nội dung thông tin (diễn đạt lại), ngày phát hiện và nơi lan truyền (chỉ ghi loại nền tảng: Facebook, TikTok, YouTube, Zalo, trang web, truyền miệng).
2. Tìm nguồn gốc: văn bản quy phạm pháp luật, thông báo chính thức, dữ liệu công khai, xác nhận của cơ quan có thẩm quyền.
3. Đối chiếu từng ý của thông tin với nguồn; ghi rõ điều gì đúng, điều gì sai, điều gì chưa có căn cứ.
4. Kết luận theo thang cố định (bên dưới) và giải thích bằng lời dễ hiểu.
5. Một biên tập viên **khác** người viết đọc lại, kiểm tra nguồn và mới được đăng.

## Thang kết luận

- **Sai**: thông tin không đúng với nguồn chính thức.
- **Phần lớn sai**: có chi tiết đúng nhưng ý chính sai.
- **Đúng một phần**: đúng một phần, thiếu hoặc sai một phần quan trọng.
- **Phần lớn đúng**: ý chính đúng, có chi tiết cần làm rõ.
- **Đúng**: thông tin đúng với nguồn chính thức.
- **Gây hiểu lầm**: các chi tiết có thể đúng nhưng cách trình bày dẫn người đọc tới kết luận sai.
- **Chưa đủ căn cứ**: chưa có nguồn đáng tin để khẳng định đúng hay sai.

## Nguồn

Mọi bài kiểm chứng đều liệt kê nguồn: tiêu đề, cơ quan công bố, đường dẫn, ngày truy cập và bản lưu trữ khi có, để bất kỳ ai cũng tự kiểm tra lại được.

## Tổ chức và trách nhiệm

Các bài kiểm chứng do bộ phận thông tin của cơ quan, đơn vị đứng tên công bố, bằng ngân sách nhà nước, không vì mục đích đảng phái hay thương mại. Bạn có thể đề nghị kiểm chứng một thông tin qua trang “Đề nghị kiểm chứng”."""
)

DEFAULT_CORRECTIONS = _(
    """## Khi chúng tôi sai, chúng tôi nói rõ

Bài kiểm chứng đã đăng không bao giờ bị sửa âm thầm hay xóa đi.

- **Đính chính**: khi có sai sót hoặc thông tin mới, chúng tôi sửa bài và ghi một dòng đính chính ngay trên trang: ngày đính chính, điều gì thay đổi và vì sao. Nhật ký đính chính luôn hiển thị.
- **Rút bài**: khi bài không còn đứng vững, chúng tôi rút bài kèm thông báo rõ ràng trên trang và lý do. Nội dung cũ vẫn đọc được để mọi người đối chiếu.
- **Đề nghị đính chính**: nếu bạn thấy bài có sai sót, hãy gửi qua trang “Đề nghị kiểm chứng”, nêu bài nào và điểm nào cần xem lại. Chúng tôi xem xét mọi đề nghị và trả lời khi bạn để lại cách liên hệ.
- Mọi bước (soạn, duyệt, đăng, đính chính, rút bài) đều được ghi nhật ký."""
)

DEFAULTS: dict[str, Any] = {
    PolicyPage.Kind.METHODOLOGY: DEFAULT_METHODOLOGY,
    PolicyPage.Kind.CORRECTIONS: DEFAULT_CORRECTIONS,
}
