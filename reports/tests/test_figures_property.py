"""No figure of a report is ever negative, and every total is its parts and a recount.

Random sequences of imports (overlapping exports of the same posts, re-imports that move a
post to another month or content type), monthly form saves, approvals and unlocks, under a
country → province → units tree; then every figure of the report of the country, the
province and a commune, in both conventions, is checked: ≥ 0, totals = children + own =
the sums by platform and by content type = a brute-force count from the raw posts and
forms (docs/reports.md, "How posts and forms combine"). The active channels, read from the
channels' activity summary (``ledger.ChannelActivity``), equal a count of the channels with
a post published in the period, and the summary itself equals its recount from the posts."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import make_unit, make_user
from ledger.ingest.activity import (
    recompute_activity,
    recompute_subtree_activity,
    stored_activity,
    stored_subtree_activity,
)
from ledger.ingest.completeness import recompute_subtree_reported, stored_subtree_reported
from ledger.models import MonthlyForm, Post, UnitMonthReport
from ledger.services import (
    monthly_form_approve,
    monthly_form_save,
    monthly_form_submit,
    monthly_form_unlock,
)
from registry.models import Channel
from reports import selectors
from reports.periods import Period, parse_period
from reports.tests.factories import add_posts, at, channel

FIGURES = ("posts", "reach", "views", "engagements", "posts_without_reach")
UNITS = ("c", "p", "a", "b", "d")  # country, province, two communes, a department
PLATFORMS = ("facebook", "youtube", "zalo")
MONTHS = [date(2025, 12, 1)] + [date(2026, m, 1) for m in range(1, 9)]

POST = st.tuples(
    st.integers(min_value=0, max_value=5),  # post id: a small pool, so exports overlap
    st.one_of(st.none(), st.dates(min_value=date(2025, 11, 25), max_value=date(2026, 8, 20))),
    st.sampled_from([0, 9, 23]),
    st.one_of(st.none(), st.integers(min_value=0, max_value=10_000)),  # reach
    st.one_of(st.none(), st.integers(min_value=0, max_value=10_000)),  # views
    st.one_of(st.none(), st.integers(min_value=0, max_value=50)),  # reactions
    st.sampled_from(["article", "video", "photo"]),
)
IMPORT = st.tuples(
    st.just("import"),
    st.sampled_from(UNITS),
    st.sampled_from(PLATFORMS),
    st.lists(POST, min_size=1, max_size=4, unique_by=lambda p: p[0]),
)
FORM = st.tuples(
    st.just("form"),
    st.sampled_from(UNITS[1:]),  # the country has no parent to approve its forms
    st.sampled_from(MONTHS),
    st.sampled_from(PLATFORMS),
    st.tuples(*[st.integers(min_value=0, max_value=30)] * 5),
    st.one_of(st.none(), st.integers(min_value=0, max_value=9_000)),
    st.booleans(),  # approve it (else it stays a draft)
)
UNLOCK = st.tuples(
    st.just("unlock"),
    st.sampled_from(UNITS[1:]),
    st.sampled_from(MONTHS),
    st.sampled_from(PLATFORMS),
)
OPS = st.lists(st.one_of(IMPORT, FORM, UNLOCK), min_size=1, max_size=10)
PERIODS = st.sampled_from(
    ["2026-H1", "2026-Q1", "2026-02", "2026", "2026-Q3", "2026-01-10:2026-03-05"]
)


def _completeness_of(s: dict[str, Any]) -> dict[str, Any]:
    c = s["completeness"]
    return {
        "reported": c["reported"],
        "missing": {(m["code"], month) for m in c["missing"] for month in m["months_missing"]},
        "children": {ch["unit"]["code"]: ch["reported_months"] for ch in s["children"]},
    }


def _brute_completeness(unit: Any, months: list[str]) -> dict[str, Any]:
    """Who reported what, from each unit's own rows: (code, month) missed, months in which a
    child's whole subtree reported."""
    due = [date.fromisoformat(f"{m}-01") for m in months]
    units = list(type(unit).objects.filter(path__startswith=unit.path))
    reported = {
        (u, m.strftime("%Y-%m"))
        for u, m, by_import, by_form in UnitMonthReport.objects.filter(month__in=due).values_list(
            "unit__code", "month", "by_import", "by_form"
        )
        if by_import or by_form
    }
    missing = {(u.code, m) for u in units for m in months if (u.code, m) not in reported}
    children = {
        child.code: sum(
            1
            for m in months
            if not any((u.code, m) in missing for u in units if u.path.startswith(child.path))
        )
        for child in units
        if child.parent_id == unit.pk
    }
    found = sum(1 for u in units for m in months if (u.code, m) in reported)
    return {"reported": found, "missing": missing, "children": children}


