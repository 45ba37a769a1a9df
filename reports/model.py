"""The report's typed model: what every rendering (page, .docx, .xlsx) shows.

``ReportData`` holds one object per section; the section definitions
(``reports/sections/``) read from it, and the renderers (``reports/render/``) only ever see
rows and columns. ``ReportData.from_dict`` takes the report JSON (``selectors.summary`` plus
the trend, top posts and document fields of ``build.report_data``), so the API's JSON and
the documents come from the same figures.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from reports.formatting import clean_text, month_label_vi, to_local_date
from reports.periods import by_reporting_month

METRICS = ("posts", "reach", "views", "engagements", "posts_without_reach")


def _int(value: Any) -> int | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _sum(values: Iterable[int | None]) -> int | None:
    """The sum of the known values; None when none is known (a "—", not a 0)."""
    known = [v for v in values if v is not None]
    return sum(known) if known else None


@dataclass(frozen=True)
class Figures:
    """The figures of one selection of posts and forms (docs/reports.md)."""

    posts: int = 0
    reach: int | None = None
    views: int | None = None
    engagements: int = 0
    posts_without_reach: int = 0

    @classmethod
    def of(cls, d: Mapping[str, Any] | None) -> Figures:
        d = d or {}
        return cls(
            posts=_int(d.get("posts")) or 0,
            reach=_int(d.get("reach")),
            views=_int(d.get("views")),
            engagements=_int(d.get("engagements")) or 0,
            posts_without_reach=_int(d.get("posts_without_reach")) or 0,
        )

    @classmethod
    def total(cls, items: Iterable[Figures]) -> Figures:
        items = list(items)
        return cls(
            posts=sum(f.posts for f in items),
            reach=_sum(f.reach for f in items),
            views=_sum(f.views for f in items),
            engagements=sum(f.engagements for f in items),
            posts_without_reach=sum(f.posts_without_reach for f in items),
        )


@dataclass(frozen=True)
class UnitInfo:
    code: str
    name: str
    place: str = ""
    parent_name: str | None = None
    authority_name: str = ""


@dataclass(frozen=True)
class PeriodInfo:
    code: str
    kind: str
    label: str
    start: date | None
    end: date | None
    convention: str = "calendar"
    as_of: date | None = None  # the period is not over: figures so far, up to this day

    @property
    def by_reporting_month(self) -> bool:
        return by_reporting_month(self.convention, self.kind)


@dataclass(frozen=True)
class Headline:
    totals: Figures
    active_channels: int | None
    previous: Figures | None
    previous_start: date | None = None
    previous_end: date | None = None


@dataclass(frozen=True)
class BreakdownRow:
    key: str
    label: str
    figures: Figures


@dataclass(frozen=True)
class Breakdown:
    rows: tuple[BreakdownRow, ...]

    @property
    def total(self) -> Figures:
        return Figures.total(r.figures for r in self.rows)


@dataclass(frozen=True)
class ChildRow:
    code: str
    name: str
    figures: Figures
    active_channels: int | None
    reported_months: int | None
    own: bool = False  # the unit's own channels, not a child unit


@dataclass(frozen=True)
class Children:
    rows: tuple[ChildRow, ...]  # the unit's own channels first, then each direct child
    months: int

    @property
    def total(self) -> Figures:
        return Figures.total(r.figures for r in self.rows)

    @property
    def total_channels(self) -> int | None:
        return _sum(r.active_channels for r in self.rows)


@dataclass(frozen=True)
class MonthRow:
    month: date
    label: str
    figures: Figures
    start: date | None = None
    end: date | None = None
    # The query of the row's own period ("period=2026-07&convention=administrative"): its
    # figures' drill-down link.
    drill: str = ""


@dataclass(frozen=True)
class Monthly:
    rows: tuple[MonthRow, ...]

    @property
    def total(self) -> Figures:
        return Figures.total(r.figures for r in self.rows)


@dataclass(frozen=True)
class MissingRow:
    code: str
    name: str
    months: tuple[str, ...]  # labels: "T3/2026"


@dataclass(frozen=True)
class Completeness:
    expected: int
    reported: int
    missing: tuple[MissingRow, ...]
    not_due: tuple[str, ...] = ()  # month labels whose deadline has not passed
    deadline_day: int | None = None

    @property
    def rate(self) -> float | None:
        return self.reported / self.expected if self.expected else None


@dataclass(frozen=True)
class TopPost:
    unit: str
    platform: str  # the platform's label, never its code
    url: str
    caption: str
    published: date | None
    reach: int | None
    views: int | None


@dataclass(frozen=True)
class SourceRow:
    """A channel's (or a unit's monthly forms') source of figures in the period."""

    label: str  # "unit: channel"
    kinds: tuple[str, ...]  # "connector", "file", "api", "demo", "form"
    refreshed: date | None
    stale: bool | None  # None: not a channel (forms)
    followers_start: int | None = None
    followers_end: int | None = None
    form_months: int = 0


