"""Demo fact-checks on everyday public-service topics, written through the services.

A second editor (``kiemchung``) drafts; the demo editor ``bientap`` reviews and publishes,
so the two-person rule holds in the demo too. One fact-check carries a correction and one
is withdrawn. Running the step twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from factchecks import services
from factchecks.models import FactCheck, PendingCorrection, Verdict
from factchecks.services import SourceIn

SECOND_EDITOR = ("kiemchung", "Bantin-kiemchung-2026")

CHECKS: list[dict[str, Any]] = [
    {
        "claim_short": "Điện lực hoàn tiền điện tháng 6 qua đường link nhận thưởng",
        "claim_text": (
            "Tin nhắn lan truyền nói ngành điện đang hoàn tiền điện tháng 6 cho mọi hộ dân; "
            "người nhận chỉ cần bấm đường dẫn kèm theo và nhập số tài khoản ngân hàng."
        ),
        "platforms": ["facebook", "zalo"],
        "verdict": Verdict.FALSE,
        "topics": ["Điện", "Lừa đảo trực tuyến"],
        "explanation": (
            "Ngành điện **không** có chương trình hoàn tiền điện qua đường dẫn hay tin nhắn.\n\n"
            "- Mọi khoản giảm giá điện được trừ thẳng vào hóa đơn, không chuyển khoản.\n"
            "- Ngành điện không bao giờ đề nghị khách hàng nhập số tài khoản hay mã OTP.\n\n"
            "Nếu đã nhập thông tin, hãy gọi ngay cho ngân hàng để khóa tài khoản."
        ),
        "sources": [
            (
                "Cảnh báo giả mạo nhân viên điện lực",
                "Tổng công ty Điện lực miền Bắc",
                "https://npc.com.vn/",
                6,
            ),
        ],
        "days_ago": 40,
    },
    {
        "claim_short": "Phí cấp bản sao sổ đỏ tăng lên 500.000 đồng mỗi bản",
        "claim_text": (
            "Bài viết chia sẻ rằng từ tháng này phí cấp bản sao giấy chứng nhận quyền sử dụng "
            "đất tại bộ phận một cửa đã tăng lên 500.000 đồng mỗi bản."
        ),
        "platforms": ["facebook", "word_of_mouth"],
        "verdict": Verdict.MOSTLY_FALSE,
        "topics": ["Đất đai", "Phí, lệ phí"],
        "explanation": (
            "Mức thu phí cung cấp thông tin đất đai do Hội đồng nhân dân tỉnh quyết định và "
            "được niêm yết tại bộ phận một cửa. Mức hiện hành thấp hơn nhiều so với con số "
            "đang lan truyền; phí có thay đổi theo nghị quyết mới, nhưng **không** phải "
            "500.000 đồng mỗi bản.\n\nHãy xem bảng phí niêm yết hoặc hỏi trực tiếp bộ phận một cửa."
        ),
        "sources": [
            (
                "Nghị quyết về phí, lệ phí trên địa bàn tỉnh",
                "Hội đồng nhân dân tỉnh",
                "https://quangninh.gov.vn/",
                3,
            ),
        ],
        "days_ago": 25,
        "correction": {
            "what_changed": "Bổ sung: mức phí có điều chỉnh theo nghị quyết mới; kết luận đổi từ Sai thành Phần lớn sai.",
            "reason": "Bạn đọc gửi nghị quyết mới, chúng tôi đã đối chiếu lại.",
        },
    },
    {
        "claim_short": "Thông báo tuyển sinh lớp 1 yêu cầu nộp lệ phí giữ chỗ",
        "claim_text": (
            "Một hình ảnh thông báo mang tên phòng giáo dục nói phụ huynh phải nộp lệ phí giữ "
            "chỗ để con được nhận vào lớp 1 năm học mới."
        ),
        "platforms": ["zalo", "tiktok"],
        "verdict": Verdict.FALSE,
        "topics": ["Giáo dục", "Tuyển sinh"],
        "explanation": (
            "Hình ảnh đã bị chỉnh sửa từ thông báo tuyển sinh thật: thông báo gốc **không** có "
            "khoản lệ phí giữ chỗ nào. Tuyển sinh lớp 1 trường công lập không thu phí.\n\n"
            "Thông báo chính thức đăng trên trang của Sở Giáo dục và Đào tạo."
        ),
        "sources": [
            (
                "Kế hoạch tuyển sinh năm học mới",
                "Sở Giáo dục và Đào tạo",
                "https://quangninh.edu.vn/",
                2,
            ),
        ],
        "days_ago": 12,
    },
    {
        "claim_short": "Làm căn cước cho trẻ em được miễn lệ phí lần đầu",
        "claim_text": "Nhiều người chia sẻ rằng trẻ em làm thẻ căn cước lần đầu không mất lệ phí.",
        "platforms": ["facebook"],
        "verdict": Verdict.TRUE,
        "topics": ["Căn cước"],
        "explanation": "Đúng: cấp thẻ căn cước lần đầu được miễn lệ phí theo quy định hiện hành.",
        "sources": [
            ("Thông tư quy định lệ phí cấp căn cước", "Bộ Tài chính", "https://mof.gov.vn/", 5),
        ],
        "days_ago": 60,
        "withdraw": (
            "Quy định về lệ phí đã thay đổi sau khi đăng; chúng tôi sẽ đăng bài mới "
            "khi có văn bản hướng dẫn."
        ),
    },
    {
        "claim_short": "Nước máy khu vực trung tâm bị nhiễm khuẩn, không được dùng",
        "claim_text": "Tin đồn nói nước máy khu trung tâm nhiễm khuẩn, người dân không được dùng.",
        "platforms": ["word_of_mouth", "facebook"],
        "verdict": Verdict.UNPROVEN,
        "topics": ["Nước sạch"],
        "explanation": (
            "Chưa có kết quả xét nghiệm nào cho thấy nước máy nhiễm khuẩn. Đơn vị cấp nước "
            "đang lấy mẫu bổ sung; chúng tôi sẽ cập nhật khi có kết quả."
        ),
        "sources": [("Thông tin chất lượng nước", "Công ty cấp nước", "https://example.org/", 1)],
        "days_ago": 5,
    },
]


def step_factchecks(ctx: Any) -> None:
    from accounts.services import user_create
    from core.demo import _operator

    province = ctx.data["province"]
    User = get_user_model()
    publisher = User.objects.filter(username="bientap").first() or _operator()
    username, password = SECOND_EDITOR
    author = User.objects.filter(username=username).first()
    if author is None:
        author = user_create(username=username, unit=province, role="editor", password=password)
    ctx.summary.setdefault("users", []).append(
        f"{username} / {password} (editor, {province.name}, fact-check author)"
    )
    today = timezone.localdate()
    made = 0
    for spec in CHECKS:
        if FactCheck.objects.filter(claim_short=spec["claim_short"]).exists():
            continue
        first_seen = today - dt.timedelta(days=spec["days_ago"] + ctx.rng.randint(1, 4))
        sources = [
            SourceIn(
                title=title,
                publisher=pub,
                url=url,
                accessed_on=today - dt.timedelta(days=spec["days_ago"] - age),
            )
            for title, pub, url, age in spec["sources"]
        ]
        verdict = spec["verdict"]
        if "correction" in spec:
            verdict = Verdict.FALSE  # first published as False, then corrected
        fc = services.factcheck_create(
            acting_user=author,
            unit=province,
            claim_short=spec["claim_short"],
            claim_text=spec["claim_text"],
            first_seen=first_seen,
            platforms=spec["platforms"],
            verdict=verdict,
            explanation=spec["explanation"],
            sources=sources,
            topics=spec["topics"],
        )
        services.factcheck_submit(acting_user=author, factcheck=fc)
        services.factcheck_publish(acting_user=publisher, factcheck=fc)
        if "correction" in spec:
            # The verdict changes, so the correction waits for a second editor (the author).
            proposed = services.factcheck_correct(
                acting_user=publisher,
                factcheck=fc,
                verdict=spec["verdict"],
                **spec["correction"],
            )
            if isinstance(proposed, PendingCorrection):
                services.correction_approve(acting_user=author, pending=proposed)
        if "withdraw" in spec:
            services.factcheck_withdraw(
                acting_user=publisher, factcheck=fc, reason=spec["withdraw"]
            )
        made += 1
    ctx.summary["factchecks"] = FactCheck.objects.filter(
        status__in=FactCheck.PUBLIC_STATUSES
    ).count()
    ctx.summary["factchecks_created"] = made


# A fact-check left waiting for a second editor, so the demo editor ``bientap`` has one on
# the home page ("what needs me now"); ``kiemchung`` wrote it and may not publish it.
IN_REVIEW: dict[str, Any] = {
    "claim_short": "UBND tỉnh nhắn tin mời nhận hỗ trợ 5 triệu đồng qua đường link",
    "claim_text": (
        "Tin nhắn lan truyền nói UBND tỉnh đang hỗ trợ mỗi hộ 5 triệu đồng; người nhận chỉ "
        "cần bấm đường dẫn và khai số căn cước, số tài khoản ngân hàng."
    ),
    "platforms": ["zalo"],
    "verdict": Verdict.FALSE,
    "topics": ["Lừa đảo trực tuyến"],
    "explanation": (
        "UBND tỉnh **không** gửi tin nhắn mời nhận hỗ trợ qua đường dẫn. Các khoản hỗ trợ "
        "được niêm yết tại UBND cấp xã và chi trả theo danh sách đã công khai."
    ),
    "source": ("Cảnh báo lừa đảo qua tin nhắn", "Công an tỉnh", "https://congan.quangninh.gov.vn/"),
}


def step_factcheck_in_review(ctx: Any) -> None:
    """One fact-check drafted and sent for review by ``kiemchung``, left for ``bientap``."""
    province = ctx.data.get("province")
    author = get_user_model().objects.filter(username=SECOND_EDITOR[0]).first()
    if province is None or author is None:
        return
    if FactCheck.objects.filter(claim_short=IN_REVIEW["claim_short"]).exists():
        return
    today = timezone.localdate()
    title, publisher, url = IN_REVIEW["source"]
    fc = services.factcheck_create(
        acting_user=author,
        unit=province,
        claim_short=IN_REVIEW["claim_short"],
        claim_text=IN_REVIEW["claim_text"],
        first_seen=today - dt.timedelta(days=2),
        platforms=IN_REVIEW["platforms"],
        verdict=IN_REVIEW["verdict"],
        explanation=IN_REVIEW["explanation"],
        sources=[SourceIn(title=title, publisher=publisher, url=url, accessed_on=today)],
        topics=IN_REVIEW["topics"],
    )
    services.factcheck_submit(acting_user=author, factcheck=fc)
    ctx.summary["factchecks_in_review"] = 1