def _tree() -> dict[str, Any]:
    country = make_unit("VN", "Việt Nam", "other")
    province = make_unit("22", "Tỉnh Quảng Ninh", "province", country)
    return {
        "c": country,
        "p": province,
        "a": make_unit("07192", "Đặc khu Cô Tô", "special_zone", province),
        "b": make_unit("06688", "Phường Hạ Long", "ward", province),
        "d": make_unit("22-SVHTTDL", "Sở Văn hóa", "department", province),
    }


def _run(ops: list[tuple[Any, ...]], units: dict[str, Any], admin: Any) -> None:
    channels: dict[tuple[str, str], Any] = {}
    for op in ops:
        if op[0] == "import":
            _kind, key, platform, posts = op
            ch = channels.get((key, platform))
            if ch is None:
                ch = channels[(key, platform)] = channel(units[key], platform)
            add_posts(
                admin,
                ch,
                [
                    {
                        "post_id": f"{key}-{platform}-{pid}",
                        "published_at": at(day.year, day.month, day.day, hour) if day else None,
                        "reach": reach,
                        "views": views,
                        "reactions": reactions,
                        "content_type": ctype,
                    }
                    for pid, day, hour, reach, views, reactions, ctype in posts
                ],
            )
        elif op[0] == "form":
            _kind, key, month, platform, counts, reach, approve = op
            existing = _form(units[key], month, platform)
            if existing is not None and not existing.is_editable:
                continue
            names = dict(zip(MonthlyForm.COUNT_FIELDS, counts, strict=True))
            form = monthly_form_save(
                acting_user=admin,
                unit=units[key],
                month=month,
                platform=platform,
                reach=reach,
                **names,
            )
            if approve:
                form = monthly_form_submit(acting_user=admin, form=form)
                monthly_form_approve(acting_user=admin, form=form)
        else:
            _kind, key, month, platform = op
            existing = _form(units[key], month, platform)
            if existing is not None and not existing.is_editable:
                monthly_form_unlock(acting_user=admin, form=existing)


def _form(unit: Any, month: date, platform: str) -> MonthlyForm | None:
    return MonthlyForm.objects.filter(unit=unit, month=month, platform=platform).first()


