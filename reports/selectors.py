"""Roll-up reports, read from the ledger's roll-up table.

A report never scans raw posts for whole half-months: they come from
``ledger.SubtreeStat``, which holds, for every unit, the sums of its whole subtree by
month and half-month (days 1-14, 15-end), kept in the same transaction as each import and
form approval. A report of the country therefore reads the country's own few hundred rows,
not the rows of its 3,000 communes; the administrative periods (15th to 14th) fall on
half-month bounds. Only the partial half-months at the edges of a date range are summed
from posts, by their exact publication time. Monthly forms (and posts without a
publication time) count in the months they were filed for.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from ledger.ingest.activity import active_in
from ledger.ingest.completeness import reported_in
from ledger.models import (
    ChannelActivity,
    Post,
    SubtreeActivity,
    SubtreeStat,
    UnitMonthReport,
    UnitMonthStat,
)
from registry.models import Channel
from reports.formatting import VN_TZ
from reports.periods import Period
from units.models import Unit
from units.selectors import (
    child_code,
    path_in_subtree_q,
    subtree,
    subtree_q,
    units_counted_below,
)

# The aggregate's sums that reports show (watch time is kept but not reported yet).
SUMS = tuple(f for f in UnitMonthStat.SUMS if f != "watch_time_seconds")
CONTENT_TYPE_LABELS = {
    "article": _("Tin bài"),
    "photo": _("Ảnh"),
    "video": _("Video"),
    "livestream": _("Trực tiếp"),
    "other": _("Khác"),
    UnitMonthStat.UNSPECIFIED: _("Không phân loại (báo cáo tháng)"),
}


def content_type_label(code: str) -> str:
    return str(CONTENT_TYPE_LABELS.get(code, code))


def platform_label(code: str) -> str:
    return str(dict(Channel.Platform.choices).get(code, code))


@dataclass(frozen=True)
class Slices:
    """How a period is read: whole half-months from the roll-up, edge days from posts."""

    halves: list[tuple[date, int]]  # (first day of the month, half) wholly inside the period
    edges: list[tuple[datetime, datetime]]  # [start, end) aware ranges of partial halves
    form_months: list[date]  # months whose monthly forms (and undated posts) count


def _local(d: date) -> datetime:
    return datetime.combine(d, time.min, tzinfo=VN_TZ)


def slices(period: Period) -> Slices:
    halves: list[tuple[date, int]] = []
    edges: list[tuple[datetime, datetime]] = []
    full_months: list[date] = []
    for y, m in period.months():
        first = date(y, m, 1)
        split = date(y, m, SubtreeStat.SECOND_HALF_FROM)
        last = date(y, m, calendar.monthrange(y, m)[1])
        whole = 0
        for half, (a, b) in ((1, (first, split - timedelta(days=1))), (2, (split, last))):
            lo, hi = max(a, period.start), min(b, period.end)
            if lo > hi:
                continue
            if (lo, hi) == (a, b):
                halves.append((first, half))
                whole += 1
            else:
                edges.append((_local(lo), _local(hi + timedelta(days=1))))
        if whole == 2:
            full_months.append(first)
    if period.kind == "range":
        form_months = full_months
    else:
        form_months = [date(y, m, 1) for y, m in period.nominal_months()]
    return Slices(halves=halves, edges=edges, form_months=form_months)


def _empty() -> dict[str, int]:
    return dict.fromkeys(SUMS, 0)


def _rollup_q(sl: Slices) -> Q:
    """The roll-up rows of a period: its whole half-months and its forms' months."""
    halves_of: dict[date, list[int]] = defaultdict(list)
    for month, half in sl.halves:
        halves_of[month].append(half)
    months_by_halves: dict[tuple[int, ...], list[date]] = defaultdict(list)
    for month, halves in halves_of.items():
        months_by_halves[tuple(halves)].append(month)
    q = Q(pk__in=[])
    for which, months in months_by_halves.items():
        q |= Q(month__in=months, half__in=which)
    if sl.form_months:
        q |= Q(month__in=sl.form_months, half=SubtreeStat.Half.WHOLE)
    return q


_POST_SUMS = {
    "s_posts": Count("id"),
    "s_posts_with_reach": Count("reach"),
    "s_reach": Sum("reach"),
    "s_posts_with_views": Count("views"),
    "s_views": Sum("views"),
    "s_reactions": Sum("reactions"),
    "s_comments": Sum("comments"),
    "s_shares": Sum("shares"),
    "s_clicks": Sum("clicks"),
    "s_engagements": Sum(
        Coalesce(F("reactions"), Value(0))
        + Coalesce(F("comments"), Value(0))
        + Coalesce(F("shares"), Value(0))
    ),
}


