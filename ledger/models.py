"""Posts, their metric snapshots, import batches, monthly forms and the monthly aggregate.

A post's metrics are the platform's lifetime values. The latest snapshot counts; older
snapshots are history. The latest values are also copied onto the post (``views`` ...),
so that an import can compute the aggregate's deltas without reading the snapshot table.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from registry.models import Channel
from units.models import Unit

METRICS = ("views", "reach", "reactions", "comments", "shares", "clicks", "watch_time_seconds")


class ContentType(models.TextChoices):
    ARTICLE = "article", _("Tin bài")
    PHOTO = "photo", _("Ảnh")
    VIDEO = "video", _("Video")
    LIVESTREAM = "livestream", _("Trực tiếp")
    OTHER = "other", _("Khác")


def _metric(label: Any) -> Any:
    return models.BigIntegerField(label, null=True, blank=True)


def _non_negative(prefix: str, fields: tuple[str, ...]) -> list[models.CheckConstraint]:
    return [
        models.CheckConstraint(
            condition=Q(**{f"{f}__isnull": True}) | Q(**{f"{f}__gte": 0}),
            name=f"{prefix}_{f}_non_negative",
        )
        for f in fields
    ]


FORMAT_LABELS = {
    "meta": _("Meta Business Suite"),
    "youtube": _("YouTube Studio"),
    "tiktok": _("TikTok Studio"),
    "bantin_template": _("Mẫu nhập liệu Bantin"),
    "api": _("API"),
    "demo": _("Dữ liệu mẫu"),
}


class ImportBatch(models.Model):
    """One file (or one API call) taken in: who, when, what, and every row's fate."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Đang chờ")
        RUNNING = "running", _("Đang xử lý")
        NEEDS_CHANNEL = "needs_channel", _("Cần xác nhận kênh")
        DONE = "done", _("Đã nhập")
        DUPLICATE = "duplicate", _("Trùng file đã nhập")
        REFUSED = "refused", _("Bị từ chối")
        FAILED = "failed", _("Lỗi hệ thống")

    channel = models.ForeignKey(
        Channel,
        verbose_name=_("kênh"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="import_batches",
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="import_batches"
    )
    filename = models.CharField(_("tên file"), max_length=255)
    sha256 = models.CharField(max_length=64, db_index=True)
    size = models.BigIntegerField(_("dung lượng (byte)"), default=0)
    format = models.CharField(_("định dạng"), max_length=40, blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=16, choices=Status.choices, default=Status.QUEUED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người nhập"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("lúc"), auto_now_add=True)
    finished_at = models.DateTimeField(_("xong lúc"), null=True, blank=True)
    rows_read = models.PositiveIntegerField(_("số dòng đọc"), default=0)
    accepted = models.PositiveIntegerField(_("nhận"), default=0)
    rejected = models.PositiveIntegerField(_("loại"), default=0)
    posts_created = models.PositiveIntegerField(_("bài mới"), default=0)
    posts_updated = models.PositiveIntegerField(_("bài cập nhật"), default=0)
    unchanged = models.PositiveIntegerField(_("không đổi"), default=0)
    notes = models.JSONField(_("ghi chú"), default=list, blank=True)
    message = models.TextField(_("thông báo"), blank=True)
    # The original file: kept for audit when not above the storage cap.
    original = models.FileField(_("file gốc"), upload_to="ledger/imports/", blank=True)
    # Where the upload waits for the worker (web and API uploads).
    pending_path = models.CharField(max_length=500, blank=True)
    # The platform's own id of the channel, when the user must confirm it.
    file_channel_ref = models.CharField(max_length=200, blank=True)
    file_channel_name = models.CharField(max_length=200, blank=True)
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Runs of this batch started by the worker; an interrupted run is retried once.
    attempts = models.PositiveSmallIntegerField(default=0)
    # A reporter asked an editor to confirm the file's page for the channel (the editor's
    # queue: ledger.selectors.pending_page_confirmations_for).
    confirm_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người nhờ xác nhận"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    confirm_requested_at = models.DateTimeField(_("nhờ xác nhận lúc"), null=True, blank=True)
    # Why the whole file was refused (ImportRefused.code): the page shows the next step.
    refusal_code = models.CharField(max_length=40, blank=True)
    # The uploader's language: the worker writes the batch's messages in it.
    language = models.CharField(max_length=8, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("lô nhập dữ liệu")
        verbose_name_plural = _("lô nhập dữ liệu")
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "sha256"],
                condition=Q(status="done"),
                name="ledger_batch_unique_file_per_channel",
            ),
            models.CheckConstraint(
                condition=Q(rows_read=models.F("accepted") + models.F("rejected")),
                name="ledger_batch_rows_accounted",
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "created_at"], name="ledger_batch_unit_created"),
            # The reports' sources of a channel's figures: which formats since a day, without
            # reading a connected channel's daily batches (connectors.selectors.freshness).
            models.Index(
                fields=["channel", "format", "finished_at"], name="ledger_batch_channel_format"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.filename}"

    @property
    def is_finished(self) -> bool:
        return self.status not in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def format_label(self) -> str:
        """The import format by its name for people (never the code)."""
        return str(FORMAT_LABELS.get(self.format, self.format))

    @property
    def outcome(self) -> tuple[str, str]:
        """The status badge: (tone, label), following what the rows became. A finished
        import that took no row is not a success, whatever its status says."""
        if self.status == self.Status.DONE:
            if self.rows_read and not self.accepted:
                return "danger", str(_("Không nhận dòng nào"))
            if not self.rows_read:
                return "danger", str(_("File không có dòng số liệu"))
            if self.rejected:
                return "warn", str(
                    ngettext(
                        "Đã nhập, %(count)s dòng bị loại",
                        "Đã nhập, %(count)s dòng bị loại",
                        self.rejected,
                    )
                    % {"count": number_format(self.rejected, force_grouping=True)}
                )
            return "ok", str(self.Status.DONE.label)
        tones: dict[str, str] = {
            self.Status.REFUSED: "danger",
            self.Status.FAILED: "danger",
            self.Status.NEEDS_CHANNEL: "warn",
            self.Status.DUPLICATE: "warn",
        }
        return tones.get(self.status, ""), str(self.get_status_display())


