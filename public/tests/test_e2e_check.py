from __future__ import annotations

from typing import Any

import pytest

from registry.tests.factories import make_channel


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_pasting_a_lookalike_link_shows_the_warning(page: Any) -> None:
    from conftest import make_unit

    province = make_unit("22", "Tỉnh Quảng Ninh", "province")
    coto = make_unit("07192", "Đặc khu Cô Tô", "special_zone", province)
    make_channel(
        coto, "https://www.facebook.com/ubndcoto", name="UBND Đặc khu Cô Tô", verified=True
    )

    page.goto(page.base_url + "/p/kiem-tra/")
    page.get_by_label("Liên kết hoặc tên trang").fill(
        "https://m.facebook.com/ubndc0to/?mibextid=ZbWKwL"
    )
    page.get_by_role("button", name="Kiểm tra").click()
    warning = page.get_by_role("heading", name="CẢNH BÁO: Đây KHÔNG phải kênh chính thức")
    warning.wait_for()
    official = page.get_by_role("link", name="UBND Đặc khu Cô Tô")
    assert official.get_attribute("href") == "https://www.facebook.com/ubndcoto"
    assert "ubndc0to" in page.url  # the result is shareable (hx-push-url)