def _edge_rows(
    unit: Unit, sl: Slices, by: tuple[str, ...], **annotations: Any
) -> list[dict[str, Any]]:
    """Sums of the posts in the partial half-months at the edges of a date range."""
    if not sl.edges:
        return []
    window = Q()
    for lo, hi in sl.edges:
        window |= Q(published_at__gte=lo, published_at__lt=hi)
    posts = Post.objects.filter(subtree_q(unit)).filter(window).annotate(**annotations)
    raw = (
        posts.values(*by).annotate(**_POST_SUMS).order_by()
        if by
        else [posts.aggregate(**_POST_SUMS)]
    )
    return [{**row, **{f: row[f"s_{f}"] for f in SUMS}} for row in raw]


def _add(
    out: dict[tuple[Any, ...], dict[str, int]], key: tuple[Any, ...], row: Mapping[str, Any]
) -> None:
    acc = out[key]
    for f in SUMS:
        acc[f] += row[f] or 0


def grouped(
    unit: Unit, period: Period, by: tuple[str, ...]
) -> dict[tuple[Any, ...], dict[str, int]]:
    """Sums for ``unit``'s subtree in ``period``, grouped by fields among ``month``,
    ``platform``, ``content_type``: the unit's own roll-up rows (one query, a few hundred
    rows at most) plus, for a date range, the posts of its partial half-months."""
    sl = slices(period)
    out: dict[tuple[Any, ...], dict[str, int]] = defaultdict(_empty)
    qs = SubtreeStat.objects.filter(_rollup_q(sl), unit=unit)
    sums = {f: Sum(f) for f in SUMS}
    rows = qs.values(*by).annotate(**sums).order_by() if by else [qs.aggregate(**sums)]
    for row in rows:
        _add(out, tuple(row[f] for f in by), row)
    for row in _edge_rows(unit, sl, by):
        _add(out, tuple(row[f] for f in by), row)
    return dict(out)


def by_child(unit: Unit, period: Period, children: list[Unit]) -> dict[int, dict[str, int]]:
    """Sums per direct child's subtree: the children's roll-up rows (one query) plus, for a
    date range, the edge posts of the subtree grouped by the child above them."""
    sl = slices(period)
    out: dict[tuple[Any, ...], dict[str, int]] = defaultdict(_empty)
    if children:
        rows = (
            SubtreeStat.objects.filter(_rollup_q(sl), unit__in=children)
            .values("unit_id")
            .annotate(**{f: Sum(f) for f in SUMS})
            .order_by()
        )
        for row in rows:
            _add(out, (row["unit_id"],), row)  # type: ignore[arg-type]
        by_code = {c.code: c.pk for c in children}
        for edge in _edge_rows(unit, sl, ("child",), child=child_code(unit)):
            if edge["child"] in by_code:
                _add(out, (by_code[edge["child"]],), edge)
    return {key[0]: acc for key, acc in out.items()}


def totals_of(acc: dict[str, int] | None) -> dict[str, Any]:
    """The shown figures of summed aggregate rows. Every row has ``posts_with_reach ≤
    posts`` (a form's items carry its reach flag, its reach sits in a row of no posts), so
    ``posts_without_reach`` is never negative; reach is known when some post or form gave
    one (a form may give reach without items)."""
    acc = acc or _empty()
    return {
        "posts": acc["posts"],
        "reach": acc["reach"] if acc["posts_with_reach"] or acc["reach"] else None,
        "views": acc["views"] if acc["posts_with_views"] else None,
        "engagements": acc["engagements"],
        "posts_without_reach": acc["posts"] - acc["posts_with_reach"],
    }


def _merge(rows: Iterable[dict[str, int]]) -> dict[str, int]:
    acc = _empty()
    for row in rows:
        for f in SUMS:
            acc[f] += row[f]
    return acc


def unit_json(unit: Unit) -> dict[str, Any]:
    return {"code": unit.code, "name": unit.name, "kind": unit.kind, "path": unit.path}


