"""The drill-down behind a report's figures: every figure of the page links to a list whose
rows add up to it; the list is scoped, filtered, paginated, and its CSV is the list."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger.services import monthly_form_approve, monthly_form_save, monthly_form_submit
from registry.models import Channel
from reports import build
from reports.model import ReportData
from reports.periods import parse_period
from reports.sections import SECTIONS
from reports.sections.headline import metrics
from reports.tests.factories import add_posts, at, channel


def _vi_number(text: str) -> int | None:
    text = text.strip()
    return None if text in ("—", "") else int(text.replace(".", ""))


@pytest.fixture
def data(world: Any) -> Any:
    admin = world.province_users["administrator"]
    posts = [
        (world.commune_a, "facebook", at(2026, 1, 5), 1234567, "photo"),
        (world.commune_a, "facebook", at(2026, 2, 20), 300, "article"),
        (world.commune_a, "zalo", at(2025, 12, 20), 50, "article"),
        (world.commune_a, "zalo", at(2026, 1, 14, 23), 0, "video"),
        (world.commune_b, "youtube", at(2026, 3, 3), None, "video"),
        (world.commune_b, "tiktok", at(2026, 6, 14, 23), None, "video"),
        (world.department, "facebook", at(2026, 5, 31, 23), 1000, "article"),
        (world.province, "website", at(2026, 1, 15, 0), None, "article"),
        (world.province, "facebook", at(2025, 3, 1), 40, "article"),
        (world.province, "facebook", None, 7, "other"),  # counts in the month of its import
    ]
    channels: dict[tuple[str, str], Any] = {}
    for i, (unit, platform, when, reach, ctype) in enumerate(posts):
        key = (unit.code, platform)
        if key not in channels:
            channels[key] = channel(unit, platform)
        add_posts(
            admin,
            channels[key],
            [
                {
                    "post_id": f"p{i}",
                    "published_at": when,
                    "reach": reach,
                    "views": None if reach is None else reach * 2,
                    "reactions": i,
                    "comments": 1,
                    "content_type": ctype,
                    "caption": f"=Bài {i}",
                    "permalink": f"https://example.org/{i}",
                }
            ],
        )
    channel(world.commune_a, "tiktok")  # registered, never posted
    for unit, month, platform, reach in (
        (world.commune_b, date(2026, 2, 1), "zalo", 3400),
        (world.commune_a, date(2026, 1, 1), "website", None),  # items without reach
        (world.department, date(2026, 3, 1), "zalo", 900),
    ):
        form = monthly_form_save(
            acting_user=admin,
            unit=unit,
            month=month,
            platform=platform,
            articles=20,
            photos=3,
            reach=reach,
        )
        monthly_form_approve(
            acting_user=admin, form=monthly_form_submit(acting_user=admin, form=form)
        )
    return world


def _csv(client: Any, url: str) -> list[dict[str, str]]:
    r = client.get(url)
    assert r.status_code == 200, url
    text = r.content.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def _sum(rows: list[dict[str, str]], column: str) -> int | None:
    known = [int(r[column]) for r in rows if r[column] != ""]
    return sum(known) if known else None


CSV_COLUMN = {
    "posts": "items",
    "reach": "reach",
    "views": "views",
    "engagements": "engagements",
    "posts_without_reach": "items_without_reach",
}


def _links(page_url: str, html: str, model: ReportData) -> list[tuple[str, str, int | None]]:
    """(metric, absolute link, the figure's value) for every linked figure of the page."""
    soup: Any = BeautifulSoup(html, "html.parser")
    out = []
    keys = [m.key for m in metrics(model)]
    for card in soup.select("[data-figure]"):
        section, i = card["data-figure"].split(":")
        a = card.find("a")
        assert a is not None, f"figure {card['data-figure']} has no link"
        out.append((keys[int(i)], urljoin(page_url, a["href"]), _vi_number(a.get_text())))
    for section in SECTIONS:
        if section.key == "top_posts":  # one post per row, linked to the post itself
            continue
        table = soup.select_one(f'table[data-section="{section.key}"]')
        if table is None:
            continue
        for tr in table.select("tbody tr") + table.select("tfoot tr"):
            for col, td in zip(section.columns, tr.find_all("td"), strict=True):
                if col.key not in (*CSV_COLUMN, "active_channels"):
                    continue
                a = td.find("a")
                assert a is not None, f"{section.key}.{col.key} has no link"
                out.append((col.key, urljoin(page_url, a["href"]), _vi_number(a.get_text())))
    return out


UNITS = st.sampled_from(["province", "commune_a", "commune_b", "department"])
PERIODS = st.sampled_from(["2026-H1", "2026-Q1", "2026-02", "2026", "2026-01-10:2026-03-05"])


@pytest.mark.slow
@pytest.mark.django_db
@settings(
    max_examples=5,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(unit_name=UNITS, code=PERIODS, convention=st.sampled_from(["calendar", "administrative"]))
def test_every_figure_links_to_rows_that_add_up_to_it(
    data: Any, client: Any, unit_name: str, code: str, convention: str
) -> None:
    unit = getattr(data, unit_name)
    model = ReportData.from_dict(build.report_data(unit, parse_period(code, convention)))
    client.force_login(data.province_users["viewer"])
    page_url = f"http://testserver/reports/{unit.code}/?period={code}&convention={convention}"
    html = client.get(page_url).content.decode()
    links = _links(page_url, html, model)
    assert len(links) >= 6 + 2 * len(model.monthly.rows)
    by_url: dict[str, list[tuple[str, int | None]]] = {}
    for metric, url, figure in links:
        by_url.setdefault(url, []).append((metric, figure))
    for url, figures in by_url.items():
        parts = urlsplit(url)
        if parts.path.endswith("/channels/"):
            page: Any = BeautifulSoup(client.get(url).content, "html.parser")
            active = page.select('table[data-drill="channels"] tbody tr[data-active]')
            for metric, figure in figures:
                assert metric == "active_channels", url
                assert len(active) == (figure or 0), (url, figures)
            continue
        assert parts.path.endswith("/posts/"), url
        rows = _csv(client, parts.path.replace("/posts/", "/posts.csv") + "?" + parts.query)
        shown: Any = BeautifulSoup(client.get(url).content, "html.parser")
        for metric, figure in figures:
            summed = _sum(rows, CSV_COLUMN[metric])
            # the report shows 0 where the list has no row at all
            assert summed == figure or (figure == 0 and summed is None), (metric, url, figure)
            if metric == "posts_without_reach":  # the list holds only those rows
                assert (_sum(rows, "items") or 0) == figure, (url, figure)
            total = shown.select_one(f'[data-total="{metric}"]')
            assert total is not None and _vi_number(total.get_text()) == figure, (url, figure)


def test_the_channels_add_up_to_the_units_figures(data: Any, client: Any) -> None:
    client.force_login(data.users_a["viewer"])
    page = client.get("/reports/07192/channels/", {"period": "2026-Q1"})
    soup: Any = BeautifulSoup(page.content, "html.parser")
    rows = soup.select('table[data-drill="channels"] tbody tr')
    names = [r.find("td").get_text(" ", strip=True) for r in rows]
    # facebook, zalo, the tiktok that never posted, and the website's monthly form
    assert len(rows) == 4, names
    posts = [_vi_number(r.find_all("td")[1].get_text()) for r in rows]
    total = _vi_number(soup.select_one("tfoot td.num").get_text())
    assert sum(p or 0 for p in posts) == total == 2 + 1 + 23
    assert "Báo cáo tháng (không theo kênh)" in names[-1]
    assert soup.select_one("[data-active]")["data-active"] == "2"
    tiktok = next(r for r in rows if "tiktok" in r.get_text())
    assert tiktok.find_all("td")[-1].get_text() == "—"  # never posted: no data date
    assert not tiktok.has_attr("data-active")


def test_commune_b_cannot_drill_into_commune_a(data: Any, client: Any) -> None:
    for role, user in data.users_b.items():
        client.force_login(user)
        for path in ("channels/", "posts/", "posts.csv"):
            r = client.get(f"/reports/07192/{path}", {"period": "2026"})
            assert r.status_code == 404, (role, path)
            assert b"=B\xc3\xa0i 0" not in r.content


def test_a_channel_of_another_unit_is_refused_as_a_filter(data: Any, client: Any) -> None:
    theirs = Channel.objects.get(unit=data.commune_b, platform="youtube")
    client.force_login(data.users_a["administrator"])
    r = client.get("/reports/07192/posts/", {"period": "2026", "channel": theirs.pk})
    assert r.status_code == 400
    page = r.content.decode()
    assert "Kênh: không phải một kênh của đơn vị này." in page
    assert "Bài 4" not in page
    assert client.get("/reports/07192/posts.csv", {"channel": theirs.pk}).status_code == 400


def test_filters_by_channel_platform_and_content_type(data: Any, client: Any) -> None:
    client.force_login(data.province_users["viewer"])
    mine = Channel.objects.get(unit=data.commune_a, platform="zalo")
    base = "/reports/22/posts.csv?period=2026-Q1"
    by_channel = _csv(client, f"{base}&channel={mine.pk}")
    assert [r["caption"] for r in by_channel] == ["'=Bài 3"]  # formula-safe
    assert {r["platform"] for r in _csv(client, f"{base}&platform=zalo")} == {"Zalo OA"}
    videos = _csv(client, f"{base}&content_type=video")
    assert [r["caption"] for r in videos] == ["'=Bài 4", "'=Bài 3"]
    forms = _csv(client, f"{base}&content_type=unspecified")
    assert [(r["kind"], r["reach"]) for r in forms] == [("form", "3400"), ("form", "900")]
    own = _csv(client, f"{base}&own=1")
    assert {r["unit"] for r in own} == {"Tỉnh Quảng Ninh"}


@pytest.fixture
def many(world: Any) -> Any:
    admin = world.province_users["administrator"]
    add_posts(
        admin,
        channel(world.commune_a),
        [
            {"post_id": f"m{i}", "published_at": at(2026, 4, 1 + i % 28, i % 24), "reach": i}
            for i in range(117)
        ],
    )
    form = monthly_form_save(
        acting_user=admin,
        unit=world.commune_a,
        month=date(2026, 4, 1),
        platform="zalo",
        articles=5,
        videos=2,
        reach=10,
    )
    monthly_form_approve(acting_user=admin, form=monthly_form_submit(acting_user=admin, form=form))
    return world


def _page_rows(client: Any, url: str) -> tuple[list[tuple[str, ...]], Any]:
    soup: Any = BeautifulSoup(client.get(url).content, "html.parser")
    rows = []
    for tr in soup.select('table[data-drill="posts"] tbody tr'):
        tds = tr.find_all("td")
        first = next(t for t in tds[0].get_text("\n").split("\n") if t.strip())
        numbers = tuple(
            "" if (v := _vi_number(td.get_text())) is None else str(v) for td in tds[1:]
        )
        rows.append((tr["data-kind"], first.strip(), *numbers))
    return rows, soup


def test_a_page_of_the_list_reads_a_fixed_number_of_queries(
    many: Any, client: Any, django_assert_max_num_queries: Any
) -> None:
    client.force_login(many.users_a["reporter"])
    with django_assert_max_num_queries(14):  # 50 rows or 5, the same queries
        assert client.get("/reports/07192/posts/?period=2026-04&page=2").status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get("/reports/07192/channels/?period=2026-04").status_code == 200


def test_a_new_period_keeps_the_filters(data: Any, client: Any) -> None:
    client.force_login(data.province_users["viewer"])
    page = client.get("/reports/22/posts/", {"period": "2026-Q1", "platform": "zalo", "own": "1"})
    soup: Any = BeautifulSoup(page.content, "html.parser")
    picker = soup.select_one("form.period-picker")
    assert {(i["name"], i["value"]) for i in picker.select("input[type=hidden]")} == {
        ("platform", "zalo"),
        ("own", "1"),
    }
    r = client.get(
        "/reports/22/posts/", {"kind": "month", "year": "2026", "month": "2", "platform": "zalo"}
    )
    assert r["Location"] == "/reports/22/posts/?period=2026-02&convention=calendar&platform=zalo"


def test_the_list_is_paginated_and_the_csv_is_the_list(many: Any, client: Any) -> None:
    client.force_login(many.users_a["reporter"])
    query = "period=2026-04&convention=calendar"
    seen: list[tuple[str, ...]] = []
    pages = 0
    url: str | None = f"/reports/07192/posts/?{query}"
    while url:
        rows, soup = _page_rows(client, url)
        assert len(rows) == (50 if pages < 2 else 117 + 3 - 100)  # 3 form rows, then posts
        seen += rows
        pages += 1
        nxt = soup.select_one('a[rel="next"]')
        url = urljoin("/reports/07192/posts/", nxt["href"]) if nxt else None
        if pages == 1:
            assert soup.select_one('a[rel="prev"]') is None
            assert "Trang 1/3" in soup.get_text()
    assert pages == 3
    assert [r[0] for r in seen[:3]] == ["form"] * 3 and {r[0] for r in seen[3:]} == {"post"}
    assert len(set(seen)) == len(seen)  # no row twice across pages
    csv_rows = _csv(client, f"/reports/07192/posts.csv?{query}")
    as_csv = [
        (
            r["kind"],
            r["caption"] if r["caption"] else "—",
            r["items"],
            r["reach"],
            r["views"],
            r["engagements"],
        )
        for r in csv_rows
    ]
    assert as_csv == seen
    # a page out of range shows the last one
    rows, _soup = _page_rows(client, f"/reports/07192/posts/?{query}&page=99")
    assert rows == seen[100:]
