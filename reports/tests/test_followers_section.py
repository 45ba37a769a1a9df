"""The "Người theo dõi theo tháng" section: each month's last known follower count, carried
forward to a month without one and never invented before a channel's first count; by
reporting month under Decree 09; one line per channel for a unit without children (the ten
with most followers), the subtree's total for a unit with children; hidden when no channel
has a count; on the page (with its chart), in the .docx and the .xlsx; scoped like the
report; one query."""

from __future__ import annotations

import io
import json
from datetime import date
from typing import Any

import altair as alt
import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from docx import Document
from openpyxl import load_workbook

from connectors.models import FollowerCount
from reports import build, charts
from reports.followers import followers_json, months
from reports.model import ReportData
from reports.periods import parse_period
from reports.sections.followers import SECTION, SECTION_TOTAL
from reports.tests.factories import channel

pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 20)


def _counts(ch: Any, *pairs: tuple[date, int]) -> None:
    for day, n in pairs:
        FollowerCount.objects.create(channel=ch, as_of=day, followers=n)


@pytest.fixture
def followers(world: Any) -> Any:
    fb = channel(world.commune_a, "facebook")
    _counts(
        fb,
        (date(2025, 12, 20), 900),  # before every period below
        (date(2026, 1, 2), 1000),
        (date(2026, 2, 15), 1234),
        (date(2026, 6, 30), 1500),
    )
    zalo = channel(world.commune_a, "zalo")
    _counts(zalo, (date(2026, 3, 10), 50))  # its first count: nothing before it
    yt = channel(world.commune_b, "youtube")
    # Either side of the reporting month's bound: T1 ends on 14/01, T2 begins on 15/01.
    _counts(yt, (date(2026, 1, 14), 7000), (date(2026, 1, 15), 7100))
    pending = channel(world.commune_b, "tiktok")
    pending.status = "pending"
    pending.save(update_fields=["status"])
    _counts(pending, (date(2026, 1, 20), 99999))  # not a verified channel: never counted
    world.fb, world.zalo, world.yt = fb, zalo, yt
    return world


def _model(unit: Any, code: str, convention: str = "calendar") -> ReportData:
    data = build.report_data(unit, parse_period(code, convention))
    # The months that have begun are those up to today: pin them.
    data["followers"] = followers_json(
        unit, parse_period(code, convention), has_children=bool(data["children"]), today=TODAY
    )
    return ReportData.from_dict(data)


def _texts(section: Any, model: ReportData) -> list[tuple[str, ...]]:
    assert section.shown(model)
    table = section.table(model)
    assert table is not None and table.total is None
    return [tuple(c.text for c in row) for row in table.rows]


def test_months_are_reporting_months_under_decree_09_and_only_those_begun() -> None:
    q3 = months(parse_period("2026-Q3", "administrative"), TODAY)
    assert [(m["label"], m["start"], m["end"]) for m in q3] == [
        ("T7/2026", "2026-06-15", "2026-07-14"),
        ("T8/2026", "2026-07-15", "2026-08-14"),
        ("T9/2026", "2026-08-15", "2026-09-14"),
    ]
    calendar = months(parse_period("2026-Q3"), TODAY)
    assert [(m["label"], m["last_day"]) for m in calendar] == [
        ("T7/2026", "2026-07-31"),
        ("T8/2026", "2026-08-31"),
        ("T9/2026", "2026-09-30"),
    ]
    # A date range: its months cut to its days (the convention does not apply).
    span = months(parse_period("2026-01-10:2026-03-05", "administrative"), TODAY)
    assert [(m["label"], m["last_day"]) for m in span] == [
        ("T1/2026", "2026-01-31"),
        ("T2/2026", "2026-02-28"),
        ("T3/2026", "2026-03-05"),
    ]
    # The year seen on 20/03/2026: April to December have not begun.
    assert [m["label"] for m in months(parse_period("2026"), date(2026, 3, 20))] == [
        "T1/2026",
        "T2/2026",
        "T3/2026",
    ]