@dataclass(frozen=True)
class SourceUnitRow:
    """A direct child's channels (its whole subtree), or the unit's own (``own``), for the
    sources section of a unit with children."""

    code: str
    name: str
    own: bool
    channels: int
    connected: int
    stale: int
    refreshed: date | None
    form_months: int


@dataclass(frozen=True)
class Sources:
    rows: tuple[SourceRow, ...]
    total_channels: int
    stale_after_days: int = 2
    units: tuple[SourceUnitRow, ...] = ()  # a unit with children: one row per child


@dataclass(frozen=True)
class FollowerMonth:
    """A month of the followers section: a calendar month (cut to a date range), or a
    reporting month of Decree 09 with its dates."""

    month: date
    label: str  # "T7/2026"
    start: date | None = None  # a reporting month's first and last day
    end: date | None = None


@dataclass(frozen=True)
class ChannelFollowerRow:
    """A channel's last known follower count in a month, and the day of that count (before
    the month when it was carried forward)."""

    channel: str
    month: FollowerMonth
    followers: int
    as_of: date | None


@dataclass(frozen=True)
class FollowerTotalRow:
    """A subtree's followers in a month: the sum of its channels' last known counts, and
    how many channels that is."""

    month: FollowerMonth
    followers: int | None
    channels: int


@dataclass(frozen=True)
class ChannelFollowers:
    channel: str
    counts: tuple[tuple[int, date | None] | None, ...]  # per month; None: no count yet


@dataclass(frozen=True)
class Followers:
    """Followers by month (the connected channels' daily counts): a unit's own channels
    (``by_channel``, the ``LIMIT`` with most followers; ``more_channels`` left out), or a
    subtree's total."""

    by_channel: bool
    months: tuple[FollowerMonth, ...]
    channels: tuple[ChannelFollowers, ...] = ()
    more_channels: int = 0
    more_followers: int = 0
    total: tuple[FollowerTotalRow, ...] = ()

    @property
    def channel_rows(self) -> tuple[ChannelFollowerRow, ...]:
        """One row per channel and month with a count, channel by channel."""
        return tuple(
            ChannelFollowerRow(c.channel, month, count[0], count[1])
            for c in self.channels
            for month, count in zip(self.months, c.counts, strict=False)
            if count is not None
        )

    @property
    def known(self) -> bool:
        """Whether any channel has a follower count (the section is shown only then)."""
        if self.by_channel:
            return any(count is not None for c in self.channels for count in c.counts)
        return any(row.followers is not None for row in self.total)


@dataclass(frozen=True)
class ReportData:
    unit: UnitInfo
    period: PeriodInfo
    generated_on: date
    headline: Headline
    by_platform: Breakdown
    by_content_type: Breakdown
    children: Children | None
    monthly: Monthly
    completeness: Completeness | None
    top_posts: tuple[TopPost, ...]
    top_items: tuple[Mapping[str, Any], ...] = ()
    narrative: Mapping[str, str] = field(default_factory=dict)
    document: Mapping[str, Any] = field(default_factory=dict)
    sources: Sources | None = None
    followers: Followers | None = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ReportData:
        return _from_dict(data)


def _date(value: Any) -> date | None:
    if value in (None, ""):
        return None
    try:
        return to_local_date(value)
    except (TypeError, ValueError):
        return None


def _breakdown(rows: Iterable[Mapping[str, Any]], key: str) -> Breakdown:
    return Breakdown(
        tuple(
            BreakdownRow(
                key=str(r.get(key) or ""),
                label=clean_text(r.get("label") or r.get(key)),
                figures=Figures.of(r),
            )
            for r in rows
        )
    )


