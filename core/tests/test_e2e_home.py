from __future__ import annotations

from typing import Any

import pytest

from conftest import PASSWORD
from core.tests.e2e import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_log_in_on_a_phone_and_see_what_is_due_and_the_unit_tree(world: Any, page: Any) -> None:
    log_in(page, "p_viewer", PASSWORD)
    page.wait_for_url(page.base_url + "/")
    assert page.locator("h1").inner_text() == "Tỉnh Quảng Ninh"
    # A viewer's home: the latest report and who has not reported it.
    assert page.get_by_role("link", name="Xem báo cáo T").is_visible()
    missing = page.locator("section", has=page.locator("#home-viewer")).locator("li")
    assert "Đặc khu Cô Tô" in missing.all_inner_texts()
    # Usable at 360 px: nothing wider than the screen.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360
    # The menu keeps to one line, its main task first.
    assert page.locator(".main-nav li a").first.inner_text() == "Báo cáo"
    assert page.locator(".main-nav").bounding_box()["height"] < 60
    # The unit tree stays one tap away.
    page.get_by_role("link", name="Tỉnh Quảng Ninh và 3 đơn vị trực thuộc").click()
    page.get_by_role("link", name="Đặc khu Cô Tô").click()
    assert page.locator("h1").inner_text() == "Đặc khu Cô Tô"
    # Keyboard focus is visible.
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
