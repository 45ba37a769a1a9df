from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger.models import Post
from reports import selectors
from reports.periods import parse_period
from reports.tests.factories import add_posts, at, channel


@pytest.fixture
def data(world: Any) -> Any:
    admin = world.province_users["administrator"]
    fb_a = channel(world.commune_a)
    yt_b = channel(world.commune_b, "youtube")
    fb_d = channel(world.department)
    web_p = channel(world.province, "website")
    add_posts(
        admin,
        fb_a,
        [
            {
                "published_at": at(2026, 1, 5),
                "reach": 100,
                "views": 150,
                "reactions": 3,
                "comments": 1,
                "shares": 1,
                "content_type": "photo",
            },
            {"published_at": at(2026, 2, 20), "reach": 300, "views": 10, "reactions": 5},
            {"published_at": at(2025, 12, 20), "reach": 50},  # administrative H1 only
            {"published_at": at(2026, 6, 20), "reach": 70},  # calendar H1 only
            {"published_at": at(2025, 3, 1), "reach": 40},  # a year earlier
        ],
    )
    add_posts(
        admin,
        yt_b,
        [
            {"published_at": at(2026, 3, 3), "views": 500, "content_type": "video"},
            {"published_at": at(2026, 4, 3), "views": 250, "content_type": "video"},
        ],
    )
    add_posts(admin, fb_d, [{"published_at": at(2026, 5, 31, 23), "reach": 1000}])
    add_posts(admin, web_p, [{"published_at": at(2026, 1, 1, 0), "views": 9}])
    return world


def test_calendar_half_year_rolls_up_the_subtree(data: Any) -> None:
    s = selectors.summary(data.province, parse_period("2026-H1"))
    assert s["totals"]["posts"] == 7
    assert s["totals"]["reach"] == 100 + 300 + 70 + 1000
    assert s["totals"]["views"] == 150 + 10 + 500 + 250 + 9
    assert s["totals"]["posts_without_reach"] == 3  # two YouTube videos and the web page
    assert s["totals"]["engagements"] == 10
    assert s["totals"]["active_channels"] == 4
    children = {c["unit"]["code"]: c["totals"] for c in s["children"]}
    assert children["07192"]["posts"] == 3
    assert children["06688"] == {
        "posts": 2,
        "reach": None,
        "views": 750,
        "engagements": 0,
        "posts_without_reach": 2,
        "active_channels": 1,  # the Xlsx's "Số kênh hoạt động", per child
    }
    assert children["22-SVHTTDL"]["reach"] == 1000
    assert s["own"]["posts"] == 1  # the province's own website
    platforms = {p["platform"]: p for p in s["by_platform"]}
    assert platforms["youtube"]["reach"] is None
    assert platforms["facebook"]["posts"] == 4
    assert {c["content_type"] for c in s["by_content_type"]} == {"article", "photo", "video"}
    assert s["previous_year"]["posts"] == 1
    assert s["previous_year"]["reach"] == 40


def test_administrative_convention_moves_the_edges(data: Any) -> None:
    s = selectors.summary(data.province, parse_period("2026-H1", "administrative"))
    assert s["period"]["start"] == "2025-12-15"
    assert s["period"]["end"] == "2026-06-14"
    # Dec 20 counts, Jun 20 does not.
    assert s["totals"]["reach"] == 50 + 100 + 300 + 1000
    assert s["totals"]["posts"] == 7


def test_completeness_names_the_units_that_have_not_reported(data: Any) -> None:
    s = selectors.summary(data.province, parse_period("2026-03"))
    c = s["completeness"]
    assert c["months"] == ["2026-03"]
    assert c["expected"] == 4  # province, two communes, the department
    missing = {m["code"] for m in c["missing"]}
    assert "06688" not in missing  # the YouTube import touched March
    assert "07192" in missing  # nothing published in March
    assert c["reported"] == 4 - len(missing)