def summary(unit: Unit, period: Period) -> dict[str, Any]:
    """The report's data, as the API and ``build_report --format json`` return it."""
    by_pc = grouped(unit, period, ("platform", "content_type"))
    total = _merge(by_pc.values())

    by_platform: dict[str, list[dict[str, int]]] = defaultdict(list)
    by_type: dict[str, list[dict[str, int]]] = defaultdict(list)
    for (platform, ctype), acc in by_pc.items():
        by_platform[platform].append(acc)
        by_type[ctype].append(acc)

    children = list(Unit.objects.filter(parent=unit).order_by("name"))
    child_totals = by_child(unit, period, children)
    # The unit's own channels: its subtree less its children's subtrees.
    own = dict(total)
    for acc in child_totals.values():
        for f in SUMS:
            own[f] -= acc[f]

    completeness, reported_by_child = _completeness(unit, period, children)
    channels_total, channels_by_child = _active_channels_by_child(unit, period, children)
    previous = period.previous_year()
    prev_total = _merge(grouped(unit, previous, ()).values())

    return {
        "unit": unit_json(unit),
        "period": {
            "code": period.code,
            "kind": period.kind,
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
            "convention": period.convention,
            "label": period.label_vi(),
            # A period not yet over shows its figures so far, marked as such.
            "as_of": today.isoformat() if period.end >= (today := timezone.localdate()) else None,
        },
        "totals": {**totals_of(total), "active_channels": channels_total},
        "by_platform": [
            {"platform": p, "label": platform_label(p), **totals_of(_merge(rows))}
            for p, rows in sorted(by_platform.items(), key=lambda kv: -_merge(kv[1])["posts"])
        ],
        "by_content_type": [
            {"content_type": c, "label": content_type_label(c), **totals_of(_merge(rows))}
            for c, rows in sorted(by_type.items(), key=lambda kv: -_merge(kv[1])["posts"])
        ],
        "own": {**totals_of(own), "active_channels": channels_by_child.get(None, 0)},
        "children": [
            {
                "unit": {"code": c.code, "name": c.name, "kind": c.kind},
                "totals": {
                    **totals_of(child_totals.get(c.pk)),
                    "active_channels": channels_by_child.get(c.pk, 0),
                },
                "reported_months": reported_by_child.get(c.pk, 0),
            }
            for c in children
        ],
        "completeness": completeness,
        "monthly": monthly(unit, period),
        "previous_year": {
            "period": {"start": previous.start.isoformat(), "end": previous.end.isoformat()},
            **totals_of(prev_total),
        },
    }


def _completeness(
    unit: Unit, period: Period, children: list[Unit]
) -> tuple[dict[str, Any], dict[int, int]]:
    """Which units reported (an import or an approved form) for each month of the period.

    Expected: every unit of the subtree, for every month the period is named after. How
    many did is kept per subtree (``SubtreeReported``): the unit's and its children's rows
    give the totals and each child's months; only under the children that fall short (and
    the unit itself, if it does) are the units that missed months looked up."""
    all_months = [date(y, m, 1) for y, m in period.nominal_months()]
    day = deadline_day(unit)
    today = timezone.localdate()
    months = [m for m in all_months if month_deadline(m, period.convention, day) <= today]
    not_due = [m for m in all_months if m not in months]
    sizes = dict(
        subtree(unit)
        .annotate(child=child_code(unit, field="path"))
        .values("child")
        .annotate(n=Count("*"))
        .values_list("child", "n")
    )
    kept = reported_in([unit.pk, *(c.pk for c in children)], months)
    expected = sum(sizes.values()) * len(months)
    reported = sum(kept.get((unit.pk, m), 0) for m in months)
    complete = {
        c.pk: {m for m in months if kept.get((c.pk, m), 0) == sizes.get(c.code, 0)}
        for c in children
    }
    own_done = {
        m
        for m in months
        if kept.get((unit.pk, m), 0) - sum(kept.get((c.pk, m), 0) for c in children) == 1
    }
    # Where the units that missed months are: the unit itself, the children that fall short.
    look = [Q(pk=unit.pk)] if own_done != set(months) else []
    look += [path_in_subtree_q(c, field="path") for c in children if complete[c.pk] != set(months)]
    rows = UnitMonthReport.objects.filter(month__in=months).filter(
        Q(by_import=True) | Q(by_form=True)
    )
    short: list[tuple[Any, ...]] = []
    if look:
        units = Unit.objects.filter(Q(*look, _connector=Q.OR))
        per_unit = (
            rows.filter(unit_id__in=units.values("id"))
            .values("unit_id")
            .annotate(n=Count("*"))
            .values("unit_id", "n")
        )
        short = units_counted_below(units, per_unit, len(months))
    done: dict[int, set[date]] = defaultdict(set)
    some = [pk for pk, _code, _name, _path, n in short if n]  # the others reported none
    for start in range(0, len(some), 1000):
        part = some[start : start + 1000]
        for unit_id, month in rows.filter(unit_id__in=part).values_list("unit_id", "month"):
            done[unit_id].add(month)
    missing = [
        {
            "code": code,
            "name": name,
            "months_missing": [m.strftime("%Y-%m") for m in months if m not in done[pk]],
        }
        for pk, code, name, _path, _n in short
    ]
    reported_by_child = {c.pk: len(complete[c.pk]) for c in children}
    return (
        {
            "expected": expected,
            "reported": reported,
            "rate": round(reported / expected, 4) if expected else None,
            "months": [m.strftime("%Y-%m") for m in months],
            "months_not_due": [m.strftime("%Y-%m") for m in not_due],
            "deadline_day": day,
            "missing": missing,
        },
        reported_by_child,
    )