def test_each_channel_has_its_last_count_of_each_month_carried_forward(followers: Any) -> None:
    rows = _texts(SECTION, _model(followers.commune_a, "2026-Q1"))
    fb, zalo = str(followers.fb), str(followers.zalo)
    assert rows == [
        # The channel with most followers in the last month first.
        (fb, "T1/2026", "1.000", "02/01/2026"),
        (fb, "T2/2026", "1.234", "15/02/2026"),
        (fb, "T3/2026", "1.234", "15/02/2026"),  # no count in March: February's, carried
        # Zalo's first count is in March: no row for January or February (none invented).
        (zalo, "T3/2026", "50", "10/03/2026"),
    ]
    # A period without any count of its own: the last one before it, carried in.
    assert _texts(SECTION, _model(followers.commune_a, "2026-04")) == [
        (fb, "T4/2026", "1.234", "15/02/2026"),
        (zalo, "T4/2026", "50", "10/03/2026"),
    ]


def test_a_reporting_month_ends_on_the_14th(followers: Any) -> None:
    yt = str(followers.yt)
    admin = _texts(SECTION, _model(followers.commune_b, "2026-Q1", "administrative"))
    assert admin[:2] == [
        (yt, "T1/2026 (15/12–14/01)", "7.000", "14/01/2026"),
        (yt, "T2/2026 (15/01–14/02)", "7.100", "15/01/2026"),
    ]
    calendar = _texts(SECTION, _model(followers.commune_b, "2026-Q1"))
    assert calendar[0] == (yt, "T1/2026", "7.100", "15/01/2026")
    # The pending channel's count is in no row.
    assert all("TikTok" not in row[0] for row in admin + calendar)


def test_a_unit_with_children_sums_its_subtrees_channels_by_month(followers: Any) -> None:
    assert _texts(SECTION_TOTAL, _model(followers.province, "2026-Q1")) == [
        ("T1/2026", "8.100", "2"),  # 1.000 + 7.100
        ("T2/2026", "8.334", "2"),  # 1.234 + 7.100
        ("T3/2026", "8.384", "3"),  # 1.234 (carried) + 50 + 7.100
    ]
    assert _texts(SECTION_TOTAL, _model(followers.province, "2026-Q1", "administrative")) == [
        ("T1/2026 (15/12–14/01)", "8.000", "2"),  # 1.000 + 7.000 (the 14th's count)
        ("T2/2026 (15/01–14/02)", "8.100", "2"),  # 1.000 (carried) + 7.100
        ("T3/2026 (15/02–14/03)", "8.384", "3"),
    ]
    model = _model(followers.province, "2025-12")
    # Before any channel's first count but the Facebook page's: it alone, and no invention.
    assert _texts(SECTION_TOTAL, model) == [("T12/2025", "900", "1")]
    assert not SECTION.shown(model)


def test_a_unit_shows_its_ten_channels_with_most_followers_and_says_what_is_left(
    world: Any,
) -> None:
    for i in range(12):
        _counts(channel(world.commune_a, "website", f"trang-{i:02d}"), (date(2026, 3, 1), 100 * i))
    model = _model(world.commune_a, "2026-03")
    rows = _texts(SECTION, model)
    assert [r[2] for r in rows] == [f"{100 * i:,}".replace(",", ".") for i in range(11, 1, -1)]
    note = SECTION.footnote(model)  # type: ignore[misc]
    assert "10 kênh có nhiều người theo dõi nhất" in note
    assert "2 kênh khác (tổng cộng 100 người theo dõi vào tháng cuối)" in note


