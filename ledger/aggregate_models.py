"""The ledger's aggregate tables: the unit-month sums, their subtree roll-up, each channel's
activity by half-month, and which units reported which month (kept by ``ledger.ingest``)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from registry.models import Channel
from units.models import Unit


class Sums(models.Model):
    """The sums an aggregate row keeps (only known values are summed: ``posts_with_reach``
    says how many posts ``reach`` covers)."""

    posts = models.BigIntegerField(default=0)
    posts_with_reach = models.BigIntegerField(default=0)
    reach = models.BigIntegerField(default=0)
    posts_with_views = models.BigIntegerField(default=0)
    views = models.BigIntegerField(default=0)
    reactions = models.BigIntegerField(default=0)
    comments = models.BigIntegerField(default=0)
    shares = models.BigIntegerField(default=0)
    clicks = models.BigIntegerField(default=0)
    engagements = models.BigIntegerField(default=0)  # reactions + comments + shares
    watch_time_seconds = models.BigIntegerField(default=0)

    SUMS = (
        "posts",
        "posts_with_reach",
        "reach",
        "posts_with_views",
        "views",
        "reactions",
        "comments",
        "shares",
        "clicks",
        "engagements",
        "watch_time_seconds",
    )

    class Meta:
        abstract = True


class UnitMonthStat(Sums):
    """The aggregate: unit × month × platform × content type × source.

    Kept up to date in the same transaction as each import (source ``import``) and each
    form approval or unlock (source ``form``). ``counted`` says whether the row counts in
    totals: a form's rows count only while no import has posts for the same unit, month
    and platform (imports win; see docs/import-formats.md). Reports sum ``counted`` rows.
    """

    class Source(models.TextChoices):
        IMPORT = "import", _("File xuất/API")
        FORM = "form", _("Báo cáo tháng")

    UNSPECIFIED = "unspecified"  # a form's reach, which is not broken down by content type

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="month_stats")
    month = models.DateField()
    platform = models.CharField(max_length=16, choices=Channel.Platform.choices)
    content_type = models.CharField(max_length=16)
    source = models.CharField(max_length=8, choices=Source.choices)
    counted = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["unit", "month", "platform", "content_type", "source"]
        verbose_name = _("số liệu tổng hợp tháng")
        verbose_name_plural = _("số liệu tổng hợp tháng")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "month", "platform", "content_type", "source"],
                name="ledger_stat_unique",
            ),
        ]
        indexes = [models.Index(fields=["month", "unit"], name="ledger_stat_month_unit")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.month} {self.platform} {self.content_type} {self.source}"


class SubtreeStat(Sums):
    """The roll-up: for each unit, the counted sums of its whole subtree (the unit itself
    included) × month × half-month × platform × content type.

    Kept in the same transaction as ``UnitMonthStat`` (each import, form approval and
    unlock, and the change of a form's ``counted``), so a report of any unit reads a few
    hundred rows of its own instead of the rows of every unit under it. ``half`` lets the
    administrative periods (15th to 14th, Decree 09/2019) be read without touching posts:
    1 = days 1-14, 2 = days 15-end (by publication time in Asia/Ho_Chi_Minh), 0 = the whole
    month (monthly forms, and posts without a publication time).
    """

    class Half(models.IntegerChoices):
        WHOLE = 0, _("Cả tháng")
        FIRST = 1, _("Ngày 1-14")
        SECOND = 2, _("Ngày 15 đến cuối tháng")

    SECOND_HALF_FROM = 15  # the administrative periods run from the 15th (Decree 09/2019)

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="subtree_stats")
    month = models.DateField()
    half = models.PositiveSmallIntegerField(choices=Half.choices)
    platform = models.CharField(max_length=16, choices=Channel.Platform.choices)
    content_type = models.CharField(max_length=16)

    class Meta:
        ordering = ["unit", "month", "half", "platform", "content_type"]
        verbose_name = _("số liệu cộng dồn theo cây đơn vị")
        verbose_name_plural = _("số liệu cộng dồn theo cây đơn vị")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "month", "half", "platform", "content_type"],
                name="ledger_subtree_stat_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.month} {self.half} {self.platform} {self.content_type}"


class ChannelActivity(models.Model):
    """The channels' activity, for the reports' "active channels" (a channel with a post
    published in the period): for each channel and year, how many of its posts were
    published in each half-month (``h01`` = 1-14 January, ``h02`` = 15-31 January, …,
    ``h24`` = 15-31 December; by publication time in Asia/Ho_Chi_Minh, the roll-up's
    halves). Posts without a publication time are in no period's window and not here.

    Kept by the aggregate in the same transaction as ``UnitMonthStat`` (an import adds its
    new posts and moves a changed post's count from its old half to its new one), so a
    report counts a country's active channels from one row per channel and year instead of
    probing 10 million posts; rows left all zero are deleted. ``recompute_activity``
    (``ledger.ingest.activity``) is its brute-force oracle. The channel counts for the unit
    it is registered to now: ``unit`` is the channel's, copied so that a report counts a
    country's rows without joining its 20,000 channels, and moved with the channel when it
    is registered to another unit (``registry.services``)."""

    HALVES = tuple(f"h{i:02d}" for i in range(1, 25))
    SUMS = HALVES  # for ``aggregate.upsert_add``

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="activity")
    # Null only between a row's insertion and the statement that copies the channel's unit,
    # in the same transaction.
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="+", null=True, db_index=False
    )
    year = models.PositiveSmallIntegerField()
    h01 = models.IntegerField(default=0)
    h02 = models.IntegerField(default=0)
    h03 = models.IntegerField(default=0)
    h04 = models.IntegerField(default=0)
    h05 = models.IntegerField(default=0)
    h06 = models.IntegerField(default=0)
    h07 = models.IntegerField(default=0)
    h08 = models.IntegerField(default=0)
    h09 = models.IntegerField(default=0)
    h10 = models.IntegerField(default=0)
    h11 = models.IntegerField(default=0)
    h12 = models.IntegerField(default=0)
    h13 = models.IntegerField(default=0)
    h14 = models.IntegerField(default=0)
    h15 = models.IntegerField(default=0)
    h16 = models.IntegerField(default=0)
    h17 = models.IntegerField(default=0)
    h18 = models.IntegerField(default=0)
    h19 = models.IntegerField(default=0)
    h20 = models.IntegerField(default=0)
    h21 = models.IntegerField(default=0)
    h22 = models.IntegerField(default=0)
    h23 = models.IntegerField(default=0)
    h24 = models.IntegerField(default=0)

    class Meta:
        ordering = ["channel", "year"]
        verbose_name = _("hoạt động của kênh")
        verbose_name_plural = _("hoạt động của kênh")
        constraints = [
            models.UniqueConstraint(fields=["channel", "year"], name="ledger_activity_unique"),
        ]
        indexes = [
            models.Index(fields=["year", "channel"], name="ledger_activity_year"),
            models.Index(fields=["unit", "year"], name="ledger_activity_unit_year"),
        ]

    def __str__(self) -> str:
        return f"{self.channel_id} {self.year}"

    @staticmethod
    def column(month: int, half: int) -> str:
        """The field of a month's half (1: days 1-14, 2: days 15 to the end)."""
        return f"h{(month - 1) * 2 + half:02d}"


class SubtreeActivity(models.Model):
    """The active channels of each unit's subtree, kept so that a report counts them from a
    few rows per half-month instead of one row per channel (a country has 20,000).

    A row counts the channels of ``unit``'s subtree (the unit itself included) that have a
    post in half-month ``half`` (a running index, ``year * 24 + h - 1`` with ``h`` as in
    ``ChannelActivity``) and whose previous half-month with a post was ``gap`` halves
    earlier (0: none before). In a run of half-months [a, b] a channel is active when it has
    a first active half ``h`` there, and that half's previous one lies before ``a``; it has
    exactly one. So the active channels of [a, b] are the sum of the rows with
    ``a <= half <= b`` and ``gap = 0 or half - gap < a`` (``active_in``), which adds up over
    units, where a count of distinct channels does not.

    Kept from ``ChannelActivity`` in the same transaction (``ledger.ingest.activity``);
    ``recompute_subtree_activity`` is its oracle."""

    SUMS = ("channels",)

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+", db_index=False)
    half = models.IntegerField()
    gap = models.IntegerField()
    channels = models.IntegerField(default=0)

    class Meta:
        ordering = ["unit", "half", "gap"]
        verbose_name = _("kênh hoạt động theo cây đơn vị")
        verbose_name_plural = _("kênh hoạt động theo cây đơn vị")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "half", "gap"], name="ledger_subtree_activity_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.half} {self.gap}"

    @staticmethod
    def index(year: int, month: int, half: int) -> int:
        """The running index of a month's half (1: days 1-14, 2: days 15 to the end)."""
        return year * 24 + (month - 1) * 2 + half - 1


class UnitMonthReport(models.Model):
    """Completeness: a unit has reported a month when an import touched it or a form of
    that month is approved."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="month_reports")
    month = models.DateField()
    by_import = models.BooleanField(default=False)
    by_form = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["unit", "month"]
        verbose_name = _("đơn vị đã báo cáo tháng")
        verbose_name_plural = _("đơn vị đã báo cáo tháng")
        constraints = [
            models.UniqueConstraint(fields=["unit", "month"], name="ledger_report_unique"),
        ]
        indexes = [models.Index(fields=["month", "unit"], name="ledger_report_month_unit")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.month}"

    @property
    def reported(self) -> bool:
        return self.by_import or self.by_form


class SubtreeReported(models.Model):
    """Completeness kept per subtree: how many units of ``unit``'s subtree (the unit itself
    included) have reported ``month`` (``UnitMonthReport``: an import or an approved form).
    A report reads its unit's and its children's rows (a few per month) and looks for the
    units that missed a month only under the children whose count falls short, where it
    counted every unit's months (3,355 units for a country).

    Kept in the transaction that flips a ``UnitMonthReport`` (``ledger.ingest.completeness``)
    and moved with a re-parented unit; ``recompute_subtree_reported`` is its oracle."""

    SUMS = ("units",)

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+", db_index=False)
    month = models.DateField()
    units = models.IntegerField(default=0)

    class Meta:
        ordering = ["unit", "month"]
        verbose_name = _("đơn vị đã báo cáo theo cây đơn vị")
        verbose_name_plural = _("đơn vị đã báo cáo theo cây đơn vị")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "month"], name="ledger_subtree_reported_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.month} {self.units}"
