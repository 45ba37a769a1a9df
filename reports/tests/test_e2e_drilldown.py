"""In Chromium at 360 px: the period picker (with its script, and in English), a figure's
drill-down, its filters and CSV, for a province viewer and a commune reporter."""

from __future__ import annotations

import os
from datetime import date
from typing import Any

import pytest

from conftest import PASSWORD
from core.tests.e2e import log_in
from ledger.services import monthly_form_approve, monthly_form_save, monthly_form_submit
from reports.tests.factories import add_posts, at, channel

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("BANTIN_SCREENSHOTS")  # a folder: keep the pages as images


def _shot(page: Any, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def _fits(page: Any) -> None:
    """Nothing makes the page scroll sideways (wide tables scroll inside their wrapper)."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, width


@pytest.fixture
def posts(world: Any) -> Any:
    admin = world.province_users["administrator"]
    add_posts(
        admin,
        channel(world.commune_a),
        [
            {"published_at": at(2026, 2, 2), "reach": 4321, "caption": "Lịch tiếp công dân"},
            {"published_at": at(2026, 2, 9), "reach": None, "caption": "Thông báo mất điện"},
        ],
    )
    add_posts(
        admin,
        channel(world.commune_b, "youtube"),
        [{"published_at": at(2026, 3, 3), "views": 77, "caption": "Phóng sự Hạ Long"}],
    )
    form = monthly_form_save(
        acting_user=admin,
        unit=world.commune_a,
        month=date(2026, 2, 1),
        platform="zalo",
        articles=20,
        reach=3400,
    )
    monthly_form_approve(acting_user=admin, form=monthly_form_submit(acting_user=admin, form=form))
    return world


def test_province_viewer_picks_a_period_and_drills_into_a_figure(posts: Any, page: Any) -> None:
    log_in(page, "p_viewer", PASSWORD)
    page.goto(page.base_url + "/reports/22/?period=2026-H1")
    _shot(page, "report-vi")
    _fits(page)
    # The picker: the script shows the chosen kind's fields only.
    assert page.get_by_label("Nửa năm").is_visible()
    assert not page.get_by_label("Tháng", exact=True).is_visible()
    page.get_by_label("Loại kỳ").select_option("quarter")
    assert page.get_by_label("Quý", exact=True).is_visible()
    assert not page.get_by_label("Nửa năm").is_visible()
    page.get_by_label("Quý", exact=True).select_option("1")
    page.locator("form.period-picker button").click()
    page.wait_for_url("**/reports/22/?period=2026-Q1&convention=calendar")
    assert "quý I năm 2026" in page.locator("h1").inner_text()
    # The headline's number of posts links to the rows it sums.
    posts_card = page.locator('[data-figure="headline:0"] a')
    assert posts_card.inner_text() == "23"
    posts_card.click()
    page.wait_for_url("**/reports/22/posts/?period=2026-Q1&convention=calendar")
    _shot(page, "posts-vi")
    _fits(page)
    assert page.locator('[data-total="posts"]').inner_text() == "23"
    assert page.locator('[data-total="reach"]').inner_text() == "7.721"
    assert (
        page.locator('table[data-drill="posts"] tbody tr').count() == 5
    )  # 3 posts, the form's items and its reach
    page.locator("details.drill-filters summary").click()  # the filters fold on a phone
    page.get_by_label("Nền tảng").select_option("youtube")
    page.get_by_role("button", name="Lọc").click()
    assert page.locator('[data-total="posts"]').inner_text() == "1"
    assert page.get_by_text("Phóng sự Hạ Long").is_visible()
    with page.expect_download() as info:
        page.get_by_role("link", name="Tải danh sách (.csv)").click()
    text = open(info.value.path(), encoding="utf-8-sig").read()
    assert "Phóng sự Hạ Long" in text and "Lịch tiếp công dân" not in text
    page.get_by_role("link", name="Xem theo kênh").click()
    page.wait_for_url("**/reports/22/channels/**")  # measured on the new page, not mid-way
    _shot(page, "channels-vi")
    _fits(page)
    assert page.locator('table[data-drill="channels"] tfoot').inner_text().split()[-3:] == [
        "23",
        "7.721",
        "2",
    ]


def test_commune_reporter_in_english(posts: Any, page: Any) -> None:
    log_in(page, "a_reporter", PASSWORD)
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": page.base_url}])
    page.goto(page.base_url + "/reports/07192/?period=2026-02")
    _shot(page, "report-en")
    _fits(page)
    assert page.get_by_label("Kind of period").is_visible()
    # a refusal names its field, in English
    page.get_by_label("Kind of period").select_option("range")
    page.get_by_label("From", exact=True).fill("2026-03-31")
    page.get_by_label("To", exact=True).fill("2026-03-01")
    page.locator("form.period-picker button").click()
    assert page.get_by_text("To: must be on or after From.").is_visible()
    _shot(page, "refusal-en")
    page.goto(page.base_url + "/reports/07192/posts/?period=2026-02")
    _shot(page, "posts-en")
    _fits(page)
    assert page.get_by_role("heading", level=1).inner_text().startswith("Posts and monthly forms")
    assert page.locator('[data-total="posts"]').inner_text() == "22"
    # another commune's list is not there for them
    other = page.goto(page.base_url + "/reports/06688/posts/?period=2026-02")
    assert other is not None and other.status == 404