def test_two_channels_of_one_name_are_two_lines(world: Any) -> None:
    for identifier, n in (("ubnd-1", 10), ("ubnd-2", 20)):
        ch = channel(world.commune_a, "facebook", identifier)
        ch.display_name = "UBND xã"
        ch.save(update_fields=["display_name"])
        _counts(ch, (date(2026, 3, 1), n))
    rows = _texts(SECTION, _model(world.commune_a, "2026-Q1"))
    assert [r[0] for r in rows] == [
        "Trang Facebook: UBND xã (ubnd-2)",
        "Trang Facebook: UBND xã (ubnd-1)",
    ]


def test_hidden_when_no_channel_has_a_follower_count(world: Any, client: Any) -> None:
    channel(world.commune_a, "facebook")  # verified, never connected
    for unit in (world.commune_a, world.province):
        model = _model(unit, "2026-Q1")
        assert not SECTION.shown(model) and not SECTION_TOTAL.shown(model)
        assert "followers" not in build.chart_specs(build.report_data(unit, parse_period("2026")))
    client.force_login(world.province_users["viewer"])
    page = client.get("/reports/22/", {"period": "2026-Q1"})
    assert b'id="s-followers"' not in page.content
    book = load_workbook(io.BytesIO(build.build_xlsx(_model(world.province, "2026-Q1"))))
    assert "Người theo dõi" not in book.sheetnames


def _spec(soup: Any) -> Any:
    script = soup.select_one("#chart-followers")
    assert script is not None and script.string
    return json.loads(script.string)


def test_the_page_the_docx_and_the_xlsx_show_the_section_with_its_chart(
    followers: Any, client: Any
) -> None:
    client.force_login(followers.province_users["viewer"])
    page = client.get("/reports/22/", {"period": "2026-Q1"})
    soup: Any = BeautifulSoup(page.content, "html.parser")
    section = soup.select_one("#s-followers")
    assert section is not None and section.h2.get_text() == "Người theo dõi theo tháng"
    spec = _spec(soup)
    assert [(v["month_label"], v["followers"]) for v in spec["data"]["values"]] == [
        ("T1/2026", 8100),
        ("T2/2026", 8334),
        ("T3/2026", 8384),
    ]
    assert spec["encoding"]["x"]["scale"]["domain"] == ["T1/2026", "T2/2026", "T3/2026"]
    cells = [td.get_text() for td in section.select("table[data-section=followers] tbody td")]
    assert cells[:3] == ["T1/2026", "8.100", "2"]

    data = build.report_data(followers.commune_a, parse_period("2026-Q1"))
    doc = Document(io.BytesIO(build.build_docx(data)))
    texts = [p.text for p in doc.paragraphs]
    heading = next(i for i, t in enumerate(texts) if t.endswith(". Người theo dõi theo tháng"))
    # The chart right after the heading, then the table's caption.
    assert texts[heading + 1] == "" and doc.paragraphs[heading + 1]._p.xpath(".//pic:pic")
    assert texts[heading + 2].endswith(". Số người theo dõi theo tháng")
    assert texts[heading + 3].endswith(". Số người theo dõi từng kênh theo tháng")
    book = load_workbook(io.BytesIO(build.build_xlsx(data)))
    sheet = list(book["Người theo dõi"].iter_rows(values_only=True))
    assert sheet[0] == ("Kênh", "Tháng", "Người theo dõi", "Ngày có số liệu")
    assert sheet[1][1:3] == ("T1/2026", 1000) and sheet[1][3].date() == date(2026, 1, 2)


def test_in_english(followers: Any, client: Any) -> None:
    client.force_login(followers.province_users["viewer"])
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        page = client.get("/reports/22/", {"period": "2026-Q1"}, HTTP_ACCEPT_LANGUAGE="en")
    soup: Any = BeautifulSoup(page.content, "html.parser")
    section = soup.select_one("#s-followers")
    assert section is not None and section.h2.get_text() == "Followers by month"
    assert "Người" not in section.get_text()
    spec = _spec(soup)
    assert spec["title"]["text"] == "Followers by month"


