"""The pages, the API and the public pages, end to end through the test client."""

from __future__ import annotations

import io
import re
from typing import Any

import openpyxl
import pytest
from django.test import Client

from hub import services
from hub.models import Item, Republication
from hub.tests.factories import jpeg_bytes, make_item, upload
from registry.tests.factories import make_channel

pytestmark = [pytest.mark.django_db, pytest.mark.urls("hub.tests.urls")]


def _client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def item(world: Any) -> Item:
    p = world.province_users
    return make_item(
        world.province,
        p["editor"],
        p["administrator"],
        body="Đoạn một.\n\n- ý một",
        attachments=[upload("anh.jpg", jpeg_bytes((2000, 1000)))],
    )


def test_issue_approve_through_the_pages(world: Any) -> None:
    editor = _client(world.province_users["editor"])
    response = editor.post(
        "/hub/new/",
        {
            "issuing_unit": world.province.code,
            "kind": "notice",
            "title": "Thông báo lịch tiếp dân",
            "summary": "Lịch tiếp công dân tháng này.",
            "body": "Chi tiết **lịch**.",
            "tags": "tiếp dân",
            "audience": "subtree",
            "publish_start": "2025-01-01T08:00",
            "attachments": [
                upload("lich.pdf", b"%PDF-1.4 x"),
                upload("anh.jpg", jpeg_bytes((100, 80))),
            ],
        },
    )
    item = Item.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/hub/items/{item.pk}/"
    assert sorted(item.attachments.values_list("kind", flat=True)) == ["image", "pdf"]
    page = editor.get(f"/hub/items/{item.pk}/").content.decode()
    assert "Duyệt và đăng" not in page  # the author cannot approve
    editor.post(f"/hub/items/{item.pk}/approve/")
    item.refresh_from_db()
    assert item.status == "draft"
    admin = _client(world.province_users["administrator"])
    assert "Duyệt và đăng" in admin.get(f"/hub/items/{item.pk}/").content.decode()
    admin.post(f"/hub/items/{item.pk}/approve/")
    item.refresh_from_db()
    assert item.status == "approved"


def test_bad_file_is_reported_on_the_form_and_nothing_saved(world: Any) -> None:
    response = _client(world.province_users["editor"]).post(
        "/hub/new/",
        {
            "issuing_unit": world.province.code,
            "kind": "news",
            "title": "T",
            "summary": "S",
            "audience": "subtree",
            "publish_start": "2025-01-01T08:00",
            "attachments": [upload("ok.pdf", b"%PDF-1.4"), upload("virus.pdf", b"MZ\x90\x00")],
        },
    )
    assert response.status_code == 200
    assert "virus.pdf" in response.content.decode()
    assert not Item.objects.exists()


def test_republish_page_and_record(world: Any, item: Item) -> None:
    make_channel(world.commune_a, "https://www.facebook.com/ubndcoto", verified=True)
    c = _client(world.users_a["reporter"])
    listing = c.get(f"/hub/don-vi/{world.commune_a.code}/").content.decode()
    assert item.title in listing
    page = c.get(f"/hub/don-vi/{world.commune_a.code}/{item.pk}/").content.decode()
    assert f"http://testserver/p/noi-dung/{item.code}/" in page
    assert 'data-copy="full-text"' in page and "hub/copy.js" in page
    assert "63.206" in page and "2.200" in page  # length hints, Vietnamese number format
    assert re.search(r"<script>(?!\s*$)", page) is None  # no inline script
    assert "• ý một" in page
    bad = c.post(
        f"/hub/don-vi/{world.commune_a.code}/{item.pk}/",
        {"url": "https://www.facebook.com/khac/posts/1"},
    )
    assert "chưa được đăng ký" in bad.content.decode()
    ok = c.post(
        f"/hub/don-vi/{world.commune_a.code}/{item.pk}/",
        {"url": "https://www.facebook.com/ubndcoto/posts/5"},
    )
    assert ok.status_code == 302
    after = c.get(ok["Location"]).content.decode()
    assert "https://facebook.com/ubndcoto/posts/5" in after and 'id="recorded"' in after
    assert Republication.objects.get().unit == world.commune_a
    viewer = _client(world.users_a["viewer"])
    assert (
        viewer.post(f"/hub/don-vi/{world.commune_a.code}/{item.pk}/", {"url": "x"}).status_code
        == 403
    )


