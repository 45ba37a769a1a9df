from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from units.models import Unit


class ReportNarrative(models.Model):
    """The text a unit writes for a report (sections II–IV) and the document's particulars,
    kept with the report of that unit, period and convention."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="report_narratives")
    period_code = models.CharField(_("kỳ báo cáo"), max_length=32)
    convention = models.CharField(_("cách tính kỳ"), max_length=16, default="calendar")
    limitations = models.TextField(_("II. Tồn tại, hạn chế"), blank=True)
    directions = models.TextField(_("III. Phương hướng, nhiệm vụ"), blank=True)
    recommendations = models.TextField(_("IV. Kiến nghị, đề xuất"), blank=True)
    number = models.CharField(_("số văn bản"), max_length=60, blank=True)
    governing_body = models.CharField(_("cơ quan chủ quản"), max_length=200, blank=True)
    issuing_unit = models.CharField(_("cơ quan ban hành"), max_length=200, blank=True)
    signer_authority = models.CharField(_("quyền hạn ký"), max_length=100, blank=True)
    signer_title = models.CharField(_("chức vụ người ký"), max_length=100, blank=True)
    signer_name = models.CharField(_("họ tên người ký"), max_length=100, blank=True)
    recipients = models.TextField(_("nơi nhận"), blank=True, help_text=_("Mỗi dòng một nơi nhận."))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("nội dung báo cáo")
        verbose_name_plural = _("nội dung báo cáo")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "period_code", "convention"], name="report_narrative_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.period_code} {self.convention}"


class ReportingDeadline(models.Model):
    """The day of the month by which a unit's figures for a month are due, set by a
    province (or any unit) for its subtree; the nearest setting above a unit wins. A month
    whose deadline has not passed is "chưa đến hạn" in completeness, not missing."""

    DEFAULT_DAY = 20

    unit = models.OneToOneField(Unit, on_delete=models.CASCADE, related_name="reporting_deadline")
    day = models.PositiveSmallIntegerField(
        _("hạn báo cáo (ngày trong tháng)"),
        default=DEFAULT_DAY,
        help_text=_("Số liệu của một tháng phải có trước ngày này (1–28)."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("hạn báo cáo")
        verbose_name_plural = _("hạn báo cáo")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(day__gte=1, day__lte=28), name="report_deadline_day_range"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.day}"
