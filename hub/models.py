"""The official content hub: items a unit issues, their files, and where units ran them.

An item is written as a draft, approved by a second editor (never its author), and is
published from the start of its window. Units it is addressed to copy it onto their own
official channels and record each post's address (a :class:`Republication`); imported
ledger posts are linked to the item when their permalink matches a recorded address or
their caption carries the item's short link.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registry.models import Channel
from units.models import Unit


class Tag(models.Model):
    """A topic tag (lower-case, shared by every unit)."""

    name = models.CharField(_("chủ đề"), max_length=60, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("chủ đề")
        verbose_name_plural = _("chủ đề")

    def __str__(self) -> str:
        return self.name


class Item(models.Model):
    class Kind(models.TextChoices):
        NEWS = "news", _("Tin tức")
        POLICY = "policy", _("Giải thích chính sách")
        NOTICE = "notice", _("Thông báo")
        DOCUMENT = "document", _("Tóm tắt văn bản")
        EVENT = "event", _("Sự kiện")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Nháp")
        APPROVED = "approved", _("Đã duyệt")

    class Audience(models.TextChoices):
        SUBTREE = "subtree", _("Toàn bộ đơn vị cấp dưới")
        CHOSEN = "chosen", _("Các đơn vị trực thuộc được chọn")

    issuing_unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị phát hành"), on_delete=models.PROTECT, related_name="hub_items"
    )
    code = models.CharField(_("mã rút gọn"), max_length=12, unique=True, editable=False)
    title = models.CharField(_("tiêu đề"), max_length=200)
    summary = models.CharField(_("tóm tắt"), max_length=500)
    body = models.TextField(_("nội dung (Markdown)"), blank=True)
    body_html = models.TextField(editable=False, blank=True)  # rendered and sanitised
    kind = models.CharField(_("loại"), max_length=16, choices=Kind.choices)
    tags = models.ManyToManyField(Tag, verbose_name=_("chủ đề"), blank=True, related_name="items")
    audience = models.CharField(
        _("gửi tới"), max_length=16, choices=Audience.choices, default=Audience.SUBTREE
    )
    audience_units = models.ManyToManyField(
        Unit, verbose_name=_("đơn vị được chọn"), blank=True, related_name="hub_items_addressed"
    )
    publish_start = models.DateTimeField(_("đăng từ"))
    publish_end = models.DateTimeField(_("đăng đến"), null=True, blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người duyệt"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("duyệt lúc"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-publish_start", "-id"]
        verbose_name = _("nội dung")
        verbose_name_plural = _("nội dung")
        constraints = [
            models.CheckConstraint(
                condition=Q(publish_end__isnull=True)
                | Q(publish_end__gt=models.F("publish_start")),
                name="hub_item_window_order",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(approved_at__isnull=False),
                name="hub_item_approved_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["issuing_unit", "status", "publish_start"], name="hub_item_unit"),
            models.Index(fields=["status", "publish_start"], name="hub_item_status_start"),
        ]

    def __str__(self) -> str:
        return self.title

    # States derived from the status and the window (no background job needed).
    DRAFT = "draft"
    SCHEDULED = "scheduled"
    PUBLISHED = "published"
    ENDED = "ended"

    def state(self, now: datetime | None = None) -> str:
        now = now or timezone.now()
        if self.status != self.Status.APPROVED:
            return self.DRAFT
        if now < self.publish_start:
            return self.SCHEDULED
        if self.publish_end is not None and now >= self.publish_end:
            return self.ENDED
        return self.PUBLISHED

    def state_label(self) -> str:
        return str(STATE_LABELS[self.state()])

    @property
    def is_public(self) -> bool:
        """Its public page answers: approved and the window has opened (links in posts
        keep working after the window ends)."""
        return self.state() in (self.PUBLISHED, self.ENDED)


STATE_LABELS = {
    Item.DRAFT: _("Nháp, chờ duyệt"),
    Item.SCHEDULED: _("Đã duyệt, chờ đến giờ đăng"),
    Item.PUBLISHED: _("Đang đăng"),
    Item.ENDED: _("Hết thời hạn đăng"),
}


def attachment_upload_to(instance: Attachment, filename: str) -> str:
    """``hub/YYYY/MM/<random>.<ext>``: a stored name says nothing and cannot be guessed
    (the original name is kept in ``original_name`` for the download)."""
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    now = timezone.now()
    return f"hub/{now:%Y}/{now:%m}/{secrets.token_urlsafe(24)}.{ext[:8]}"


class Attachment(models.Model):
    class Kind(models.TextChoices):
        IMAGE = "image", _("Ảnh")
        PDF = "pdf", _("PDF")

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(_("loại tệp"), max_length=8, choices=Kind.choices)
    file = models.FileField(_("tệp"), upload_to=attachment_upload_to, max_length=200)
    original_name = models.CharField(_("tên tệp gốc"), max_length=255)
    content_type = models.CharField(max_length=60)
    size = models.PositiveBigIntegerField(_("dung lượng (byte)"))
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["item", "id"]
        verbose_name = _("tệp đính kèm")
        verbose_name_plural = _("tệp đính kèm")

    def __str__(self) -> str:
        return self.original_name

    @property
    def download_name(self) -> str:
        """The sender's name for the file, with the extension of what was stored."""
        stem = self.original_name.rsplit(".", 1)[0]
        stem = "".join(c for c in stem if c.isprintable() and c not in '/\\"')[:100].strip()
        ext = (self.file.name or "").rsplit(".", 1)[-1]
        return f"{stem or 'tep'}.{ext}"


class Republication(models.Model):
    """An addressed unit ran the item on one of its own official channels."""

    class Source(models.TextChoices):
        RECORDED = "recorded", _("Đơn vị ghi nhận")
        CAPTION = "caption", _("Tự nhận từ liên kết rút gọn")

    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="republications")
    unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="hub_republications"
    )
    channel = models.ForeignKey(
        Channel, verbose_name=_("kênh"), on_delete=models.PROTECT, related_name="hub_republications"
    )
    url = models.CharField(_("địa chỉ bài đăng"), max_length=500, blank=True)
    published_at = models.DateTimeField(_("đăng lúc"))
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.RECORDED)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    post = models.ForeignKey(
        "ledger.Post",
        verbose_name=_("bài trong sổ"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="hub_republications",
    )

    class Meta:
        ordering = ["item", "unit__path", "published_at", "id"]
        verbose_name = _("lượt đăng lại")
        verbose_name_plural = _("lượt đăng lại")
        constraints = [
            models.UniqueConstraint(
                fields=["url"], condition=~Q(url=""), name="hub_republication_unique_url"
            ),
            models.UniqueConstraint(
                fields=["post"], condition=Q(post__isnull=False), name="hub_republication_post"
            ),
        ]
        indexes = [
            models.Index(fields=["item", "unit"], name="hub_rep_item_unit"),
            models.Index(fields=["unit", "published_at"], name="hub_rep_unit_time"),
        ]

    def __str__(self) -> str:
        return f"{self.item_id}@{self.unit_id}: {self.url}"
