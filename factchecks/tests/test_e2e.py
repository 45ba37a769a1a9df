"""In Debian's Chromium: an editor drafts, a second editor publishes, the public page shows it."""

from __future__ import annotations

import json
import os
from typing import Any

import pytest

from conftest import PASSWORD, make_unit, make_user
from core.tests.e2e import log_in

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.urls("factchecks.tests.urls"),
]


def test_draft_then_second_editor_publishes(page: Any) -> None:
    province = make_unit("22", "Tỉnh Quảng Ninh", "province")
    make_user("bt_viet", province, "editor")
    make_user("bt_duyet", province, "editor")

    log_in(page, "bt_viet", PASSWORD)
    page.goto(page.base_url + "/factchecks/new/")
    page.get_by_label("Thông tin cần kiểm chứng (ngắn gọn)").fill(
        "Điện lực hoàn tiền điện qua đường link"
    )
    page.get_by_label("Nội dung đang lan truyền (diễn đạt lại)").fill(
        "Tin nhắn nói ngành điện hoàn tiền cho mọi hộ dân."
    )
    page.get_by_label("Ngày phát hiện").fill("2026-01-02")
    page.get_by_label("Zalo").check()
    page.get_by_label("Kết luận").select_option("false")
    page.get_by_label("Giải thích").fill("Ngành điện **không** hoàn tiền qua đường dẫn.")
    page.get_by_label("Nguồn").fill(
        "Cảnh báo giả mạo | Điện lực tỉnh | https://quangninh.gov.vn/canh-bao | 03/01/2026"
    )
    page.get_by_role("button", name="Lưu bản nháp").click()
    page.get_by_role("button", name="Gửi duyệt").click()
    assert page.get_by_text("Một biên tập viên khác người viết").is_visible()
    assert page.get_by_role("button", name="Duyệt và đăng").count() == 0
    detail_url = page.url

    page.context.clear_cookies()
    log_in(page, "bt_duyet", PASSWORD)
    page.goto(detail_url)
    page.get_by_role("button", name="Duyệt và đăng").click()
    assert page.get_by_text("Đã đăng công khai.").is_visible()
    page.get_by_role("link", name="Xem trang công khai").click()

    assert (
        page.get_by_role("heading", level=1)
        .inner_text()
        .endswith("Điện lực hoàn tiền điện qua đường link")
    )
    assert page.locator(".fc-claim .verdict").inner_text() == "Sai"
    assert page.get_by_role("link", name="Cảnh báo giả mạo").is_visible()
    blocks = page.locator('script[type="application/ld+json"]')
    assert blocks.count() == 1
    data = json.loads(blocks.inner_text())
    assert data["reviewRating"]["alternateName"] == "Sai"
    assert data["url"] == page.url
    if os.environ.get("BANTIN_SCREENSHOTS"):
        out = os.environ["BANTIN_SCREENSHOTS"]
        page.screenshot(path=f"{out}/factcheck-360.png", full_page=True)
        page.set_viewport_size({"width": 1280, "height": 900})
        page.screenshot(path=f"{out}/factcheck-1280.png", full_page=True)
        page.goto(page.base_url + "/p/kiem-chung/")
        page.screenshot(path=f"{out}/factcheck-list-1280.png", full_page=True)
        page.set_viewport_size({"width": 360, "height": 740})
        page.screenshot(path=f"{out}/factcheck-list-360.png", full_page=True)
