"""The public check, from a citizen's side: ``/api/registry/lookup``, the page, the command.

Names prove nothing; a pending or retired look-alike keeps the warning; fake platform hosts
and hidden characters are named as such; the page's rate limit is a real 429.
"""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from registry import services
from registry.tests.factories import make_channel

NAME_HEADING = "Tên không chứng minh được trang nào là chính thức."
NAME_LIST = "Các kênh chính thức mang tên gần giống:"
OFFICIAL = "Đây là kênh chính thức"


@pytest.fixture
def coto(world: Any) -> Any:
    """Đặc khu Cô Tô's three official channels, and another unit's one."""
    c = world.cache
    c["fb"] = make_channel(
        world.commune_a,
        "https://www.facebook.com/ubndcoto",
        name="UBND đặc khu Cô Tô",
        verified=True,
    )
    c["yt"] = make_channel(
        world.commune_a, "https://www.youtube.com/@cototv", name="Truyền hình Cô Tô", verified=True
    )
    c["zalo"] = make_channel(
        world.commune_a, "https://zalo.me/2233445566", name="Cô Tô trực tuyến", verified=True
    )
    c["halong"] = make_channel(
        world.commune_b,
        "https://www.facebook.com/phuonghalong",
        name="Phường Hạ Long",
        verified=True,
    )
    return world


def api(q: str, **extra: Any) -> Any:
    return Client().get("/api/registry/lookup", {"q": q}, **extra)


def page(q: str, **extra: Any) -> Any:
    return Client().get("/p/kiem-tra/", {"q": q}, **extra)


def ids(items: list[dict[str, Any]]) -> list[int]:
    return [item["channel"]["id"] for item in items]


# --- 1. a name is never a verdict -------------------------------------------------------------


@pytest.mark.parametrize(
    "q",
    ["Đặc khu Cô Tô", "dac khu co to", "Cô Tô", "co to", "CÔ TÔ", "tô cô"],
)
def test_a_name_lists_the_channels_bearing_it_and_never_says_official(coto: Any, q: str) -> None:
    body = api(q).json()
    assert body["status"] == "name_matches"
    assert body["channel"] is None and body["unit"] is None
    cache = coto.cache
    assert {cache["fb"].pk, cache["yt"].pk, cache["zalo"].pk} <= set(ids(body["similar"]))
    assert cache["halong"].pk not in ids(body["similar"])
    first = body["similar"][0]
    assert set(first["channel"]) >= {"url", "platform_label", "status"}
    assert first["unit"]["name"] == "Đặc khu Cô Tô"
    html = page(q).content.decode()
    assert NAME_HEADING in html and NAME_LIST in html
    assert OFFICIAL not in html
    assert "https://www.youtube.com/@cototv" in html and "Đã xác minh" in html


def test_names_are_ranked_the_exact_name_first(coto: Any) -> None:
    body = api("ubnd dac khu co to").json()
    assert ids(body["similar"])[0] == coto.cache["fb"].pk
    body = api("truyen hinh co to").json()
    assert ids(body["similar"]) == [coto.cache["yt"].pk]  # whole words: all three must be there


def test_a_name_with_no_channel_is_not_found(coto: Any) -> None:
    assert api("Phường Không Có").json()["status"] == "not_found"
    assert api("coto").json()["status"] == "not_found"  # not a whole word of any name


def test_lookup_channel_command_lists_the_units_channels(coto: Any) -> None:
    out = io.StringIO()
    call_command("lookup_channel", "Cô Tô", stdout=out)
    body = json.loads(out.getvalue())
    assert body["status"] == "name_matches"
    assert {s["unit"]["code"] for s in body["similar"]} == {"07192"}
    assert len(body["similar"]) == 3


def test_a_handle_is_still_checked_exactly(coto: Any) -> None:
    assert api("@ubndcoto").json()["status"] == "official"
    assert api("facebook.com/ubndcoto").json()["status"] == "official"


# --- 3. a pending or retired look-alike keeps the warning -------------------------------------