def test_a_commune_sees_only_its_own_numbers(data: Any) -> None:
    s = selectors.summary(data.commune_a, parse_period("2026"))
    assert s["totals"]["posts"] == 3  # Jan 5, Feb 20, Jun 20 (Dec 20 is 2025)
    assert s["children"] == []
    assert s["own"]["posts"] == 3


def test_report_reads_a_bounded_number_of_queries(data: Any) -> None:
    period = parse_period("2026-H1", "administrative")
    with CaptureQueriesContext(connection) as ctx:
        selectors.summary(data.province, period)
        selectors.monthly(data.province, period)
        selectors.top_posts(data.province, period)
    assert len(ctx.captured_queries) <= 20, [q["sql"][:80] for q in ctx.captured_queries]


def test_top_posts_are_ordered_by_reach(data: Any) -> None:
    top = selectors.top_posts(data.province, parse_period("2026"))
    assert [p["reach"] for p in top] == [1000, 300, 100, 70]


POSTS = st.lists(
    st.tuples(
        st.sampled_from(["a", "b", "d", "p"]),
        st.sampled_from(["facebook", "youtube"]),
        st.dates(min_value=date(2025, 11, 1), max_value=date(2026, 8, 31)),
        st.sampled_from([0, 9, 23]),  # local hours either side of midnight and the 15th
        st.one_of(st.none(), st.integers(min_value=0, max_value=10**6)),
        st.sampled_from(["article", "video", "photo"]),
    ),
    max_size=25,
)
PERIODS = st.sampled_from(
    ["2026-H1", "2026-Q1", "2026-02", "2026", "2026-01-10:2026-03-05", "2025-12-31:2026-01-01"]
)


@pytest.mark.django_db
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(posts=POSTS, code=PERIODS, convention=st.sampled_from(["calendar", "administrative"]))
def test_totals_equal_children_plus_own_and_brute_force(
    world: Any,
    posts: list[tuple[str, str, date, int, int | None, str]],
    code: str,
    convention: str,
) -> None:
    units = {"a": world.commune_a, "b": world.commune_b, "d": world.department, "p": world.province}
    with transaction.atomic():
        admin = world.province_users["administrator"]
        channels: dict[tuple[str, str], Any] = {}
        for key, platform, day, hour, reach, ctype in posts:
            ch = channels.get((key, platform))
            if ch is None:
                ch = channels[(key, platform)] = channel(units[key], platform)
            add_posts(
                admin,
                ch,
                [
                    {
                        "published_at": at(day.year, day.month, day.day, hour),
                        "reach": reach,
                        "views": reach,
                        "content_type": ctype,
                    }
                ],
            )
        period = parse_period(code, convention)
        s = selectors.summary(world.province, period)
        parts = [c["totals"] for c in s["children"]] + [s["own"]]
        for key in ("posts", "engagements", "posts_without_reach"):
            assert s["totals"][key] == sum(p[key] for p in parts)
        assert (s["totals"]["reach"] or 0) == sum(p["reach"] or 0 for p in parts)
        # Brute force from the raw posts.
        window = [
            p for p in Post.objects.all() if p.published_at and period.contains(p.published_at)
        ]
        assert s["totals"]["posts"] == len(window)
        assert (s["totals"]["reach"] or 0) == sum(p.reach or 0 for p in window)
        assert s["totals"]["posts_without_reach"] == sum(1 for p in window if p.reach is None)
        for child in s["children"]:
            unit = next(u for u in units.values() if u.code == child["unit"]["code"])
            mine = [p for p in window if p.unit.path.startswith(unit.path)]
            assert child["totals"]["posts"] == len(mine)
            assert (child["totals"]["reach"] or 0) == sum(p.reach or 0 for p in mine)
        trend = selectors.monthly(world.province, period)
        assert sum(m["posts"] for m in trend) == len(window)
        transaction.set_rollback(True)