# The API's field names, as a rejected row's column shows them to people.
FIELD_LABELS = {
    "post_id": _("Mã bài viết"),
    "content_type": _("Loại nội dung"),
    "permalink": _("Liên kết"),
    "caption": _("Nội dung/Tiêu đề"),
    "published_at": _("Ngày đăng"),
    "extras": _("Chỉ số khác"),
    "views": _("Lượt xem"),
    "reach": _("Lượt tiếp cận"),
    "reactions": _("Cảm xúc"),
    "comments": _("Bình luận"),
    "shares": _("Chia sẻ"),
    "clicks": _("Lượt nhấp"),
    "watch_time_seconds": _("Thời gian xem (giây)"),
}


class RowRejection(models.Model):
    """A row the batch did not take, with its line, the column and the reason."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="rejections")
    line = models.PositiveIntegerField(_("dòng"))
    field = models.CharField(_("cột"), max_length=200, blank=True)
    message = models.TextField(_("lý do"))

    class Meta:
        ordering = ["batch", "line", "id"]
        verbose_name = _("dòng bị loại")
        verbose_name_plural = _("dòng bị loại")

    def __str__(self) -> str:
        return f"{self.batch_id}:{self.line} {self.field}"

    @property
    def field_label(self) -> str:
        """The column as the file names it, or the API field's name for people."""
        return str(FIELD_LABELS.get(self.field, self.field))


