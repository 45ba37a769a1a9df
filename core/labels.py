"""Names for people of the codes the code keeps: audit actions and the keys of audit records.

A code (``ledger.form_approve``, ``page_id``) is stable and never translated; what a page, a
CSV or a document shows is its label here, in the reader's language. Platform and import
format codes have their labels beside their definitions (``registry.models.Channel.Platform``,
``ledger.models.FORMAT_LABELS``); :func:`platform_label` and :func:`format_label` reach them
from one place. ``core/tests/test_labels.py`` finds every action passed to ``audit()`` and
every key of an audit record in the code, and fails when one has no label here.
"""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ACTION_LABELS: dict[str, Promise] = {
    # Accounts and tokens
    "user.create": _("Tạo người dùng"),
    "user.invite": _("Gửi lời mời"),
    "api_token.create": _("Tạo khóa API"),
    "api_token.revoke": _("Thu hồi khóa API"),
    # Units
    "unit.create": _("Tạo đơn vị"),
    "unit.rename": _("Đổi tên đơn vị"),
    "unit.set_authority_name": _("Đặt tên cơ quan của đơn vị"),
    "unit.load_official": _("Nạp danh mục đơn vị hành chính"),
    "unit.load_csv": _("Nạp đơn vị từ tệp CSV"),
    # Registry
    "channel.register": _("Đăng ký kênh"),
    "channel.reregister": _("Đăng ký lại kênh"),
    "channel.verify": _("Xác minh kênh"),
    "channel.retire": _("Ngừng sử dụng kênh"),
    "channel.set_external_id": _("Gắn mã trang cho kênh"),
    "channel.acknowledge_lookalike": _("Ghi nhận kênh có tên giống kênh khác"),
    # Ledger
    "ledger.import": _("Nhập số liệu"),
    "ledger.import_queued": _("Xếp hàng tệp nhập"),
    "ledger.import_requeued": _("Xếp hàng lại tệp nhập"),
    "ledger.import_interrupted": _("Tệp nhập bị gián đoạn"),
    "ledger.import_timed_out": _("Tệp nhập quá thời gian"),
    "ledger.confirm_request": _("Đề nghị xác nhận mã trang"),
    "ledger.confirm_decline": _("Từ chối xác nhận mã trang"),
    "ledger.form_save": _("Lưu biểu mẫu tháng"),
    "ledger.form_submit": _("Gửi biểu mẫu tháng"),
    "ledger.form_return": _("Trả lại biểu mẫu tháng"),
    "ledger.form_approve": _("Duyệt biểu mẫu tháng"),
    "ledger.form_lock": _("Khóa biểu mẫu tháng"),
    "ledger.form_unlock": _("Mở khóa biểu mẫu tháng"),
    # Reports
    "report.deadline": _("Đặt hạn nộp số liệu"),
    "report.narrative": _("Sửa phần lời của báo cáo"),
    # Hub
    "hub.item.create": _("Tạo nội dung"),
    "hub.item.update": _("Sửa nội dung"),
    "hub.item.approve": _("Duyệt nội dung"),
    "hub.item.reopen": _("Mở lại nội dung"),
    "hub.attachment.add": _("Thêm tệp đính kèm"),
    "hub.attachment.remove": _("Xóa tệp đính kèm"),
    "hub.republication.record": _("Ghi nhận đăng lại"),
    "hub.link_posts": _("Liên kết bài đăng với nội dung"),
    # Fact-checks
    "factcheck.create": _("Tạo bài kiểm chứng"),
    "factcheck.update": _("Sửa bài kiểm chứng"),
    "factcheck.submit": _("Gửi duyệt bài kiểm chứng"),
    "factcheck.return": _("Trả lại bài kiểm chứng"),
    "factcheck.publish": _("Công bố bài kiểm chứng"),
    "factcheck.correct": _("Đính chính bài kiểm chứng"),
    "factcheck.correction_propose": _("Đề xuất đính chính"),
    "factcheck.withdraw": _("Rút bài kiểm chứng"),
    "factcheck_policy.update": _("Sửa quy trình kiểm chứng"),
    "factcheck_suggestion.create": _("Nhận đề nghị kiểm chứng"),
    "factcheck_suggestion.close": _("Đóng đề nghị kiểm chứng"),
    # Connectors
    "connectors.connect": _("Kết nối nền tảng"),
    "connectors.disconnect": _("Ngắt kết nối nền tảng"),
    "connectors.reconnect_needed": _("Kết nối cần làm lại"),
    "connectors.token_refresh": _("Làm mới quyền truy cập nền tảng"),
    # Security
    "security.2fa_enable": _("Bật xác thực hai bước"),
    "security.2fa_disable": _("Tắt xác thực hai bước"),
    "security.recovery_codes": _("Tạo mã khôi phục"),
    "security.recovery_code_used": _("Dùng mã khôi phục"),
    "security.lockout": _("Khóa đăng nhập"),
    "security.unlock": _("Mở khóa đăng nhập"),
}

