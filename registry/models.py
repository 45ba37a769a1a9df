from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from units.models import Unit


class Channel(models.Model):
    """An official channel of one unit on one platform. Unique per (platform, identifier)."""

    class Platform(models.TextChoices):
        FACEBOOK = "facebook", _("Trang Facebook")
        INSTAGRAM = "instagram", _("Instagram")
        ZALO = "zalo", _("Zalo OA")
        YOUTUBE = "youtube", _("YouTube")
        TIKTOK = "tiktok", _("TikTok")
        WEBSITE = "website", _("Trang web")
        OTHER = "other", _("Khác")

    class Status(models.TextChoices):
        PENDING = "pending", _("Chờ xác minh")
        VERIFIED = "verified", _("Đã xác minh")
        RETIRED = "retired", _("Đã ngừng")

    unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="channels"
    )
    platform = models.CharField(_("nền tảng"), max_length=16, choices=Platform.choices)
    identifier = models.CharField(
        _("định danh"), max_length=200, help_text=_("Định danh chuẩn hóa trên nền tảng.")
    )
    url = models.URLField(_("địa chỉ"), max_length=500)
    display_name = models.CharField(_("tên hiển thị"), max_length=200, blank=True)
    external_id = models.CharField(
        _("mã trên nền tảng"),
        max_length=100,
        blank=True,
        help_text=_("Mã số của kênh trên nền tảng (ví dụ Page ID), ghi nhận từ file xuất."),
    )
    status = models.CharField(
        _("trạng thái"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("người xác minh"),
    )
    verified_at = models.DateTimeField(_("xác minh lúc"), null=True, blank=True)
    verification_method = models.CharField(_("cách xác minh"), max_length=300, blank=True)
    retired_at = models.DateTimeField(_("ngừng lúc"), null=True, blank=True)
    retired_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("người cho ngừng"),
    )
    # Folded (lower-case, no accents, đ→d) display name, identifier and unit name: the
    # directory's diacritics-insensitive search reads this column. Written by the services.
    search_text = models.CharField(max_length=500, blank=True, editable=False, default="")
    # The registry version of this channel's last write (registry.services): a process's
    # lookup index re-reads only the channels written after its base (registry.index).
    change_seq = models.BigIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["unit__path", "platform", "identifier"]
        verbose_name = _("kênh chính thức")
        verbose_name_plural = _("kênh chính thức")
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "identifier"], name="channel_unique_identifier"
            ),
            models.UniqueConstraint(
                fields=["platform", "external_id"],
                condition=~Q(external_id=""),
                name="channel_unique_external_id",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "platform"], name="channel_status_platform"),
            # A report counts a subtree's verified channels per unit from this index alone.
            models.Index(fields=["status", "unit"], name="channel_status_unit"),
            models.Index(fields=["created_at"], name="channel_created_at"),
            models.Index(fields=["verified_at"], name="channel_verified_at"),
            models.Index(fields=["retired_at"], name="channel_retired_at"),
            models.Index(fields=["change_seq"], name="channel_change_seq"),
        ]

    def __str__(self) -> str:
        return f"{self.get_platform_display()}: {self.display_name or self.identifier}"


def new_epoch() -> str:
    return secrets.token_hex(8)


class RegistryVersion(models.Model):
    """One row whose ``version`` every registry write bumps.

    Each web process keeps its lookup index in memory and compares this number (one
    primary-key read) to know when to rebuild it, so a verification made in one worker is
    seen by all of them.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    version = models.BigIntegerField(default=0)
    # Set once when the row is made: another value means another database (a restore, a test),
    # where version numbers start again, so an index built from the old one is thrown away.
    epoch = models.CharField(max_length=32, default=new_epoch, editable=False)

    class Meta:
        verbose_name = _("phiên bản danh bạ kênh")
        verbose_name_plural = _("phiên bản danh bạ kênh")

    def __str__(self) -> str:
        return str(self.version)


class LookalikeAcknowledgement(models.Model):
    """A person chose to register or verify a channel that resembles other channels, and
    said why. Shown on the channel's page; audited as ``channel.acknowledge_lookalike``."""

    class Step(models.TextChoices):
        REGISTER = "register", _("Đăng ký")
        VERIFY = "verify", _("Xác minh")

    channel = models.ForeignKey(
        Channel, on_delete=models.CASCADE, related_name="lookalike_acknowledgements"
    )
    step = models.CharField(_("bước"), max_length=16, choices=Step.choices)
    reason = models.CharField(_("lý do"), max_length=300)
    # the similar channels as they were then: [{"id", "platform", "identifier", "url",
    # "display_name", "status", "unit_code", "unit_name"}]
    similar = models.JSONField(_("kênh tương tự"), default=list)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("người xác nhận"),
    )
    acknowledged_at = models.DateTimeField(_("lúc"), auto_now_add=True)

    class Meta:
        ordering = ["acknowledged_at", "id"]
        verbose_name = _("xác nhận kênh gần giống")
        verbose_name_plural = _("xác nhận kênh gần giống")

    def __str__(self) -> str:
        return f"{self.channel_id}: {self.reason}"