def test_a_pending_lookalike_shows_the_registration_and_the_warning(coto: Any) -> None:
    fake = services.channel_register(
        acting_user=None,
        unit=coto.commune_a,
        url="m.facebook.com/ubndcot0?mibextid=x",
        acknowledge_lookalike="Trang cũ của đặc khu, đang chờ xác minh",
    )
    body = api("https://www.facebook.com/ubndcot0").json()
    assert body["status"] == "pending"
    assert body["channel"]["id"] == fake.pk
    assert ids(body["lookalike_of"]) == [coto.cache["fb"].pk]
    html = page("https://www.facebook.com/ubndcot0").content.decode()
    assert "Đã đăng ký, đang chờ xác minh" in html
    assert "CẢNH BÁO" in html and 'href="https://www.facebook.com/ubndcoto"' in html
    # the verified channel itself carries no warning
    assert api("facebook.com/ubndcoto").json()["lookalike_of"] == []

    services.channel_retire(acting_user=None, channel=fake)
    body = api("https://www.facebook.com/ubndcot0").json()
    assert body["status"] == "not_found" and ids(body["lookalike_of"]) == [coto.cache["fb"].pk]
    assert "CẢNH BÁO" in page("https://www.facebook.com/ubndcot0").content.decode()


def test_only_verification_makes_two_official_channels(coto: Any) -> None:
    fake = services.channel_register(
        acting_user=None,
        unit=coto.commune_b,
        url="facebook.com/ubnd.coto",
        acknowledge_lookalike="Trang của phường, tên trùng ngẫu nhiên",
    )
    assert api("facebook.com/ubnd.coto").json()["status"] == "pending"
    services.channel_verify(
        acting_user=None, channel=fake, method="công văn 5", acknowledge_lookalike="Đã đối chiếu"
    )
    body = api("facebook.com/ubnd.coto").json()
    assert body["status"] == "official" and body["lookalike_of"] == []


# --- 4. fake platforms, hidden characters, the page's 429 --------------------------------------


@pytest.mark.parametrize(
    ("q", "platform", "name"),
    [
        ("https://faceb\u043eok.com/ubndcoto", "facebook", "Facebook"),  # Cyrillic о
        ("https://xn--facebok-ejg.com/ubndcoto", "facebook", "Facebook"),  # the same, punycode
        ("facebook.com.evil.example/ubndcoto", "facebook", "Facebook"),
        ("https://www.faceb00k.com/ubndcoto", "facebook", "Facebook"),
        ("https://youtub3.com/@cototv", "youtube", "YouTube"),
        ("tiktok.com.vn/@ubndcoto", "tiktok", "TikTok"),
        ("zalo-me.vn/2233445566", "zalo", "Zalo"),
    ],
)
def test_a_fake_platform_host_is_named(coto: Any, q: str, platform: str, name: str) -> None:
    body = api(q).json()
    assert body["status"] == "fake_platform" and body["imitates"] == platform
    html = page(q).content.decode()
    assert f"Đây không phải {name}" in html
    if "ubndcoto" in q:  # the real channel the path names is shown
        assert coto.cache["fb"].pk in ids(body["similar"])


@pytest.mark.parametrize(
    "q",
    [
        "https://www.facebook.com/ubnd\u200bcoto",  # zero-width space
        "facebook.com/ubnd\u200dcoto",  # zero-width joiner
        "facebook.com/ubndco\u00adto",  # soft hyphen
        "facebook.com/ubnd%E2%80%8Bcoto",  # percent-encoded zero-width space
        "@ubnd\u202ecoto",  # right-to-left override
        "ubnd\u2066coto",
    ],
)
def test_hidden_characters_are_a_warning_never_a_verdict(coto: Any, q: str) -> None:
    body = api(q).json()
    assert body["status"] == "lookalike"
    assert body["warnings"] == ["hidden_characters"]
    assert ids(body["similar"])[0] == coto.cache["fb"].pk
    html = page(q).content.decode()
    assert "chứa ký tự ẩn" in html and OFFICIAL not in html


def test_copy_and_paste_noise_around_a_link_is_not_a_warning(coto: Any) -> None:
    body = api("\u200bhttps://www.facebook.com/ubndcoto\u200b").json()
    assert body["status"] == "official" and body["warnings"] == []


def test_the_page_answers_429_with_retry_after_when_limited(coto: Any, settings: Any) -> None:
    settings.BANTIN_LOOKUP_RATE = "2/m"
    assert [page("facebook.com/ubndcoto").status_code for _ in range(2)] == [200, 200]
    limited = page("facebook.com/ubndcoto")
    assert limited.status_code == 429
    assert 1 <= int(limited["Retry-After"]) <= 60
    assert "quá nhiều lần" in limited.content.decode()
    partial = page("facebook.com/ubndcoto", headers={"HX-Request": "true"})
    assert partial.status_code == 429 and "quá nhiều lần" in partial.content.decode()
    assert api("facebook.com/ubndcoto").status_code == 429
