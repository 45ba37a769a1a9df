from __future__ import annotations

from typing import Any

from django.template import Context, Template
from django.utils import translation


def test_home_is_vietnamese_and_shows_the_users_unit_and_subtree(world: Any, client: Any) -> None:
    client.force_login(world.province_users["viewer"])
    page = client.get("/").content.decode()
    assert '<html lang="vi">' in page
    assert "Tỉnh Quảng Ninh" in page
    assert "Xem" in page  # the role
    assert "Đặc khu Cô Tô" in page and "Phường Hạ Long" in page
    assert "Đăng xuất" in page


def test_commune_user_sees_only_its_own_subtree(world: Any, client: Any) -> None:
    client.force_login(world.users_a["administrator"])
    page = client.get("/").content.decode()
    assert "Đặc khu Cô Tô" in page
    assert "Phường Hạ Long" not in page
    assert client.get("/units/22/").status_code == 404


def test_english_by_the_switch(world: Any, client: Any) -> None:
    client.force_login(world.province_users["viewer"])
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    page = client.get("/").content.decode()
    assert '<html lang="en">' in page
    assert "Log out" in page
    assert "Tiếng Việt" in page


def test_vietnamese_number_and_date_formats() -> None:
    import datetime

    template = Template("{% load l10n %}{{ n }} {{ d|date:'SHORT_DATE_FORMAT' }}")
    ctx = Context({"n": 1234567, "d": datetime.date(2026, 7, 3)})
    with translation.override("vi"):
        assert template.render(ctx) == "1.234.567 03/07/2026"
    with translation.override("en"):
        assert template.render(ctx) == "1,234,567 03/07/2026"


def test_anonymous_landing_page_answers(client: Any, db: Any) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert "Đăng nhập" in response.content.decode()


def test_an_english_browser_still_gets_vietnamese(world: Any, client: Any) -> None:
    client.force_login(world.province_users["viewer"])
    page = client.get("/", headers={"Accept-Language": "en-US,en;q=0.9"}).content.decode()
    assert '<html lang="vi">' in page