def _form_months(period: Period) -> set[date]:
    """The months whose forms count: those the period is named after; for a date range,
    the months it covers whole."""
    if period.kind != "range":
        return {date(y, m, 1) for y, m in period.nominal_months()}
    out = set()
    for y, m in period.months():
        first = date(y, m, 1)
        nxt = date(y + m // 12, m % 12 + 1, 1)
        if period.start <= first and nxt.toordinal() - 1 <= period.end.toordinal():
            out.add(first)
    return out


def _brute(unit: Any, period: Period) -> dict[str, Any]:
    """The figures recounted from the raw posts and forms (docs/reports.md)."""
    posts = [p for p in Post.objects.select_related("unit") if p.unit.path.startswith(unit.path)]
    months = _form_months(period)
    imported = {(p.unit_id, p.month, p.platform) for p in Post.objects.all()}
    window = [
        p
        for p in posts
        if (period.contains(p.published_at) if p.published_at else p.month in months)
    ]
    forms = [
        f
        for f in MonthlyForm.objects.select_related("unit").filter(
            status__in=(MonthlyForm.Status.APPROVED, MonthlyForm.Status.LOCKED)
        )
        if f.unit.path.startswith(unit.path)
        and f.month in months
        and (f.unit_id, f.month, f.platform) not in imported
    ]
    reach_known = any(p.reach is not None for p in window) or any(
        f.reach is not None and (f.reach or f.total_items) for f in forms
    )
    return {
        "posts": len(window) + sum(f.total_items for f in forms),
        "reach": (
            sum(p.reach or 0 for p in window) + sum(f.reach or 0 for f in forms)
            if reach_known
            else None
        ),
        "views": (
            sum(p.views or 0 for p in window) if any(p.views is not None for p in window) else None
        ),
        "engagements": sum(
            (p.reactions or 0) + (p.comments or 0) + (p.shares or 0) for p in window
        ),
        "posts_without_reach": sum(1 for p in window if p.reach is None)
        + sum(f.total_items for f in forms if f.reach is None),
    }


def _brute_channels(unit: Any, period: Period) -> int:
    """Channels registered in the subtree now with a post published in the period."""
    return sum(
        1
        for ch in Channel.objects.select_related("unit")
        if ch.unit.path.startswith(unit.path)
        and any(p.published_at and period.contains(p.published_at) for p in ch.posts.all())
    )


def _sum(rows: list[dict[str, Any]], key: str) -> int:
    return sum(r[key] or 0 for r in rows)


def _check_report(unit: Any, period: Period) -> None:
    s = selectors.summary(unit, period)
    tables = {
        "totals": [s["totals"]],
        "own": [s["own"]],
        "children": [c["totals"] for c in s["children"]],
        "by_platform": s["by_platform"],
        "by_content_type": s["by_content_type"],
        "monthly": selectors.monthly(unit, period),
        "previous_year": [s["previous_year"]],
    }
    for name, rows in tables.items():
        for row in rows:
            for key in FIGURES:
                assert (row[key] or 0) >= 0, (name, key, row)
    assert s["totals"]["active_channels"] == s["own"]["active_channels"] + sum(
        c["totals"]["active_channels"] for c in s["children"]
    )
    c = s["completeness"]
    assert 0 <= c["reported"] <= c["expected"]
    assert _completeness_of(s) == _brute_completeness(unit, c["months"])
    assert s["totals"] == {**_brute(unit, period), "active_channels": _brute_channels(unit, period)}
    for key in FIGURES:
        total = s["totals"][key] or 0
        assert total == _sum(tables["children"], key) + (s["own"][key] or 0), key
        assert total == _sum(tables["by_platform"], key), key
        assert total == _sum(tables["by_content_type"], key), key
    for child in s["children"]:
        child_unit = type(unit).objects.get(code=child["unit"]["code"])
        assert {k: child["totals"][k] for k in FIGURES} == _brute(child_unit, period)
        assert child["totals"]["active_channels"] == _brute_channels(child_unit, period)


@pytest.mark.slow
@pytest.mark.django_db
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=OPS, code=PERIODS, convention=st.sampled_from(["calendar", "administrative"]))
def test_no_figure_is_negative_and_totals_are_their_parts(
    db: Any, ops: list[tuple[Any, ...]], code: str, convention: str
) -> None:
    with transaction.atomic():
        units = _tree()
        admin = make_user("vn_admin", units["c"], "administrator")
        _run(ops, units, admin)
        assert stored_activity() == recompute_activity()
        assert stored_subtree_activity() == recompute_subtree_activity()
        assert stored_subtree_reported() == recompute_subtree_reported()
        period = parse_period(code, convention)
        for key in ("c", "p", "a"):
            _check_report(units[key], period)
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_a_form_s_reach_makes_no_negative_row(db: Any) -> None:
    """The case seen in issue 14: a Zalo form (20 items, reach 3.400) approved for a
    commune showed −20 posts without reach in the by-content-type table."""
    units = _tree()
    admin = make_user("vn_admin", units["c"], "administrator")
    _run([("form", "a", date(2026, 3, 1), "zalo", (20, 0, 0, 0, 0), 3400, True)], units, admin)
    s = selectors.summary(units["a"], parse_period("2026-03"))
    assert s["totals"]["posts"] == 20
    assert s["totals"]["reach"] == 3400
    assert s["totals"]["posts_without_reach"] == 0
    assert all(r["posts_without_reach"] >= 0 for r in s["by_content_type"])
