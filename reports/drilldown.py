"""What is behind a report's figures: a unit's channels, and the posts and monthly-form rows
of a period that its figures sum, filtered by channel, platform and content type.

The list reads the rows the roll-up sums (docs/reports.md), so its sums are the report's
figures: a post counts when it was published in the period (an undated post, in the month
it was first imported, when the period counts that month's forms); a monthly form counts
through its aggregate rows while they are ``counted`` (no import for the same unit, month
and platform). A form's items sit in one row per content type, its reach in a row of its
own ("Không phân loại (báo cáo tháng)"), exactly as in the breakdown by content type.

The unit must already be one the user may see (``units.selectors.units_visible_to``); the
channel filter only takes channels of that unit's subtree.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import Count, Exists, F, Max, OuterRef, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from ledger.models import ContentType, Post, UnitMonthStat
from registry.models import Channel
from reports.formatting import VN_TZ
from reports.periods import Period
from reports.selectors import platform_label, slices
from units.models import Unit
from units.selectors import subtree_q

# The content types as the list and its filter name them (in the reader's language).
CONTENT_TYPES: list[tuple[str, Any]] = [
    *ContentType.choices,
    (UnitMonthStat.UNSPECIFIED, _l("Không phân loại (báo cáo tháng)")),
]


def content_type_label(code: str) -> str:
    return str(dict(CONTENT_TYPES).get(code, code))


@dataclass(frozen=True)
class Filters:
    own: bool = False  # the unit's own channels only (not its children's)
    channel: Channel | None = None
    platform: str = ""
    content_type: str = ""
    without_reach: bool = False  # only rows with items that have no reach figure


@dataclass(frozen=True)
class Totals:
    posts: int
    reach: int | None  # None: no row gave a reach (the report shows "—")
    views: int | None
    engagements: int
    posts_without_reach: int


@dataclass(frozen=True)
class Row:
    """One line of the list: a post (``items`` 1) or a counted monthly-form row."""

    kind: str  # "post" | "form"
    unit: str
    channel: str
    platform: str  # label, never the code
    content_type: str  # label
    published: datetime | None  # a post's publication time (Vietnam time)
    month: date  # the month it counts in (a form's month; an undated post's)
    caption: str
    url: str
    items: int
    reach: int | None
    views: int | None
    engagements: int
    without_reach: int


def _scope(unit: Unit, own: bool) -> Q:
    return Q(unit=unit) if own else subtree_q(unit)


def posts(unit: Unit, period: Period, f: Filters) -> QuerySet[Post]:
    sl = slices(period)
    window = Q(
        published_at__gte=period.start_datetime(), published_at__lt=period.end_datetime_exclusive()
    ) | Q(published_at__isnull=True, month__in=sl.form_months)
    qs = Post.objects.filter(_scope(unit, f.own)).filter(window)
    if f.channel is not None:
        qs = qs.filter(channel=f.channel)
    if f.platform:
        qs = qs.filter(platform=f.platform)
    if f.content_type:
        qs = qs.filter(content_type=f.content_type)
    if f.without_reach:
        qs = qs.filter(reach__isnull=True)
    return qs


def forms(unit: Unit, period: Period, f: Filters) -> QuerySet[UnitMonthStat]:
    """The counted monthly-form rows of the period (none when a channel is chosen: a form
    is filed for a unit and a platform, not for a channel)."""
    if f.channel is not None:
        return UnitMonthStat.objects.none()
    qs = UnitMonthStat.objects.filter(
        _scope(unit, f.own),
        source=UnitMonthStat.Source.FORM,
        counted=True,
        month__in=slices(period).form_months,
    )
    if f.platform:
        qs = qs.filter(platform=f.platform)
    if f.content_type:
        qs = qs.filter(content_type=f.content_type)
    if f.without_reach:
        qs = qs.filter(posts__gt=F("posts_with_reach"))
    return qs


_ENGAGEMENTS = (
    Coalesce(F("reactions"), Value(0))
    + Coalesce(F("comments"), Value(0))
    + Coalesce(F("shares"), Value(0))
)


def totals(unit: Unit, period: Period, f: Filters) -> Totals:
    p = posts(unit, period, f).aggregate(
        n=Count("id"),
        with_reach=Count("reach"),
        reach=Sum("reach"),
        with_views=Count("views"),
        views=Sum("views"),
        engagements=Sum(_ENGAGEMENTS),
    )
    s = forms(unit, period, f).aggregate(
        n=Sum("posts"),
        with_reach=Sum("posts_with_reach"),
        reach=Sum("reach"),
        with_views=Sum("posts_with_views"),
        views=Sum("views"),
        engagements=Sum("engagements"),
    )
    n = p["n"] + (s["n"] or 0)
    with_reach = p["with_reach"] + (s["with_reach"] or 0)
    reach = (p["reach"] or 0) + (s["reach"] or 0)
    with_views = p["with_views"] + (s["with_views"] or 0)
    return Totals(
        posts=n,
        # As the report: reach is known when some post or form gave one.
        reach=reach if (with_reach or reach) else None,
        views=(p["views"] or 0) + (s["views"] or 0) if with_views else None,
        engagements=(p["engagements"] or 0) + (s["engagements"] or 0),
        posts_without_reach=n - with_reach,
    )


class Listing:
    """The forms' rows first (a few per unit and month), then the posts, newest first, as
    one sequence that a paginator can slice without loading the rest."""

    def __init__(self, unit: Unit, period: Period, f: Filters) -> None:
        self._forms = (
            forms(unit, period, f)
            .select_related("unit")
            .order_by("month", "unit__path", "platform", "content_type")
        )
        self._posts = (
            posts(unit, period, f)
            .select_related("unit", "channel")
            .order_by(F("published_at").desc(nulls_last=True), "-id")
        )
        self._forms_count: int | None = None

    def forms_count(self) -> int:
        if self._forms_count is None:
            self._forms_count = self._forms.count()
        return self._forms_count

    def count(self) -> int:
        return self.forms_count() + self._posts.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key: slice) -> list[Row]:
        start, stop = key.start or 0, key.stop
        nf = self.forms_count()
        out = [_form_row(s) for s in self._forms[start : min(stop, nf)]] if start < nf else []
        first, last = max(0, start - nf), max(0, stop - nf)
        if last > first:
            out += [_post_row(p) for p in self._posts[first:last]]
        return out

    def __iter__(self) -> Iterator[Row]:
        for s in self._forms.iterator(chunk_size=2000):
            yield _form_row(s)
        for p in self._posts.iterator(chunk_size=2000):
            yield _post_row(p)


def _post_row(p: Post) -> Row:
    engagements = (p.reactions or 0) + (p.comments or 0) + (p.shares or 0)
    return Row(
        kind="post",
        unit=p.unit.name,
        channel=p.channel.display_name or p.channel.identifier,
        platform=platform_label(p.platform),
        content_type=content_type_label(p.content_type),
        published=p.published_at.astimezone(VN_TZ) if p.published_at else None,
        month=p.month,
        caption=p.caption,
        url=p.permalink,
        items=1,
        reach=p.reach,
        views=p.views,
        engagements=engagements,
        without_reach=1 if p.reach is None else 0,
    )


def _form_row(s: UnitMonthStat) -> Row:
    with_reach = s.posts_with_reach
    return Row(
        kind="form",
        unit=s.unit.name,
        channel="",
        platform=platform_label(s.platform),
        content_type=content_type_label(s.content_type),
        published=None,
        month=s.month,
        caption=_("Báo cáo tháng %(month)s") % {"month": f"{s.month.month}/{s.month.year}"},
        url="",
        items=s.posts,
        # A form's reach sits in its "unspecified" row; its item rows carry none.
        reach=s.reach if (with_reach or s.reach) else None,
        views=s.views if s.posts_with_views else None,
        engagements=s.engagements,
        without_reach=s.posts - with_reach,
    )


@dataclass(frozen=True)
class ChannelRow:
    channel: Channel | None  # None: the counted monthly forms, which have no channel
    unit: str
    platform: str
    posts: int
    reach: int | None
    posts_without_reach: int
    active: bool  # published at least one post in the period (the report's active channels)
    last_data: date | None  # the latest day the channel's figures are known for


def channel_rows(unit: Unit, period: Period, *, own: bool = False) -> list[ChannelRow]:
    """The scope's channels, one row each, with the period's posts and reach, and a last row
    for the counted monthly forms, so the rows add up to the unit's figures. A channel that
    moved to another unit keeps its earlier posts where they were imported: it is listed
    here for them, though not counted active (the report counts it where it is now)."""
    f = Filters(own=own)
    per_channel: dict[int, dict[str, Any]] = {
        r["channel_id"]: dict(r)
        for r in posts(unit, period, f)
        .values("channel_id")
        .annotate(n=Count("id"), with_reach=Count("reach"), reach=Sum("reach"))
        .order_by()
    }
    registered = Q(unit=unit) if own else subtree_q(unit)
    published = Post.objects.filter(channel=OuterRef("pk")).filter(
        published_at__gte=period.start_datetime(), published_at__lt=period.end_datetime_exclusive()
    )
    channels = (
        Channel.objects.filter(registered | Q(pk__in=list(per_channel)))
        .select_related("unit")
        .annotate(
            is_active=Exists(published),
            in_scope=Exists(Channel.objects.filter(registered, pk=OuterRef("pk"))),
            last_data=Max("posts__latest_as_of"),
        )
        .order_by("unit__path", "platform", "identifier")
    )
    out = []
    for c in channels:
        r: dict[str, Any] = per_channel.get(c.pk) or {"n": 0, "with_reach": 0, "reach": None}
        out.append(
            ChannelRow(
                channel=c,
                unit=c.unit.name,
                platform=platform_label(c.platform),
                posts=r["n"],
                reach=r["reach"] if r["with_reach"] else None,
                posts_without_reach=r["n"] - r["with_reach"],
                active=bool(c.is_active and c.in_scope),
                last_data=c.last_data,
            )
        )
    s = forms(unit, period, f).aggregate(
        n=Sum("posts"), with_reach=Sum("posts_with_reach"), reach=Sum("reach")
    )
    n: int = s["n"] or 0
    with_reach: int = s["with_reach"] or 0
    if n or s["reach"]:
        out.append(
            ChannelRow(
                channel=None,
                unit="",
                platform="",
                posts=n,
                reach=s["reach"] if (with_reach or s["reach"]) else None,
                posts_without_reach=n - with_reach,
                active=False,
                last_data=None,
            )
        )
    return out
