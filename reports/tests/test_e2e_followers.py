"""In Chromium at 360 px: the followers section's chart draws (a unit's channels with long
names in its legend, a province's total), in Vietnamese and English, under the strict CSP,
and nothing makes the page scroll sideways."""

from __future__ import annotations

import os
from datetime import date
from typing import Any

import pytest

from conftest import PASSWORD
from connectors.models import FollowerCount
from core.tests.e2e import log_in
from reports.tests.factories import channel

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("BANTIN_SCREENSHOTS")  # a folder: keep the pages as images


@pytest.fixture
def followers(world: Any) -> Any:
    for i in range(12):
        ch = channel(world.commune_a, "website", f"trang-{i:02d}")
        ch.display_name = f"Trang thông tin điện tử chính thức của Đặc khu Cô Tô số {i:02d}"
        ch.save(update_fields=["display_name"])
        for month in range(1 + i % 4, 13):
            FollowerCount.objects.create(
                channel=ch, as_of=date(2026, month, 10), followers=1000 * i + 37 * month
            )
    return world


def _check(page: Any, url: str, shot: str) -> None:
    violations: list[str] = []
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    page.goto(page.base_url + url)
    page.wait_for_selector("div.chart[data-spec-id=chart-followers] svg")
    if SHOTS:
        page.locator("#s-followers div.chart").screenshot(path=os.path.join(SHOTS, f"{shot}.png"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    chart = page.locator("div.chart[data-spec-id=chart-followers]").bounding_box()
    assert chart is not None and chart["x"] + chart["width"] <= 360
    # The chart's own parts (the legend's channel names) are not cut at its edge.
    widest = page.evaluate(
        """() => Math.max(...[...document.querySelectorAll(
             '#s-followers div.chart svg .role-legend text, #s-followers div.chart svg .role-title text'
           )].map(t => t.getBoundingClientRect().right))"""
    )
    assert widest <= chart["x"] + chart["width"], (widest, chart)
    assert not violations, violations


def test_the_followers_chart_fits_a_phone(followers: Any, page: Any) -> None:
    log_in(page, "p_viewer", PASSWORD)
    _check(page, "/reports/07192/?period=2026", "followers-commune-vi")
    assert page.locator("#s-followers table tbody tr").count() > 10
    _check(page, "/reports/22/?period=2026-H1&convention=administrative", "followers-province-vi")
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": page.base_url}])
    _check(page, "/reports/07192/?period=2026", "followers-commune-en")
    assert page.locator("#h-followers").inner_text() == "Followers by month"