FIELD_LABELS: dict[str, Promise] = {
    "accepted": _("dòng nhận"),
    "access_expires_at": _("quyền truy cập hết hạn"),
    "accessed_on": _("ngày truy cập"),
    "account_id": _("mã tài khoản"),
    "addresses": _("địa chỉ IP"),
    "articles": _("bài viết"),
    "attempts": _("số lần thử"),
    "audience": _("đối tượng nhận"),
    "audience_units": _("đơn vị nhận"),
    "author": _("người viết"),
    "authority_name": _("tên cơ quan"),
    "body": _("nội dung"),
    "body_length": _("độ dài nội dung"),
    "channel": _("kênh"),
    "claim_short": _("nhận định (ngắn)"),
    "claim_text": _("nhận định"),
    "cleared": _("đã xóa"),
    "code": _("mã"),
    "communes": _("xã, phường"),
    "count": _("số lượng"),
    "created": _("tạo mới"),
    "day": _("ngày"),
    "directions": _("phương hướng"),
    "display_name": _("tên hiển thị"),
    "email": _("thư điện tử"),
    "explanation": _("giải thích"),
    "external_id": _("mã trang"),
    "failures": _("số lần sai"),
    "file": _("tệp"),
    "filename": _("tên tệp"),
    "first_seen": _("thấy lần đầu"),
    "format": _("định dạng"),
    "governing_body": _("cơ quan chủ quản"),
    "identifier": _("định danh"),
    "ip": _("địa chỉ IP"),
    "issuing_unit": _("đơn vị ban hành"),
    "item": _("nội dung"),
    "kind": _("loại"),
    "limitations": _("hạn chế"),
    "linked": _("đã liên kết"),
    "livestreams": _("phát trực tiếp"),
    "method": _("cách thức"),
    "month": _("tháng"),
    "name": _("tên"),
    "note": _("ghi chú"),
    "number": _("số văn bản"),
    "others": _("khác"),
    "page_id": _("mã trang"),
    "page_name": _("tên trang"),
    "photos": _("ảnh"),
    "platform": _("nền tảng"),
    "platforms": _("nền tảng"),
    "post": _("bài đăng"),
    "provinces": _("tỉnh, thành phố"),
    "provinces_created": _("tỉnh, thành phố tạo mới"),
    "publish_end": _("ngừng hiển thị"),
    "publish_start": _("bắt đầu hiển thị"),
    "reach": _("lượt tiếp cận"),
    "reason": _("lý do"),
    "recipients": _("nơi nhận"),
    "recommendations": _("kiến nghị"),
    "recorded": _("đã ghi nhận"),
    "refresh_expires_at": _("hạn làm mới quyền"),
    "rejected": _("dòng bị từ chối"),
    "remaining": _("còn lại"),
    "revoked_at_platform": _("đã thu hồi trên nền tảng"),
    "role": _("vai trò"),
    "rows_read": _("dòng đã đọc"),
    "scopes": _("phạm vi quyền"),
    "seconds": _("số giây"),
    "sha256": _("mã băm SHA-256"),
    "signer_authority": _("thẩm quyền ký"),
    "signer_name": _("người ký"),
    "signer_title": _("chức vụ người ký"),
    "similar": _("kênh tên giống"),
    "size": _("kích thước"),
    "sources": _("nguồn"),
    "status": _("trạng thái"),
    "step": _("bước"),
    "summary": _("tóm tắt"),
    "tags": _("thẻ"),
    "title": _("tiêu đề"),
    "topics": _("chủ đề"),
    "unchanged": _("không đổi"),
    "unit": _("đơn vị"),
    "updated": _("cập nhật"),
    "url": _("địa chỉ"),
    "user": _("người dùng"),
    "username": _("tên đăng nhập"),
    "verdict": _("kết luận"),
    "videos": _("video"),
    "what_changed": _("nội dung thay đổi"),
}


def action_label(code: str) -> str:
    """The action for people; an unknown code (an old record) shows as itself."""
    label = ACTION_LABELS.get(code)
    return str(label) if label is not None else code


def field_label(key: str) -> str:
    label = FIELD_LABELS.get(key)
    return str(label) if label is not None else key


def labelled_values(values: dict[str, Any] | None, object_type: str = "") -> list[tuple[str, Any]]:
    """An audit record's ``before``/``after`` as (label, value) pairs, in a stable order;
    a value that is a code of a choice of the object's model (a status, a kind, a verdict)
    or a platform or format code is shown by its label."""
    if not values:
        return []
    model = _model(object_type)
    return [(field_label(k), value_label(k, values[k], model)) for k in sorted(values)]


def value_label(key: str, value: Any, model: Any = None) -> Any:
    if isinstance(value, list):
        return [value_label(key, v, model) for v in value]
    if not isinstance(value, str) or not value:
        return value
    if key in ("platform", "platforms"):
        return platform_label(value)
    if key == "format":
        return format_label(value)
    if model is not None:
        try:
            field = model._meta.get_field(key)
        except Exception:  # noqa: BLE001  (FieldDoesNotExist: a key that is no field)
            return value
        choices = dict(getattr(field, "flatchoices", None) or [])
        if value in choices:
            return str(choices[value])
    return value


def object_type_label(object_type: str) -> str:
    """``registry.channel`` as people say it: the model's verbose name."""
    model = _model(object_type)
    return str(model._meta.verbose_name) if model is not None else object_type


def _model(object_type: str) -> Any:
    from django.apps import apps

    if not object_type or "." not in object_type:
        return None
    try:
        return apps.get_model(object_type)
    except LookupError:
        return None


def platform_label(code: str) -> str:
    from registry.models import Channel

    try:
        return str(Channel.Platform(code).label)
    except ValueError:
        return code


def format_label(code: str) -> str:
    from ledger.models import FORMAT_LABELS

    return str(FORMAT_LABELS.get(code, code))
