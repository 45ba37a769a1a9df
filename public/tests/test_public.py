from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from django.test import Client

from registry.tests.factories import make_channel


@pytest.fixture
def channels(world: Any) -> Any:
    world.cache["coto"] = make_channel(
        world.commune_a,
        "https://www.facebook.com/ubndcoto",
        name="UBND Đặc khu Cô Tô",
        verified=True,
    )
    world.cache["halong"] = make_channel(
        world.commune_b, "halong.quangninh.gov.vn", name="Cổng Hạ Long"
    )
    world.cache["old"] = make_channel(
        world.department, "zalo.me/55556666", verified=True, retired=True
    )
    return world


def test_a_nul_character_gets_a_page_with_a_clear_message(channels: Any) -> None:
    # Refused by security.middleware.RejectNullCharactersMiddleware for every URL.
    response = Client().get("/p/kiem-tra/", {"q": "\u0000\u0001"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "<h1>" in body and "NUL" in body


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("https://m.facebook.com/ubndcoto/?ref=share", "Đây là kênh chính thức"),
        ("halong.quangninh.gov.vn", "đang chờ xác minh"),
        ("https://www.facebook.com/ubndc0to", "Đây KHÔNG phải kênh chính thức"),
        ("https://www.facebook.com/someone.else.entirely", "Không có trong danh bạ"),
        ("zalo.me/55556666", "đã ngừng sử dụng"),
        ("javascript:alert(1)", "Chưa kiểm tra được"),
        ("\u0001\u0002", "Chưa kiểm tra được"),
    ],
)
def test_check_page_outcomes(channels: Any, query: str, expected: str) -> None:
    response = Client().get("/p/kiem-tra/", {"q": query})
    assert response.status_code == 200
    body = response.content.decode()
    assert expected in body, body
    if "KHÔNG" in expected:
        assert "https://www.facebook.com/ubndcoto" in body  # links the official channel
        assert "/p/kenh/?unit=07192" in body


def test_check_page_partial_for_htmx(channels: Any) -> None:
    body = Client().get("/p/kiem-tra/", {"q": "fb.com/ubndcoto"}, headers={"HX-Request": "true"})
    text = body.content.decode()
    assert "Đây là kênh chính thức" in text and "<html" not in text


def test_directory_tree_and_accent_insensitive_search(channels: Any) -> None:
    client = Client()
    root = client.get("/p/kenh/").content.decode()
    assert "Tỉnh Quảng Ninh" in root and "2 kênh" in root  # retired one not counted
    province = client.get("/p/kenh/", {"unit": "22"}).content.decode()
    assert "Đặc khu Cô Tô" in province and "Phường Hạ Long" in province
    commune = client.get("/p/kenh/", {"unit": "07192"}).content.decode()
    assert "ubndcoto" in commune and "halong" not in commune
    for q in ("co to", "CÔ TÔ", "dac khu"):
        found = client.get("/p/kenh/", {"q": q}).content.decode()
        assert "ubndcoto" in found and "halong.quangninh" not in found, q
    assert "55556666" not in client.get("/p/kenh/", {"q": "van hoa"}).content.decode()
    assert client.get("/p/kenh/", {"unit": "nope"}).status_code == 200


def test_open_data_csv_and_json_share_the_schema(channels: Any) -> None:
    from registry.selectors import OPEN_DATA_FIELDS

    client = Client()
    response = client.get("/p/du-lieu-mo/kenh-chinh-thuc.csv")
    content = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    text = content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert tuple(rows[0]) == OPEN_DATA_FIELDS
    assert [r["status"] for r in rows] == ["verified", "pending", "retired"]
    assert rows[0]["unit_name"] == "Đặc khu Cô Tô" and rows[0]["verified_at"]
    body = client.get("/p/du-lieu-mo/kenh-chinh-thuc.json").json()
    assert body["schema"] == "bantin.registry.channels/1"
    assert body["fields"] == list(OPEN_DATA_FIELDS)
    assert [c["identifier"] for c in body["channels"]] == [r["identifier"] for r in rows]
    page = client.get("/p/du-lieu-mo/").content.decode()
    assert all(f in page for f in OPEN_DATA_FIELDS)


def test_open_data_doc_covers_every_field() -> None:
    from pathlib import Path

    from registry.selectors import OPEN_DATA_FIELDS

    doc = (Path(__file__).resolve().parents[2] / "docs" / "open-data.md").read_text()
    for f in OPEN_DATA_FIELDS:
        assert f"`{f}`" in doc, f


def test_atom_feed(channels: Any) -> None:
    response = Client().get("/p/kenh/feed.atom")
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)  # noqa: S314 - our own test output
    ns = {"a": "http://www.w3.org/2005/Atom"}
    titles = [e.findtext("a:title", namespaces=ns) or "" for e in root.findall("a:entry", ns)]
    assert any(t.startswith("Xác minh kênh chính thức: UBND Đặc khu Cô Tô") for t in titles)
    assert any(t.startswith("Ngừng sử dụng kênh") for t in titles)
    assert sum(t.startswith("Đăng ký kênh") for t in titles) == 3