def _post_window(period: Period) -> Q:
    return Q(
        published_at__gte=period.start_datetime(), published_at__lt=period.end_datetime_exclusive()
    )


def active_channels(unit: Unit, period: Period) -> int:
    """Channels registered to the subtree with at least one post published in the period
    (see :func:`_active_channels_by_child`)."""
    return _active_channels_by_child(unit, period, [])[0]


def _activity_q(sl: Slices) -> Q:
    """The ``ChannelActivity`` rows with a post in one of these whole half-months."""
    columns: dict[int, list[str]] = defaultdict(list)
    for month, half in sl.halves:
        columns[month.year].append(ChannelActivity.column(month.month, half))
    q = Q(pk__in=[])
    for year, names in columns.items():
        q |= Q(year=year) & Q(*[Q(**{f"{n}__gt": 0}) for n in names], _connector=Q.OR)
    return q


def _active_channels_by_child(
    unit: Unit, period: Period, children: list[Unit]
) -> tuple[int, dict[int | None, int]]:
    """Channels registered to the subtree with at least one post published in the period,
    in all and per direct child (None: the unit's own).

    A period of whole half-months is a sum over ``SubtreeActivity`` (kept by each import,
    per unit's subtree: a few rows per half-month, where a distinct count read one row per
    channel, 20,000 for a country). A date range with partial half-months at its edges
    reads ``ChannelActivity`` (one row per channel and year) for its whole halves and probes
    the posts of its edges (the ``(channel, published_at)`` index). A channel counts where
    it is registered now: one re-registered to another unit counts there, even for posts
    imported before the move (its posts and their figures stay with the unit they were
    imported for).
    """
    sl = slices(period)
    if not sl.edges:
        run = sorted(SubtreeActivity.index(m.year, m.month, half) for m, half in sl.halves)
        assert run[-1] - run[0] + 1 == len(run), "a period's whole half-months are a run"
        found = active_in([unit.pk, *(c.pk for c in children)], run[0], run[-1])
        total = found.get(unit.pk, 0)
        out: dict[int | None, int] = {c.pk: found[c.pk] for c in children if c.pk in found}
        if own := total - sum(out.values()):
            out[None] = own
        return total, out
    window = Q()
    for lo, hi in sl.edges:
        window |= Q(published_at__gte=lo, published_at__lt=hi)
    at_edges = (
        Channel.objects.filter(subtree_q(unit))
        .filter(Exists(Post.objects.filter(channel=OuterRef("pk")).filter(window)))
        .annotate(child=child_code(unit))
        .values_list("pk", "child")
    )
    whole = (
        ChannelActivity.objects.filter(subtree_q(unit))
        .filter(_activity_q(sl))
        .annotate(child=child_code(unit))
        .values_list("channel_id", "child")
    )
    child_of = dict(whole)
    child_of.update(at_edges)
    counts: dict[str, int] = defaultdict(int)
    for code in child_of.values():
        counts[code] += 1
    by_code: dict[str, int | None] = {c.code: c.pk for c in children}
    by_code[""] = None
    by_child: dict[int | None, int] = defaultdict(int)
    for code, n in counts.items():
        by_child[by_code.get(code)] += n
    return sum(counts.values()), dict(by_child)


def monthly(unit: Unit, period: Period) -> list[dict[str, Any]]:
    """The figures by month; under the administrative convention, by reporting month of
    Decree 09/2019 (T7/2026 = 15/06–14/07/2026), so a quarter has three and a half-year six."""
    if period.by_reporting_month:
        return _reporting_months(unit, period)
    rows = grouped(unit, period, ("month",))
    out = []
    for y, m in period.months():
        acc = rows.get((date(y, m, 1),), _empty())
        out.append({"month": f"{y:04d}-{m:02d}", "label": f"T{m}/{y}", **totals_of(acc)})
    return out


