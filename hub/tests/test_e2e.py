"""In real Chromium at 360 px: the province issues an item, a second editor approves it,
a commune copies the text and records its post, and the coverage shows it."""

from __future__ import annotations

import os
from typing import Any

import pytest

from conftest import PASSWORD, make_user
from core.tests.e2e import log_in
from registry.tests.factories import make_channel

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


_RECORD_CLIPBOARD = """
if (navigator.clipboard) {
  Object.defineProperty(navigator.clipboard, "writeText", {
    configurable: true,
    value: (text) => { window.__copied = text; return Promise.resolve(); },
  });
}
"""

_REFUSE_CLIPBOARD = """
document.querySelector('.copy-status').textContent = '';
Object.defineProperty(navigator.clipboard, "writeText", {
  configurable: true,
  value: () => Promise.reject(new DOMException("denied", "NotAllowedError")),
});
"""


def _log_out(page: Any) -> None:
    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_url("**/accounts/login/**")


def test_issue_republish_and_see_coverage(
    world: Any, page: Any, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    make_user("p_editor2", world.province, "editor")
    make_channel(world.commune_a, "https://www.facebook.com/ubndcoto", verified=True)
    # The system clipboard is shared by the browsers that run side by side, and a
    # headless page may never get the focus it needs: record what the page hands the
    # clipboard API instead (it is the page's behaviour under test, not Chromium's).
    page.add_init_script(_RECORD_CLIPBOARD)

    # 1. The province's editor writes a draft.
    log_in(page, "p_editor", PASSWORD)
    page.goto(page.base_url + "/hub/")
    page.get_by_role("link", name="Soạn nội dung mới").click()
    page.get_by_label("Loại nội dung").select_option("policy")
    page.locator("#id_title").fill("Hướng dẫn đăng ký tạm trú trực tuyến")
    page.locator("#id_summary").fill("Đăng ký tạm trú qua Cổng Dịch vụ công, không cần đến trụ sở.")
    page.locator("#id_body").fill("Các bước:\n\n- Đăng nhập\n- Nộp hồ sơ")
    page.get_by_role("button", name="Lưu bản nháp").click()
    page.wait_for_url("**/hub/items/*/")
    assert page.get_by_text("Nháp, chờ duyệt").is_visible()
    assert page.get_by_role("button", name="Duyệt và đăng").count() == 0
    item_url = page.url
    _log_out(page)

    # 2. A second editor approves it.
    log_in(page, "p_editor2", PASSWORD)
    page.wait_for_url(page.base_url + "/")
    page.goto(item_url)
    page.get_by_role("button", name="Duyệt và đăng").click()
    page.get_by_text("Đang đăng").first.wait_for()
    _log_out(page)

    # 3. Commune A's reporter copies the text and records the post.
    log_in(page, "a_reporter", PASSWORD)
    page.wait_for_url(page.base_url + "/")
    page.goto(page.base_url + "/hub/")
    page.get_by_role("link", name="Nội dung gửi tới đơn vị tôi").click()
    # Until the page's deferred copy.js has run, a click on the button does nothing: wait
    # for the load event (on a busy machine the click came first; seen in CI).
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("link", name="Hướng dẫn đăng ký tạm trú trực tuyến").click()
    page.get_by_role("button", name="Sao chép bản đầy đủ").click()
    page.get_by_text("Đã sao chép.").wait_for()
    copied = page.evaluate("window.__copied")
    assert copied.startswith("Hướng dẫn đăng ký tạm trú trực tuyến") and "/p/noi-dung/" in copied
    # A browser that refuses the clipboard: the text is selected for the user to copy,
    # and the page says what happened.
    page.evaluate(_REFUSE_CLIPBOARD)
    page.get_by_role("button", name="Sao chép bản đầy đủ").click()
    page.wait_for_function("document.querySelector('.copy-status').textContent !== ''")
    selected = page.evaluate(
        "(() => { const el = document.activeElement;"
        " return [el.tagName, el.selectionStart, el.selectionEnd, el.value.length]; })()"
    )
    assert selected[0] == "TEXTAREA" and selected[1] == 0 and selected[2] == selected[3] > 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    if os.environ.get("HUB_SCREENSHOTS"):
        page.screenshot(
            path=os.path.join(os.environ["HUB_SCREENSHOTS"], "republish-360.png"), full_page=True
        )
        page.set_viewport_size({"width": 1280, "height": 900})
        page.screenshot(
            path=os.path.join(os.environ["HUB_SCREENSHOTS"], "republish-1280.png"), full_page=True
        )
        page.set_viewport_size({"width": 360, "height": 740})
    page.get_by_label("Địa chỉ bài đã đăng").fill("https://www.facebook.com/someone.else/posts/1")
    page.get_by_role("button", name="Ghi nhận").click()
    page.get_by_text("chưa được đăng ký là kênh chính thức").wait_for()
    page.get_by_label("Địa chỉ bài đã đăng").fill(
        "https://m.facebook.com/ubndcoto/posts/555?ref=share"
    )
    page.get_by_role("button", name="Ghi nhận").click()
    page.get_by_text("Đã ghi nhận bài đăng lại").wait_for()
    assert page.locator("#recorded").inner_text().count("facebook.com/ubndcoto/posts/555") == 1
    _log_out(page)

    # 4. The province sees it in the coverage.
    log_in(page, "p_viewer", PASSWORD)
    page.wait_for_url(page.base_url + "/")
    page.goto(item_url)
    page.get_by_role("link", name="Xem độ phủ chi tiết").click()
    page.locator("#coverage-totals").wait_for()
    totals = page.locator("#coverage-totals").inner_text()
    assert "1/3" in totals
    assert page.get_by_role("cell", name="Đặc khu Cô Tô").first.is_visible()
    assert page.get_by_text("Chưa đăng lại (2 đơn vị)").is_visible()
    if os.environ.get("HUB_SCREENSHOTS"):
        page.screenshot(
            path=os.path.join(os.environ["HUB_SCREENSHOTS"], "coverage-360.png"), full_page=True
        )
        page.set_viewport_size({"width": 1280, "height": 900})
        page.screenshot(
            path=os.path.join(os.environ["HUB_SCREENSHOTS"], "coverage-1280.png"), full_page=True
        )