class Post(models.Model):
    """One item a channel published. Unique per (channel, the platform's post id)."""

    # No single-column indexes on the two keys: (channel, post_id), (channel, published_at)
    # and (unit, month) lead with them (one index less to keep per imported row).
    channel = models.ForeignKey(
        Channel,
        verbose_name=_("kênh"),
        on_delete=models.PROTECT,
        related_name="posts",
        db_index=False,
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("đơn vị"),
        on_delete=models.PROTECT,
        related_name="posts",
        db_index=False,
    )
    platform = models.CharField(_("nền tảng"), max_length=16, choices=Channel.Platform.choices)
    post_id = models.CharField(_("mã bài trên nền tảng"), max_length=128)
    permalink = models.TextField(_("liên kết"), blank=True)
    published_at = models.DateTimeField(_("đăng lúc"), null=True, blank=True)
    # The month the post counts in: its publication month (Asia/Ho_Chi_Minh), or the month
    # it was first imported when the export gives no publication time.
    month = models.DateField(_("tháng"))
    content_type = models.CharField(_("loại nội dung"), max_length=16, choices=ContentType.choices)
    caption = models.CharField(_("trích nội dung"), max_length=500, blank=True)
    # The hub item this post republishes (set by hub.services.link_posts during imports).
    hub_item_id = models.BigIntegerField(null=True, blank=True)
    # A copy of the latest snapshot's values (NULL = the platform does not give it).
    views = _metric(_("lượt xem"))
    reach = _metric(_("lượt tiếp cận"))
    reactions = _metric(_("cảm xúc"))
    comments = _metric(_("bình luận"))
    shares = _metric(_("chia sẻ"))
    clicks = _metric(_("lượt nhấp"))
    watch_time_seconds = _metric(_("thời gian xem (giây)"))
    latest_as_of = models.DateField(_("số liệu tính đến"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("bài đăng")
        verbose_name_plural = _("bài đăng")
        constraints = [
            models.UniqueConstraint(fields=["channel", "post_id"], name="ledger_post_unique"),
            *_non_negative("ledger_post", METRICS),
        ]
        indexes = [
            models.Index(fields=["unit", "month"], name="ledger_post_unit_month"),
            models.Index(fields=["channel", "published_at"], name="ledger_post_channel_pub"),
            # Reports: the top posts by reach, and the edge days of administrative periods.
            models.Index(
                F("reach").desc(),
                F("id"),
                name="ledger_post_reach_desc",
                condition=Q(reach__isnull=False),
            ),
            models.Index(fields=["published_at"], name="ledger_post_published"),
            # Most posts republish no hub item: index only those that do.
            models.Index(
                fields=["hub_item_id"],
                name="ledger_post_hub_item",
                condition=Q(hub_item_id__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.platform}:{self.post_id}"


class MetricSnapshot(models.Model):
    """A post's lifetime metrics as one batch reported them. The latest one counts.

    The history: one row per post per import that created or changed it, written only by
    the ledger's import in the transaction that writes the post and the batch. Its two keys
    carry no database constraint (docs/decisions/0005-snapshot-keys.md): checking them
    cost a third of a million-row import's database time. Django still applies
    ``on_delete``; ``ledger.selectors.orphan_snapshots`` counts rows whose post or batch is
    gone (the tests assert zero).
    """

    post = models.ForeignKey(
        Post,
        on_delete=models.CASCADE,
        related_name="snapshots",
        db_index=False,  # the (post, batch) unique index leads with it
        db_constraint=False,
    )
    batch = models.ForeignKey(
        ImportBatch, on_delete=models.PROTECT, related_name="snapshots", db_constraint=False
    )
    as_of = models.DateField(_("tính đến ngày"))
    views = _metric(_("lượt xem"))
    reach = _metric(_("lượt tiếp cận"))
    reactions = _metric(_("cảm xúc"))
    comments = _metric(_("bình luận"))
    shares = _metric(_("chia sẻ"))
    clicks = _metric(_("lượt nhấp"))
    watch_time_seconds = _metric(_("thời gian xem (giây)"))
    extras = models.JSONField(_("chỉ số khác của nền tảng"), default=dict, blank=True)

    class Meta:
        ordering = ["post", "-as_of", "-id"]
        verbose_name = _("số liệu bài đăng")
        verbose_name_plural = _("số liệu bài đăng")
        constraints = [
            models.UniqueConstraint(fields=["post", "batch"], name="ledger_snapshot_unique"),
            *_non_negative("ledger_snapshot", METRICS),
        ]

    def __str__(self) -> str:
        return f"{self.post_id}@{self.as_of}"


class MonthlyForm(models.Model):
    """A unit's monthly figures for one platform, for units without exports."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Nháp")
        SUBMITTED = "submitted", _("Đã gửi")
        APPROVED = "approved", _("Đã duyệt")
        LOCKED = "locked", _("Đã khóa")

    COUNT_FIELDS = ("articles", "photos", "videos", "livestreams", "others")
    CONTENT_TYPE_OF = {
        "articles": "article",
        "photos": "photo",
        "videos": "video",
        "livestreams": "livestream",
        "others": "other",
    }

    unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="monthly_forms"
    )
    month = models.DateField(_("tháng"))
    platform = models.CharField(_("nền tảng"), max_length=16, choices=Channel.Platform.choices)
    articles = models.PositiveIntegerField(_("tin bài"), default=0)
    photos = models.PositiveIntegerField(_("ảnh"), default=0)
    videos = models.PositiveIntegerField(_("video"), default=0)
    livestreams = models.PositiveIntegerField(_("trực tiếp"), default=0)
    others = models.PositiveIntegerField(_("khác"), default=0)
    reach = models.BigIntegerField(_("tổng lượt tiếp cận"), null=True, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-month", "unit__path", "platform"]
        verbose_name = _("báo cáo tháng")
        verbose_name_plural = _("báo cáo tháng")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "month", "platform"], name="ledger_form_unique"
            ),
            models.CheckConstraint(
                condition=Q(reach__isnull=True) | Q(reach__gte=0),
                name="ledger_form_reach_non_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.month:%m/%Y} {self.platform}"

    @property
    def total_items(self) -> int:
        return sum(getattr(self, f) for f in self.COUNT_FIELDS)

    @property
    def flagged(self) -> bool:
        """Reach reported without any item: allowed, but shown to the approver."""
        return bool(self.reach) and self.total_items == 0

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT


# The aggregate's tables live in their own module (this one stays readable); importing
# them here keeps ``ledger.models.UnitMonthStat`` and Django's model discovery as before.
from ledger.aggregate_models import (  # noqa: E402
    ChannelActivity,
    SubtreeActivity,
    SubtreeReported,
    SubtreeStat,
    Sums,
    UnitMonthReport,
    UnitMonthStat,
)

__all__ = [
    "ChannelActivity",
    "ContentType",
    "ImportBatch",
    "MetricSnapshot",
    "MonthlyForm",
    "Post",
    "RowRejection",
    "SubtreeActivity",
    "SubtreeReported",
    "SubtreeStat",
    "Sums",
    "UnitMonthReport",
    "UnitMonthStat",
]
