"""A channel's connection to its platform's API, each sync run, and followers over time.

Tokens are stored encrypted (``connectors.crypto``) in plain text columns, so that a
backup, a fixture dump or the admin only ever holds ciphertext. Nothing here stores a
comment's text or who commented, reacted or shared: only the channel's own posts (in the
ledger) and aggregate counts.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from registry.models import Channel
from units.models import Unit

PLATFORMS = ("facebook", "instagram", "youtube", "tiktok", "zalo")


class Connection(models.Model):
    """One registered, verified channel connected by an editor of its unit."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Đang hoạt động")
        RECONNECT = "reconnect", _("Cần kết nối lại")
        DISCONNECTED = "disconnected", _("Đã ngắt kết nối")

    channel = models.OneToOneField(
        Channel, verbose_name=_("kênh"), on_delete=models.PROTECT, related_name="connection"
    )
    # The channel's unit, kept here for scoping and for the audit records.
    unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="+"
    )
    platform = models.CharField(_("nền tảng"), max_length=16, choices=Channel.Platform.choices)
    status = models.CharField(
        _("trạng thái"), max_length=16, choices=Status.choices, default=Status.ACTIVE
    )
    account_id = models.CharField(_("mã tài khoản trên nền tảng"), max_length=200)
    account_name = models.CharField(_("tên tài khoản"), max_length=200, blank=True)
    scopes = models.CharField(_("quyền được cấp"), max_length=500, blank=True)
    access_token = models.TextField(blank=True, editable=False)  # encrypted
    refresh_token = models.TextField(blank=True, editable=False)  # encrypted
    access_expires_at = models.DateTimeField(_("mã truy cập hết hạn"), null=True, blank=True)
    refresh_expires_at = models.DateTimeField(_("mã làm mới hết hạn"), null=True, blank=True)
    connected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người kết nối"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    connected_at = models.DateTimeField(_("kết nối lúc"))
    last_attempt_at = models.DateTimeField(_("lần đồng bộ gần nhất"), null=True, blank=True)
    last_success_at = models.DateTimeField(_("thành công gần nhất"), null=True, blank=True)
    last_error_at = models.DateTimeField(_("lỗi gần nhất lúc"), null=True, blank=True)
    last_error_code = models.CharField(max_length=40, blank=True)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)
    # Metrics the platform refused in the latest runs: [{"metric", "field", "date", "message"}].
    dropped_metrics = models.JSONField(default=list, blank=True)
    expiry_warned_at = models.DateTimeField(null=True, blank=True)
    failure_notified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["unit__path", "platform", "channel_id"]
        verbose_name = _("kết nối kênh")
        verbose_name_plural = _("kết nối kênh")
        indexes = [models.Index(fields=["status", "platform"], name="connection_status_platform")]

    def __str__(self) -> str:
        return f"{self.platform}:{self.account_id}"


class SyncRun(models.Model):
    """One channel's part of one sync: what came in, what it cost, what went wrong."""

    class Status(models.TextChoices):
        OK = "ok", _("Thành công")
        PARTIAL = "partial", _("Một phần")
        FAILED = "failed", _("Thất bại")
        NOT_CONNECTED = "not_connected", _("Chưa kết nối")

    channel = models.ForeignKey(
        Channel, on_delete=models.PROTECT, related_name="sync_runs", db_index=False
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", db_index=False)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()
    status = models.CharField(max_length=16, choices=Status.choices)
    since = models.DateField(null=True, blank=True)
    until = models.DateField(null=True, blank=True)
    posts_created = models.PositiveIntegerField(default=0)
    posts_updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    requests = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    dropped_metrics = models.JSONField(default=list, blank=True)
    batch = models.ForeignKey(
        "ledger.ImportBatch", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [
            models.Index(fields=["channel", "-started_at"], name="syncrun_channel_started"),
            models.Index(fields=["unit", "-started_at"], name="syncrun_unit_started"),
        ]

    def __str__(self) -> str:
        return f"{self.channel_id}@{self.started_at:%Y-%m-%d} {self.status}"


class FollowerCount(models.Model):
    """The channel's follower (subscriber) count on a day, as the platform gave it."""

    channel = models.ForeignKey(
        Channel, on_delete=models.PROTECT, related_name="follower_counts", db_index=False
    )
    as_of = models.DateField()
    followers = models.BigIntegerField()

    class Meta:
        ordering = ["channel", "-as_of"]
        constraints = [
            models.UniqueConstraint(fields=["channel", "as_of"], name="followers_unique_day"),
            models.CheckConstraint(condition=Q(followers__gte=0), name="followers_non_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.channel_id}@{self.as_of}: {self.followers}"