def _month(text: str) -> date | None:
    try:
        y, m = str(text).split("-")[:2]
        return date(int(y), int(m), 1)
    except (TypeError, ValueError):
        return None


def _month_query(month: date, period: Mapping[str, Any]) -> str:
    """The period of one row of the monthly table: the month itself (a reporting month under
    the administrative convention), or, in a date range, the part of the month inside it."""
    convention = str(period.get("convention") or "calendar")
    if period.get("kind") != "range":
        code = f"{month.year:04d}-{month.month:02d}"
    else:
        start, end = _date(period.get("start")), _date(period.get("end"))
        if start is None or end is None:
            return ""
        last = (month.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
        code = f"{max(start, month).isoformat()}:{min(end, last).isoformat()}"
    return urlencode({"period": code, "convention": convention})


def _from_dict(data: Mapping[str, Any]) -> ReportData:
    unit = data.get("unit") or {}
    period = data.get("period") or {}
    totals = data.get("totals") or {}
    previous = data.get("previous_year")
    prev_period = (previous or {}).get("period") or {}
    children_in = data.get("children") or []
    completeness = data.get("completeness")
    months = len((completeness or {}).get("months") or [])
    children = None
    if children_in:
        rows = [
            ChildRow(
                code=str((c.get("unit") or {}).get("code") or ""),
                name=clean_text(
                    (c.get("unit") or {}).get("name") or (c.get("unit") or {}).get("code")
                ),
                figures=Figures.of(c.get("totals")),
                active_channels=_int((c.get("totals") or {}).get("active_channels")),
                reported_months=_int(c.get("reported_months")),
            )
            for c in children_in
        ]
        own = data.get("own")
        if own is None:  # a report JSON without the unit's own figures: the remainder
            parts = Figures.total(r.figures for r in rows)
            t = Figures.of(totals)
            own_figures = Figures(
                posts=max(0, t.posts - parts.posts),
                reach=None if t.reach is None else max(0, t.reach - (parts.reach or 0)),
                views=None if t.views is None else max(0, t.views - (parts.views or 0)),
                engagements=max(0, t.engagements - parts.engagements),
                posts_without_reach=max(0, t.posts_without_reach - parts.posts_without_reach),
            )
        else:
            own_figures = Figures.of(own)
        own_row = ChildRow(
            code=str(unit.get("code") or ""),
            name="",
            figures=own_figures,
            active_channels=_int((own or {}).get("active_channels")),
            reported_months=None,
            own=True,
        )
        children = Children(rows=(own_row, *rows), months=months)
    missing = tuple(
        MissingRow(
            code=str(m.get("code") or ""),
            name=clean_text(m.get("name") or m.get("code")),
            months=tuple(
                month_label_vi(d) if (d := _month(x)) else clean_text(x)
                for x in m.get("months_missing") or []
            ),
        )
        for m in (completeness or {}).get("missing") or []
    )
    generated = _date(data.get("generated_on")) or datetime.now(_vn()).date()
    return ReportData(
        unit=UnitInfo(
            code=str(unit.get("code") or ""),
            name=clean_text(unit.get("name")),
            place=clean_text(unit.get("place")),
            parent_name=unit.get("parent_name"),
            authority_name=clean_text(unit.get("authority_name")),
        ),
        period=PeriodInfo(
            code=str(period.get("code") or ""),
            kind=str(period.get("kind") or ""),
            label=clean_text(period.get("label")),
            start=_date(period.get("start")),
            end=_date(period.get("end")),
            convention=str(period.get("convention") or "calendar"),
            as_of=_date(period.get("as_of")),
        ),
        generated_on=generated,
        headline=Headline(
            totals=Figures.of(totals),
            active_channels=_int(totals.get("active_channels")),
            previous=Figures.of(previous) if previous else None,
            previous_start=_date(prev_period.get("start")),
            previous_end=_date(prev_period.get("end")),
        ),
        by_platform=_breakdown(data.get("by_platform") or [], "platform"),
        by_content_type=_breakdown(data.get("by_content_type") or [], "content_type"),
        children=children,
        monthly=Monthly(
            tuple(
                MonthRow(
                    month=d,
                    label=clean_text(r.get("label")) or month_label_vi(d),
                    figures=Figures.of(r),
                    start=_date(r.get("start")),
                    end=_date(r.get("end")),
                    drill=_month_query(d, period),
                )
                for r in data.get("monthly") or []
                if (d := _month(r.get("month", "")))
            )
        ),
        completeness=(
            Completeness(
                expected=_int(completeness.get("expected")) or 0,
                reported=_int(completeness.get("reported")) or 0,
                missing=missing,
                not_due=tuple(
                    month_label_vi(d)
                    for x in completeness.get("months_not_due") or []
                    if (d := _month(x))
                ),
                deadline_day=_int(completeness.get("deadline_day")),
            )
            if completeness
            else None
        ),
        top_posts=tuple(
            TopPost(
                unit=clean_text(p.get("unit")),
                platform=clean_text(p.get("platform_label") or p.get("platform")),
                url=clean_text(p.get("url")).strip(),
                caption=clean_text(p.get("caption")),
                published=_date(p.get("published_at")),
                reach=_int(p.get("reach")),
                views=_int(p.get("views")),
            )
            for p in data.get("top_posts") or []
        ),
        top_items=tuple(data.get("top_items") or ()),
        narrative=dict(data.get("narrative") or {}),
        document=dict(data.get("document") or {}),
        sources=_sources(data.get("sources")),
        followers=_followers(data.get("followers")),
    )


def _followers(data: Mapping[str, Any] | None) -> Followers | None:
    if not data:
        return None
    months = tuple(
        FollowerMonth(
            month=d,
            label=clean_text(m.get("label")) or month_label_vi(d),
            start=_date(m.get("start")),
            end=_date(m.get("end")),
        )
        for m in data.get("months") or []
        if (d := _month(m.get("month", "")))
    )

    def count(value: Any) -> tuple[int, date | None] | None:
        if not value:
            return None
        n = _int(value[0])
        return None if n is None else (n, _date(value[1]) if len(value) > 1 else None)

    channels = tuple(
        ChannelFollowers(
            channel=clean_text(c.get("channel")),
            counts=tuple(count(v) for v in c.get("counts") or []),
        )
        for c in data.get("channels") or []
    )
    total = tuple(
        FollowerTotalRow(
            month=month,
            followers=_int(t.get("followers")),
            channels=_int(t.get("channels")) or 0,
        )
        for month, t in zip(months, data.get("total") or [], strict=False)
    )
    return Followers(
        by_channel=bool(data.get("by_channel")),
        months=months,
        channels=channels,
        more_channels=_int(data.get("more_channels")) or 0,
        more_followers=_int(data.get("more_followers")) or 0,
        total=total,
    )


def _sources(data: Mapping[str, Any] | None) -> Sources | None:
    if not data:
        return None
    rows = [
        SourceRow(
            label=clean_text(f"{c.get('unit') or ''}: {c.get('channel') or ''}"),
            kinds=tuple(str(k) for k in c.get("kinds") or ()),
            refreshed=_date(c.get("refreshed_at")),
            stale=bool(c.get("stale")),
            followers_start=_int(c.get("followers_start")),
            followers_end=_int(c.get("followers_end")),
        )
        for c in data.get("channels") or []
    ]
    rows += [
        SourceRow(
            label=clean_text(f"{f.get('unit') or ''}: {f.get('platform_label') or ''}"),
            kinds=("form",),
            refreshed=_date(f.get("approved_at")),
            stale=None,
            form_months=_int(f.get("months")) or 0,
        )
        for f in data.get("forms") or []
    ]
    units = tuple(
        SourceUnitRow(
            code=str(u.get("code") or ""),
            name=clean_text(u.get("unit")),
            own=bool(u.get("own")),
            channels=_int(u.get("channels")) or 0,
            connected=_int(u.get("connected")) or 0,
            stale=_int(u.get("stale")) or 0,
            refreshed=_date(u.get("refreshed_at")),
            form_months=_int(u.get("form_months")) or 0,
        )
        for u in data.get("by_unit") or []
    )
    return Sources(
        rows=tuple(rows),
        total_channels=_int(data.get("total_channels")) or 0,
        stale_after_days=_int(data.get("stale_after_days")) or 2,
        units=units,
    )


def _vn() -> Any:
    from reports.formatting import VN_TZ

    return VN_TZ
