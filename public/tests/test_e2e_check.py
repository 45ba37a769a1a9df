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


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_a_citizen_checks_a_name_a_pending_lookalike_and_a_fake_platform_at_360px(
    page: Any, settings: Any
) -> None:
    from conftest import make_unit
    from registry import services

    # The limiter's windows are aligned on the period: this test's ~15 s of lookups would
    # straddle a minute's boundary about one run in four, and the fifth would be let through.
    settings.BANTIN_LOOKUP_RATE = "4/d"
    province = make_unit("22", "Tỉnh Quảng Ninh", "province")
    coto = make_unit("07192", "Đặc khu Cô Tô", "special_zone", province)
    make_channel(coto, "facebook.com/ubndcoto", name="UBND Đặc khu Cô Tô", verified=True)
    make_channel(coto, "youtube.com/@cototv", name="Truyền hình Cô Tô", verified=True)
    make_channel(coto, "zalo.me/2233445566", name="Cô Tô trực tuyến", verified=True)
    services.channel_register(
        acting_user=None,
        unit=coto,
        url="m.facebook.com/ubndcot0?mibextid=x",
        acknowledge_lookalike="Trang cũ, đang chờ xác minh",
    )

    def check(query: str) -> Any:
        box = page.get_by_label("Liên kết hoặc tên trang")
        box.fill(query)
        page.get_by_role("button", name="Kiểm tra").click()
        result = page.locator("#check-result")
        page.wait_for_function(
            "q => new URLSearchParams(location.search).get('q') === q", arg=query
        )
        return result

    page.goto(page.base_url + "/p/kiem-tra/")
    # 1. a name proves nothing: the unit's channels are listed, never the green verdict
    result = check("co to")
    result.get_by_role(
        "heading", name="Tên không chứng minh được trang nào là chính thức."
    ).wait_for()
    for link in ("ubndcoto", "@cototv", "2233445566"):
        assert result.locator(f"a[href$='{link}']").count() >= 1
    assert "Đây là kênh chính thức" not in result.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    # 3. a pending look-alike: the registration and the warning with the verified channel
    result = check("https://m.facebook.com/ubndcot0")
    result.get_by_role("heading", name="Đã đăng ký, đang chờ xác minh").wait_for()
    result.get_by_role(
        "heading", name="CẢNH BÁO: kênh này giống một kênh chính thức đã xác minh"
    ).wait_for()
    assert result.locator("a[href='https://www.facebook.com/ubndcoto']").count() >= 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    # 4. the platform's own name faked
    result = check("https://facebook.com.evil.example/ubndcoto")
    result.get_by_role("heading", name="Đây không phải Facebook").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    # the fifth lookup in a minute: a 429, shown in place with the friendly message
    check("https://www.facebook.com/ubndcoto")
    result = check("https://www.facebook.com/ubndcoto?again=1")
    result.get_by_text("Bạn đã kiểm tra quá nhiều lần trong một phút").wait_for()