def top_posts(unit: Unit, period: Period, limit: int = 10) -> list[dict[str, Any]]:
    posts = (
        Post.objects.filter(subtree_q(unit))
        .filter(_post_window(period), reach__isnull=False)
        .select_related("unit")
        .order_by("-reach", "id")[:limit]
    )
    return [
        {
            "unit": p.unit.name,
            "unit_code": p.unit.code,
            "platform": p.platform,
            "platform_label": platform_label(p.platform),
            "url": p.permalink,
            "caption": p.caption[:160],
            "published_at": p.published_at.isoformat() if p.published_at else None,
            "reach": p.reach,
            "views": p.views,
        }
        for p in posts
    ]


def _reporting_months(unit: Unit, period: Period) -> list[dict[str, Any]]:
    """Reporting month m: the second half of month m-1 and the first of m, plus the forms
    (and undated posts) of m; one query by (month, half)."""
    sums: dict[date, dict[str, int]] = defaultdict(_empty)
    for (month, half), acc in grouped(unit, period, ("month", "half")).items():
        key = _next_month(month) if half == SubtreeStat.Half.SECOND else month
        for f in SUMS:
            sums[key][f] += acc[f]
    out = []
    for y, m in period.nominal_months():
        first = date(y, m, 1)
        start, end = reporting_month_dates(first)
        out.append(
            {
                "month": f"{y:04d}-{m:02d}",
                "label": f"T{m}/{y}",
                "start": start.isoformat(),
                "end": end.isoformat(),
                **totals_of(sums.get(first)),
            }
        )
    return out


def _next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def _previous_month(month: date) -> date:
    return date(month.year - (month.month == 1), (month.month - 2) % 12 + 1, 1)


def reporting_month_dates(month: date) -> tuple[date, date]:
    """Decree 09/2019: reporting month m runs from the 15th of m-1 to the 14th of m."""
    return _previous_month(month).replace(day=SubtreeStat.SECOND_HALF_FROM), month.replace(
        day=SubtreeStat.SECOND_HALF_FROM - 1
    )


def deadline_day(unit: Unit) -> int:
    """The day of the month by which figures are due: the nearest setting at or above the
    unit (a province sets it), else the 20th."""
    from reports.models import ReportingDeadline

    codes = unit.ancestor_codes()
    found = dict(
        ReportingDeadline.objects.filter(unit__code__in=codes).values_list("unit__code", "day")
    )
    for code in reversed(codes):
        if code in found:
            return found[code]
    return ReportingDeadline.DEFAULT_DAY


def month_deadline(month: date, convention: str, day: int) -> date:
    """When a month's figures are due: the first ``day`` of a month after the month ends
    (the calendar month: the next month's; the reporting month, which ends on the 14th: its
    own, when ``day`` is after the 14th)."""
    end = (
        reporting_month_dates(month)[1]
        if convention == "administrative"
        else _next_month(month) - timedelta(days=1)
    )
    due = end.replace(day=day) if day > end.day else _next_month(end).replace(day=day)
    return due


def children_not_reported(unit: Unit, month: date) -> list[Unit]:
    """The direct children of ``unit`` that have not reported ``month`` (an import or an
    approved form), by the report's own rule: a child has reported a month when every unit
    of its subtree has (see ``_completeness``). For the home page's "who has not reported"."""
    children = list(Unit.objects.filter(parent=unit).order_by("name"))
    if not children:
        return []
    done = set(
        UnitMonthReport.objects.filter(subtree_q(unit), month=month)
        .filter(Q(by_import=True) | Q(by_form=True))
        .values_list("unit_id", flat=True)
    )
    prefix = len(unit.path)
    missing = {
        path[prefix:].split("/", 1)[0]
        for pk, path in subtree(unit, include_self=False).values_list("pk", "path")
        if pk not in done
    }
    return [c for c in children if c.code in missing]


def month_figures(unit: Unit, period: Period) -> dict[str, Any]:
    """The counted figures of ``unit``'s subtree for a period (the report's headline)."""
    return totals_of(_merge(grouped(unit, period, ()).values()))


def deadline_set_by(unit: Unit) -> Unit | None:
    """The unit whose ``ReportingDeadline`` applies to ``unit`` (the nearest at or above
    it), or None when none is set and the default day applies."""
    from reports.models import ReportingDeadline

    codes = unit.ancestor_codes()
    found = (
        ReportingDeadline.objects.filter(unit__code__in=codes)
        .select_related("unit")
        .order_by("-unit__level")
        .first()
    )
    return found.unit if found else None