def test_a_viewer_of_commune_a_sees_none_of_commune_bs_channels(
    followers: Any, client: Any
) -> None:
    client.force_login(followers.users_a["viewer"])
    page = client.get(f"/reports/{followers.commune_a.code}/", {"period": "2026-Q1"})
    section = BeautifulSoup(page.content, "html.parser").select_one("#s-followers")
    assert section is not None
    text = section.get_text() + page.content.decode()
    assert str(followers.fb) in text and str(followers.yt) not in text and "7.100" not in text
    assert client.get(f"/reports/{followers.commune_b.code}/").status_code == 404
    assert client.get("/reports/22/").status_code == 404


def test_the_section_reads_one_query_however_many_channels(world: Any) -> None:
    def queries(unit: Any, has_children: bool) -> int:
        with CaptureQueriesContext(connection) as ctx:
            followers_json(unit, parse_period("2026"), has_children=has_children, today=TODAY)
        return len(ctx.captured_queries)

    for i in range(3):
        _counts(channel(world.commune_a, "website", f"a-{i}"), (date(2026, 3, 1), i))
    few = (queries(world.commune_a, False), queries(world.province, True))
    for i in range(9):
        _counts(channel(world.commune_b, "website", f"b-{i}"), (date(2026, i + 1, 1), i))
        _counts(channel(world.commune_a, "website", f"c-{i}"), (date(2026, 5, 1), i))
    assert (queries(world.commune_a, False), queries(world.province, True)) == few == (1, 1)


TWO_MONTHS = [{"month": "2026-01", "label": "T1/2026"}, {"month": "2026-02", "label": "T2/2026"}]


def test_the_chart_is_valid_vega_lite_and_needs_two_months() -> None:
    data: dict[str, Any] = {
        "by_channel": True,
        "months": TWO_MONTHS,
        "channels": [
            {"channel": "Facebook: A", "counts": [None, [10, "2026-02-01"]]},
            {"channel": "Zalo: B", "counts": [[5, "2026-01-03"], [5, "2026-01-03"]]},
        ],
    }
    spec = charts.followers_chart(data)
    assert spec is not None
    alt.Chart.from_dict(spec)
    assert [(v["month_label"], v["series"]) for v in spec["data"]["values"]] == [
        ("T1/2026", "Zalo: B"),
        ("T2/2026", "Facebook: A"),
        ("T2/2026", "Zalo: B"),
    ]
    total = charts.followers_chart(
        {
            "by_channel": False,
            "months": data["months"],
            "total": [{"followers": None}, {"followers": 3}],
        },
        lang="en",
    )
    assert total is not None and total["encoding"]["color"]["legend"] is None
    alt.Chart.from_dict(total)
    assert charts.followers_chart({**data, "months": data["months"][:1]}) is None
    assert charts.followers_chart({**data, "channels": []}) is None


def test_long_channel_names_keep_their_ends_in_the_legend() -> None:
    """A unit's channels share the beginning of their names; the legend keeps what tells
    them apart, and the tooltip the whole name."""
    common = "Trang web: Trang thông tin điện tử chính thức của Đặc khu Cô Tô số "
    data: dict[str, Any] = {
        "by_channel": True,
        "months": TWO_MONTHS,
        "channels": [
            {"channel": common + n, "counts": [[10, "2026-01-03"], [11, "2026-02-03"]]}
            for n in ("01", "02")
        ]
        + [{"channel": "Zalo: B", "counts": [[5, "2026-01-03"], [5, "2026-01-03"]]}],
    }
    spec = charts.followers_chart(data)
    assert spec is not None
    alt.Chart.from_dict(spec)
    series = {v["name"]: v["series"] for v in spec["data"]["values"]}
    assert series["Zalo: B"] == "Zalo: B"
    for n in ("01", "02"):
        cut = series[common + n]
        assert cut.endswith("Cô Tô số " + n) and cut.startswith("Trang web:") and "…" in cut
        assert len(cut) <= charts.LEGEND_CHARS
    assert [t["field"] for t in spec["encoding"]["tooltip"]][1] == "name"