def test_coverage_page_and_xlsx_are_safe(world: Any, item: Item) -> None:
    evil = make_channel(
        world.commune_a,
        "https://www.facebook.com/ubndcoto",
        name='=HYPERLINK("http://x")',
        verified=True,
    )
    world.commune_a.name = "=1+2"
    world.commune_a.save()
    services.republication_record(
        acting_user=None, item=item, unit=world.commune_a, url=evil.url + "/posts/9"
    )
    c = _client(world.province_users["viewer"])
    page = c.get(f"/hub/items/{item.pk}/coverage/").content.decode()
    assert "1/3" in page and world.commune_b.name in page  # B has not republished
    response = c.get(f"/hub/items/{item.pk}/coverage.xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    summary = wb.worksheets[0]
    numbers = {row[0].value: row[1] for row in summary.iter_rows(min_row=5) if row[0].value}
    assert numbers["Đơn vị được gửi"].value == 3 and numbers["Đơn vị được gửi"].data_type == "n"
    rows = wb.worksheets[1]
    assert rows.cell(2, 2).value == "=1+2" and rows.cell(2, 2).data_type == "s"
    assert rows.cell(2, 4).value.startswith("=HYPERLINK") and rows.cell(2, 4).data_type == "s"
    missing = [r[1].value for r in wb.worksheets[3].iter_rows(min_row=2)]
    assert sorted(missing) == sorted([world.commune_b.name, world.department.name])
    # Addressed units never see the issuer's coverage.
    assert (
        _client(world.users_a["administrator"]).get(f"/hub/items/{item.pk}/coverage/").status_code
        == 404
    )


def _api(user: Any) -> Client:
    from accounts.services import api_token_create

    return Client(headers={"Authorization": f"Bearer {api_token_create(user=user)[1]}"})


def test_api(world: Any, item: Item) -> None:
    make_channel(world.commune_a, "https://www.facebook.com/ubndcoto", verified=True)
    a = _api(world.users_a["reporter"])
    listed = a.get("/api/hub/items").json()
    assert [i["code"] for i in listed] == [item.code] and listed[0]["state"] == "published"
    detail = a.get(f"/api/hub/items/{item.pk}").json()
    assert detail["attachments"][0]["width"] == 1600 and "<li>" in detail["body_html"]
    assert a.get(f"/api/hub/items/{item.pk}/coverage").status_code == 404
    refused = a.post(
        f"/api/hub/items/{item.pk}/republications",
        {"unit": world.commune_a.code, "url": "https://www.facebook.com/phuong/posts/1"},
        content_type="application/json",
    )
    assert refused.status_code == 400 and "url" in refused.json()["detail"]
    made = a.post(
        f"/api/hub/items/{item.pk}/republications",
        {
            "unit": world.commune_a.code,
            "url": "https://www.facebook.com/ubndcoto/posts/1",
            "published_at": "2026-01-02T08:00:00+07:00",
        },
        content_type="application/json",
    )
    assert made.status_code == 201 and made.json()["channel"]["identifier"] == "ubndcoto"
    cov = _api(world.province_users["viewer"]).get(f"/api/hub/items/{item.pk}/coverage").json()
    assert set(cov) == {"item", "addressed", "republished", "missing", "totals"}
    assert cov["republished"][0]["unit"]["code"] == world.commune_a.code
    assert cov["republished"][0]["reach"] is None  # not imported yet
    assert {u["code"] for u in cov["missing"]} == {world.commune_b.code, world.department.code}
    assert cov["totals"]["republished_units"] == 1 and cov["totals"]["addressed"] == 3


def test_public_page_feed_and_image(world: Any, item: Item) -> None:
    anon = Client()
    page = anon.get(f"/p/noi-dung/{item.code}/").content.decode()
    assert f'<meta property="og:title" content="{item.title}">' in page
    assert f'<meta property="og:url" content="http://testserver/p/noi-dung/{item.code}/">' in page
    assert 'property="og:image" content="http://testserver/p/noi-dung/' in page
    assert "facebook.com/sharer/sharer.php?u=http%3A%2F%2Ftestserver" in page
    assert "<script>" not in page and "gtag" not in page and "fbq(" not in page
    assert anon.get(f"/p/noi-dung/{item.code.upper()}/").status_code == 200
    image = anon.get(f"/p/noi-dung/{item.code}/tep/{item.attachments.get().pk}/")
    assert image.status_code == 200 and image["Content-Type"] == "image/jpeg"
    assert image["X-Content-Type-Options"] == "nosniff"
    feed = anon.get(f"/p/noi-dung/don-vi/{world.province.code}/feed.atom")
    assert feed["Content-Type"].startswith("application/atom+xml")
    assert (
        f"/p/noi-dung/{item.code}/" in feed.content.decode() and item.title in feed.content.decode()
    )
    draft = make_item(world.province, world.province_users["editor"], title="Bản nháp bí mật")
    assert anon.get(f"/p/noi-dung/{draft.code}/").status_code == 404
    assert (
        "Bản nháp bí mật"
        not in anon.get(f"/p/noi-dung/don-vi/{world.province.code}/feed.atom").content.decode()
    )
    assert (
        "Bản nháp bí mật"
        not in anon.get(f"/p/noi-dung/don-vi/{world.province.code}/").content.decode()
    )
