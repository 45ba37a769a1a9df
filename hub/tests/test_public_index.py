"""The public hub's index at /p/noi-dung/: published items only, by unit, searched, paged,
with a feed; linked from the public menu; the public home names the province it serves."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.utils import translation

from hub.tests.factories import make_item


def _items(w: Any) -> dict[str, Any]:
    a_ed, a_admin = w.users_a["editor"], w.users_a["administrator"]
    b_ed, b_admin = w.users_b["editor"], w.users_b["administrator"]
    return {
        "a": make_item(w.commune_a, a_ed, a_admin, title="Lịch tiêm chủng tháng 7"),
        "b": make_item(w.commune_b, b_ed, b_admin, title="Hướng dẫn nộp thuế đất"),
        "draft": make_item(w.commune_a, a_ed, title="Bản nháp chưa duyệt"),
        "future": make_item(
            w.commune_b, b_ed, b_admin, title="Thông báo sắp đăng", start_days_ago=-3
        ),
    }


def test_index_lists_published_items_of_every_unit(world: Any) -> None:
    _items(world)
    response = Client().get("/p/noi-dung/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Lịch tiêm chủng tháng 7" in html and "Hướng dẫn nộp thuế đất" in html
    assert "Bản nháp chưa duyệt" not in html and "Thông báo sắp đăng" not in html
    assert 'href="/p/noi-dung/feed.atom"' in html
    assert world.commune_a.authority_name in html


def test_index_filters_by_unit_and_searches(world: Any) -> None:
    _items(world)
    client = Client()
    html = client.get("/p/noi-dung/", {"don_vi": world.commune_b.code}).content.decode()
    assert "Hướng dẫn nộp thuế đất" in html and "Lịch tiêm chủng" not in html
    # The unit's own feed is offered once a unit is chosen.
    assert f"/p/noi-dung/don-vi/{world.commune_b.code}/feed.atom" in html
    # A unit above the issuing ones takes in its subtree.
    html = client.get("/p/noi-dung/", {"don_vi": world.province.code}).content.decode()
    assert "Hướng dẫn nộp thuế đất" in html and "Lịch tiêm chủng" in html
    html = client.get("/p/noi-dung/", {"q": "tiêm chủng"}).content.decode()
    assert "Lịch tiêm chủng tháng 7" in html and "thuế đất" not in html
    # Without diacritics, in capitals: as a phone keyboard types it.
    html = client.get("/p/noi-dung/", {"q": "TIEM chung"}).content.decode()
    assert "Lịch tiêm chủng tháng 7" in html and "thuế đất" not in html
    html = client.get("/p/noi-dung/", {"q": "LỊCH"}).content.decode()
    assert "Lịch tiêm chủng tháng 7" in html
    html = client.get("/p/noi-dung/", {"q": "không có từ này"}).content.decode()
    assert "Không có nội dung nào khớp." in html
    # An unknown unit code is no filter, not an error.
    assert client.get("/p/noi-dung/", {"don_vi": "zzz"}).status_code == 200


def test_index_pages(world: Any, django_assert_max_num_queries: Any) -> None:
    for n in range(23):
        make_item(world.commune_a, world.users_a["editor"], world.users_a["administrator"],
                  title=f"Tin số {n:02d}", start_days_ago=n + 1)  # fmt: skip
    client = Client()
    # The same few queries however many items: units, matches, count, page.
    with django_assert_max_num_queries(8):
        first = client.get("/p/noi-dung/", {"q": "Tin số"}).content.decode()
    assert "Tin số 00" in first and "Tin số 19" in first and "Tin số 20" not in first
    assert "q=Tin+s%E1%BB%91&amp;trang=2" in first
    second = client.get("/p/noi-dung/", {"q": "Tin số", "trang": "2"}).content.decode()
    assert "Tin số 22" in second and "Tin số 00" not in second


def test_feed_has_published_items_only(world: Any) -> None:
    _items(world)
    response = Client().get("/p/noi-dung/feed.atom")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    body = response.content.decode()
    assert "Lịch tiêm chủng tháng 7" in body and "Hướng dẫn nộp thuế đất" in body
    assert "Bản nháp chưa duyệt" not in body and "Thông báo sắp đăng" not in body


def test_public_menu_and_home(world: Any) -> None:
    client = Client()
    html = client.get("/").content.decode()
    assert 'href="/p/noi-dung/"' in html
    # The test world's one root is the province: the home says whose installation it is.
    assert f"Trang thông tin của {world.province.authority_name}" in html
    assert world.province.authority_name.startswith("UBND")
    client.cookies["django_language"] = "en"
    try:
        html = client.get("/").content.decode()
        assert f"Information desk of {world.province.authority_name}" in html
    finally:
        translation.activate("vi")
