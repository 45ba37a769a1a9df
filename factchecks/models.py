"""Fact-checks: reviews of claims in circulation. Claims, never people.

No model here stores a name, handle, profile link or post link of anyone who spread a
claim (``tests/test_boundaries.py`` checks the field names). Where a claim circulated is
recorded only as platform categories.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from units.models import Unit

CLAIM_SHORT_MAX = 75


class Platform(models.TextChoices):
    """Where a claim circulated: categories only, never an account or a post."""

    FACEBOOK = "facebook", "Facebook"
    TIKTOK = "tiktok", "TikTok"
    YOUTUBE = "youtube", "YouTube"
    ZALO = "zalo", "Zalo"
    WEBSITE = "website", _("Trang web")
    WORD_OF_MOUTH = "word_of_mouth", _("Truyền miệng")


class Verdict(models.TextChoices):
    FALSE = "false", _("Sai")
    MOSTLY_FALSE = "mostly_false", _("Phần lớn sai")
    HALF_TRUE = "half_true", _("Đúng một phần")
    MOSTLY_TRUE = "mostly_true", _("Phần lớn đúng")
    TRUE = "true", _("Đúng")
    MISLEADING = "misleading", _("Gây hiểu lầm")
    UNPROVEN = "unproven", _("Chưa đủ căn cứ")


# The numeric scale (1 worst .. 5 best); Misleading and Unproven are off the scale.
RATING_VALUE: dict[str, int] = {
    Verdict.FALSE: 1,
    Verdict.MOSTLY_FALSE: 2,
    Verdict.HALF_TRUE: 3,
    Verdict.MOSTLY_TRUE: 4,
    Verdict.TRUE: 5,
}
WORST_RATING = 1
BEST_RATING = 5


class Topic(models.Model):
    name = models.CharField(_("tên"), max_length=60, unique=True)
    folded = models.CharField(max_length=60, unique=True, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("chủ đề")
        verbose_name_plural = _("chủ đề")

    def __str__(self) -> str:
        return self.name


class FactCheck(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Bản nháp")
        IN_REVIEW = "in_review", _("Chờ duyệt")
        PUBLISHED = "published", _("Đã đăng")
        WITHDRAWN = "withdrawn", _("Đã rút")

    PUBLIC_STATUSES = (Status.PUBLISHED, Status.WITHDRAWN)

    unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị đăng"), on_delete=models.PROTECT, related_name="factchecks"
    )
    claim_short = models.CharField(_("thông tin cần kiểm chứng (ngắn)"), max_length=CLAIM_SHORT_MAX)
    claim_text = models.TextField(_("nội dung đang lan truyền (diễn đạt lại)"))
    first_seen = models.DateField(_("ngày phát hiện"))
    platforms = models.JSONField(_("nơi lan truyền"), default=list, blank=True)
    verdict = models.CharField(_("kết luận"), max_length=20, choices=Verdict.choices)
    explanation = models.TextField(_("giải thích (Markdown)"))
    explanation_html = models.TextField(editable=False, default="")
    topics = models.ManyToManyField(
        Topic, verbose_name=_("chủ đề"), blank=True, related_name="factchecks"
    )
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    # Folded text (lowercase, no diacritics, đ→d) for diacritics-insensitive search.
    search_text = models.TextField(editable=False, default="")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người viết"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Whoever changed the content last (core.review: never the one who publishes).
    last_editor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người sửa sau cùng"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người duyệt"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(_("gửi duyệt lúc"), null=True, blank=True)
    published_at = models.DateTimeField(_("đăng lúc"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("rút lúc"), null=True, blank=True)
    withdrawal_reason = models.TextField(_("lý do rút"), blank=True)

    class Meta:
        ordering = ["-published_at", "-created_at", "-id"]
        verbose_name = _("bài kiểm chứng")
        verbose_name_plural = _("bài kiểm chứng")
        indexes = [models.Index(fields=["status", "-published_at"], name="fc_status_pub")]
        constraints = [
            models.CheckConstraint(
                condition=Q(reviewer__isnull=True) | ~Q(reviewer=models.F("author")),
                name="fc_reviewer_not_author",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["published", "withdrawn"])
                | (Q(published_at__isnull=False) & Q(reviewer__isnull=False)),
                name="fc_published_has_reviewer",
            ),
        ]

    def __str__(self) -> str:
        return self.claim_short

    @property
    def rating_value(self) -> int | None:
        return RATING_VALUE.get(self.verdict)

    @property
    def platform_labels(self) -> list[str]:
        return [str(Platform(p).label) for p in self.platforms if p in Platform.values]

    @property
    def is_public(self) -> bool:
        return self.status in self.PUBLIC_STATUSES


class Source(models.Model):
    factcheck = models.ForeignKey(FactCheck, on_delete=models.CASCADE, related_name="sources")
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(_("tiêu đề"), max_length=300)
    publisher = models.CharField(_("cơ quan/nơi công bố"), max_length=200)
    url = models.URLField(_("đường dẫn"), max_length=500)
    accessed_on = models.DateField(_("ngày truy cập"))
    archive_url = models.URLField(_("bản lưu trữ"), max_length=500, blank=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("nguồn")
        verbose_name_plural = _("nguồn")

    def __str__(self) -> str:
        return self.title


class Correction(models.Model):
    """A dated, public note of what changed in a published fact-check and why."""

    factcheck = models.ForeignKey(FactCheck, on_delete=models.CASCADE, related_name="corrections")
    created_at = models.DateTimeField(_("thời điểm"), auto_now_add=True)
    what_changed = models.TextField(_("nội dung đính chính"))
    reason = models.TextField(_("lý do"))
    changed_fields = models.JSONField(default=list, blank=True)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # A correction that changes the verdict is approved by a second editor (core.review).
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("đính chính")
        verbose_name_plural = _("đính chính")

    def __str__(self) -> str:
        return self.what_changed[:60]


class PendingCorrection(models.Model):
    """A correction that would change a published verdict, waiting for a second editor.
    Nothing of it is public until it is approved and becomes a :class:`Correction`."""

    factcheck = models.ForeignKey(
        FactCheck, on_delete=models.CASCADE, related_name="pending_corrections"
    )
    created_at = models.DateTimeField(_("thời điểm"), auto_now_add=True)
    what_changed = models.TextField(_("nội dung đính chính"))
    reason = models.TextField(_("lý do"))
    # The proposed claim, verdict, explanation and sources, as the correction form gave them.
    proposed = models.JSONField(default=dict)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("đính chính chờ duyệt")
        verbose_name_plural = _("đính chính chờ duyệt")

    def __str__(self) -> str:
        return self.what_changed[:60]


class Suggestion(models.Model):
    """A claim someone asks the office to check. Only the claim and where it was seen;
    an optional contact of the person suggesting, nobody else's data."""

    class Status(models.TextChoices):
        NEW = "new", _("Mới")
        ACCEPTED = "accepted", _("Đã nhận kiểm chứng")
        DECLINED = "declined", _("Không kiểm chứng")

    unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị nhận"), on_delete=models.PROTECT, related_name="+"
    )
    claim_text = models.TextField(_("thông tin cần kiểm chứng"), max_length=2000)
    platform = models.CharField(_("nơi bạn thấy"), max_length=20, choices=Platform.choices)
    contact = models.CharField(_("liên hệ của bạn"), max_length=200, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NEW)
    created_at = models.DateTimeField(auto_now_add=True)
    handled_at = models.DateTimeField(null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("đề nghị kiểm chứng")
        verbose_name_plural = _("đề nghị kiểm chứng")

    def __str__(self) -> str:
        return self.claim_text[:60]


class PolicyPage(models.Model):
    """The methodology and the corrections policy: one site-wide row per kind."""

    class Kind(models.TextChoices):
        METHODOLOGY = "methodology", _("Phương pháp kiểm chứng")
        CORRECTIONS = "corrections", _("Chính sách đính chính")

    kind = models.CharField(max_length=20, choices=Kind.choices, unique=True)
    body = models.TextField(_("nội dung (Markdown)"))
    body_html = models.TextField(editable=False, default="")
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("trang chính sách")
        verbose_name_plural = _("trang chính sách")

    def __str__(self) -> str:
        return str(self.get_kind_display())
