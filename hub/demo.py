"""Demo step: the province issues a few items; most communes republish them on their own
channels, with ledger posts (through ``posts_upsert``) carrying reach and views."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

DEMO_ITEMS = [
    (
        "policy",
        "Hướng dẫn nộp hồ sơ trực tuyến trên Cổng Dịch vụ công",
        "Từ tháng này, người dân có thể nộp hồ sơ đăng ký hộ kinh doanh hoàn toàn trực tuyến, "
        "không cần đến bộ phận một cửa.",
        "## Ai được áp dụng\n\nMọi hộ kinh doanh đăng ký mới hoặc thay đổi nội dung.\n\n"
        "## Các bước\n\n1. Đăng nhập Cổng Dịch vụ công bằng tài khoản định danh điện tử.\n"
        "2. Chọn thủ tục **Đăng ký hộ kinh doanh**.\n3. Tải lên giấy tờ và nộp lệ phí "
        "trực tuyến.\n\nKết quả được trả trong 3 ngày làm việc.",
        "chuyển đổi số, dịch vụ công",
        20,
        True,
    ),
    (
        "notice",
        "Thông báo lịch cắt điện bảo trì lưới điện tuần tới",
        "Điện lực thông báo lịch tạm ngừng cấp điện để bảo trì tại một số khu vực; người dân "
        "chủ động sắp xếp sinh hoạt.",
        "Thời gian: **7 giờ đến 11 giờ** các ngày thứ Ba và thứ Năm.\n\n"
        "- Khu vực trung tâm\n- Khu dân cư ven biển\n\nChi tiết liên hệ tổng đài điện lực.",
        "điện, thông báo",
        12,
        False,
    ),
    (
        "event",
        "Ngày hội văn hóa, thể thao các dân tộc năm nay",
        "Ngày hội diễn ra trong ba ngày với các hoạt động văn nghệ, trò chơi dân gian và giải "
        "thể thao phong trào.",
        "Chương trình gồm lễ khai mạc, hội thi ẩm thực, giải kéo co và bóng chuyền. "
        "Mời người dân đến tham dự và cổ vũ.",
        "văn hóa, sự kiện",
        6,
        True,
    ),
    (
        "document",
        "Tóm tắt Nghị quyết về hỗ trợ học phí năm học mới",
        "Học sinh thuộc hộ nghèo, cận nghèo được hỗ trợ học phí theo mức mới; hồ sơ nộp tại "
        "trường trước ngày 30.",
        "Đối tượng, mức hỗ trợ và thủ tục được tóm tắt trong tệp đính kèm.",
        "giáo dục",
        2,
        False,
    ),
]
DRAFT_TITLE = "Bản nháp: khuyến cáo phòng chống sốt xuất huyết mùa mưa"
PLATFORM_ORDER = ("facebook", "zalo", "tiktok", "youtube", "website")


def _demo_image(rng: Any) -> SimpleUploadedFile:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (2000, 1125), (164, 22, 26))
    draw = ImageDraw.Draw(image)
    for i in range(12):
        shade = 40 + rng.randrange(0, 120)
        draw.rectangle((i * 170, 700, i * 170 + 150, 1125), fill=(255, shade, shade))
    draw.rectangle((120, 160, 1880, 560), fill=(255, 255, 255))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return SimpleUploadedFile("anh-minh-hoa.jpg", out.getvalue(), content_type="image/jpeg")


def _permalink(channel: Any, token: str) -> str:
    base = channel.url.rstrip("/")
    if channel.platform == "facebook":
        return f"{base}/posts/{token}"
    if channel.platform == "tiktok":
        return f"{base}/video/{token}"
    if channel.platform == "zalo":
        return f"{base}/article/{token}"
    if channel.platform == "youtube":
        return f"https://www.youtube.com/watch?v=hub{token[-8:]}"
    return f"https://{channel.identifier}/tin-tuc/{token}"


def step_hub(ctx: Any) -> None:
    from django.contrib.auth import get_user_model

    from hub import services
    from hub.models import Item, Republication
    from ledger.models import Post
    from ledger.services import PostInput, posts_upsert
    from registry.models import Channel
    from units.models import Unit

    province = ctx.data.get("province") or Unit.objects.filter(parent__isnull=True).first()
    if province is None:
        return
    User = get_user_model()
    author = User.objects.filter(username="bientap").first()
    approver = User.objects.filter(username="quantri").first()
    if author is None or approver is None:
        ctx.log("seed_demo: hub skipped (demo users missing)")
        return
    now = timezone.now()
    items = []
    for kind, title, summary, body, tags, days_ago, with_image in DEMO_ITEMS:
        item = Item.objects.filter(issuing_unit=province, title=title).first()
        if item is None:
            item = services.item_create(
                acting_user=author,
                issuing_unit=province,
                title=title,
                summary=summary,
                body=body,
                kind=kind,
                tags=tags,
                publish_start=now - timedelta(days=days_ago),
                publish_end=now + timedelta(days=30 - days_ago),
                attachments=[_demo_image(ctx.rng)] if with_image else [],
            )
            item = services.item_approve(acting_user=approver, item=item)
        items.append(item)
    if not Item.objects.filter(issuing_unit=province, title=DRAFT_TITLE).exists():
        services.item_create(
            acting_user=author,
            issuing_unit=province,
            title=DRAFT_TITLE,
            summary="Khuyến cáo các biện pháp diệt lăng quăng, phòng muỗi đốt trong mùa mưa.",
            body="Bản nháp chờ một biên tập viên khác duyệt.",
            kind="notice",
            tags="y tế",
            publish_start=now + timedelta(days=1),
        )

    if Republication.objects.filter(item__in=items).exists():
        # Seeded before: the random draws of a second run differ (earlier steps skip their
        # own work), so republishing again would spread to other communes. Keep it as is.
        ctx.summary["hub_items"] = Item.objects.filter(issuing_unit=province).count()
        ctx.summary["hub_republications"] = Republication.objects.filter(item__in=items).count()
        return
    communes = list(
        Unit.objects.filter(parent=province, kind__in=Unit.COMMUNE_KINDS).order_by("code")
    )
    channels: dict[int, list[Any]] = {}
    for channel in Channel.objects.filter(unit__in=communes).exclude(status=Channel.Status.RETIRED):
        channels.setdefault(channel.unit_id, []).append(channel)
    recorded = linked_by_caption = 0
    for unit in communes:
        own = sorted(
            channels.get(unit.pk, []),
            key=lambda c: PLATFORM_ORDER.index(c.platform) if c.platform in PLATFORM_ORDER else 9,
        )
        if not own:
            continue
        plan = []  # (item, channel, post input, record by url?)
        for item in items:
            # Draw every random value first, so that a second run makes the same choices
            # (and skips what exists) instead of drifting to other units.
            runs = ctx.rng.random() <= 0.8
            pick_first = ctx.rng.random() < 0.75
            other = ctx.rng.choice(own)
            token = f"{item.pk:04d}{unit.code}{ctx.rng.randrange(10**6, 10**7)}"
            published = item.publish_start + timedelta(hours=ctx.rng.randrange(1, 72))
            reach = ctx.rng.randrange(200, 18000)
            content_type = "photo" if ctx.rng.random() < 0.5 else "article"
            views = int(reach * ctx.rng.uniform(1.1, 2.6))
            reactions = ctx.rng.randrange(0, reach // 20 + 1)
            by_url = ctx.rng.random() < 0.7
            if not runs or Republication.objects.filter(item=item, unit=unit).exists():
                continue  # not republished (yet), or already seeded
            channel = own[0] if pick_first else other
            plan.append(
                (
                    item,
                    channel,
                    PostInput(
                        post_id=f"hub{token}",
                        content_type=content_type,
                        published_at=min(published, now),
                        permalink=_permalink(channel, token),
                        # Recorded by URL: no short link (the import links it by the
                        # recorded address); otherwise the import links it by the caption.
                        caption=(
                            item.title
                            if by_url
                            else f"{item.title}. Chi tiết: http://127.0.0.1:8000/p/noi-dung/{item.code}/"
                        ),
                        reach=reach,
                        views=views,
                        reactions=reactions,
                    ),
                    by_url,
                )
            )
        by_channel: dict[int, list[Any]] = {}
        for entry in plan:
            by_channel.setdefault(entry[1].pk, []).append(entry)
        for entries in by_channel.values():
            channel = entries[0][1]
            posts_upsert(acting_user=None, channel=channel, posts=[e[2] for e in entries])
            for item, _c, post_input, by_url in entries:
                if by_url:
                    services.republication_record(
                        acting_user=approver,
                        item=item,
                        unit=unit,
                        url=post_input.permalink,
                        published_at=post_input.published_at,
                    )
                    recorded += 1
            # Posts imported before their address was recorded are linked now.
            posts = Post.objects.filter(
                channel=channel, post_id__in=[e[2].post_id for e in entries]
            )
            linked_by_caption += services.link_posts(posts=posts)
    ctx.summary["hub_items"] = Item.objects.filter(issuing_unit=province).count()
    ctx.summary["hub_republications"] = Republication.objects.filter(item__in=items).count()
    ctx.summary["hub_recorded_by_url"] = recorded
