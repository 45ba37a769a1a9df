"""Factories for the hub's tests and matrix builders."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from hub import services
from hub.models import Attachment, Item

B_SECRET = "Bí mật xã B: nội dung nội bộ"


def make_item(
    unit: Any,
    author: Any,
    approver: Any = None,
    *,
    title: str = "Hướng dẫn nộp hồ sơ trực tuyến",
    summary: str = "Tóm tắt ngắn gọn cho người dân.",
    body: str = "Nội dung **chính**.",
    kind: str = "policy",
    start_days_ago: int = 1,
    **kwargs: Any,
) -> Item:
    item = services.item_create(
        acting_user=author,
        issuing_unit=unit,
        title=title,
        summary=summary,
        body=body,
        kind=kind,
        publish_start=kwargs.pop("publish_start", timezone.now() - timedelta(days=start_days_ago)),
        **kwargs,
    )
    if approver is not None:
        item = services.item_approve(acting_user=approver, item=item)
    return item


def jpeg_bytes(size: tuple[int, int] = (3200, 1800), *, exif: bool = True) -> bytes:
    from PIL import Image

    image = Image.new("RGB", size, (200, 30, 30))
    out = io.BytesIO()
    if exif:
        data = Image.Exif()
        data[0x010F] = "Secret Camera Maker"  # Make
        data[0x0131] = "GPS-ish software"  # Software
        image.save(out, "JPEG", exif=data.tobytes())
    else:
        image.save(out, "JPEG")
    return out.getvalue()


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> Any:
    return SimpleUploadedFile(name, content, content_type=content_type)


def item_of(w: Any, which: str) -> Item:
    """Matrix objects, made once per world:
    "b": published item issued by commune B (its title is the secret);
    "a_draft": a draft of commune A (with an attachment row);
    "province": published item of the province addressed to its whole subtree."""
    key = f"hub_item_{which}"
    if key not in w.cache:
        if which == "b":
            item = make_item(
                w.commune_b, w.users_b["editor"], w.users_b["administrator"], title=B_SECRET
            )
            Attachment.objects.create(
                item=item,
                kind="image",
                file="hub/matrix/none.jpg",
                original_name="b.jpg",
                content_type="image/jpeg",
                size=1,
                sha256="0" * 64,
            )
        elif which == "a_draft":
            item = make_item(w.commune_a, w.users_a["editor"], title="Bản nháp xã A")
            Attachment.objects.create(
                item=item,
                kind="image",
                file="hub/matrix/none-a.jpg",
                original_name="a.jpg",
                content_type="image/jpeg",
                size=1,
                sha256="0" * 64,
            )
        else:
            item = make_item(
                w.province,
                w.province_users["editor"],
                w.province_users["administrator"],
                title="Thông báo của tỉnh",
            )
        w.cache[key] = item
    return w.cache[key]


def attachment_of(w: Any, which: str) -> Attachment:
    return item_of(w, which).attachments.first()  # type: ignore[return-value]
