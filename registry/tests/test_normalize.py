"""Tests for registry.normalize: a table of input forms, a table of refusals, and properties."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from registry.normalize import (
    _FB_RESERVED,
    _IG_POST,
    _IG_RESERVED,
    PLATFORMS,
    BareHandle,
    Canonical,
    NotAChannel,
    normalize,
    parse_query,
)

FB_ID = "100064012345678"
UC = "UCaBcDeFgHiJkLmNoPqRsTuV"  # 24 characters, case matters

# input -> (platform, identifier)
ACCEPTED: list[tuple[str, tuple[str, str]]] = [
    # --- Facebook vanities on every host, with and without scheme
    ("https://www.facebook.com/ubndxaminhchau", ("facebook", "ubndxaminhchau")),
    ("http://facebook.com/ubndxaminhchau", ("facebook", "ubndxaminhchau")),
    ("facebook.com/ubndxaminhchau", ("facebook", "ubndxaminhchau")),
    ("www.facebook.com/ubndxaminhchau/", ("facebook", "ubndxaminhchau")),
    ("https://m.facebook.com/ubndxaminhchau", ("facebook", "ubndxaminhchau")),
    ("https://mbasic.facebook.com/ubndxaminhchau", ("facebook", "ubndxaminhchau")),
    ("https://web.facebook.com/ubndxaminhchau", ("facebook", "ubndxaminhchau")),
    ("https://business.facebook.com/ubndxaminhchau", ("facebook", "ubndxaminhchau")),
    ("https://touch.facebook.com/ubndxaminhchau", ("facebook", "ubndxaminhchau")),
    ("https://vi-vn.facebook.com/ubndxaminhchau", ("facebook", "ubndxaminhchau")),
    ("https://fb.com/ubndxaminhchau", ("facebook", "ubndxaminhchau")),
    ("https://fb.me/ubndxaminhchau", ("facebook", "ubndxaminhchau")),
    ("https://m.me/ubndxaminhchau", ("facebook", "ubndxaminhchau")),
    ("HTTPS://WWW.FACEBOOK.COM/UBNDXaMinhChau", ("facebook", "ubndxaminhchau")),
    ("https://www.facebook.com/UBND.Xa.Minh.Chau", ("facebook", "ubnd.xa.minh.chau")),
    ("https://www.facebook.com/ubndxaminhchau?ref=embed_page", ("facebook", "ubndxaminhchau")),
    ("https://www.facebook.com/ubndxaminhchau?mibextid=ZbWKwL", ("facebook", "ubndxaminhchau")),
    ("https://www.facebook.com/ubndxaminhchau?__tn__=-UC*F", ("facebook", "ubndxaminhchau")),
    ("https://www.facebook.com/ubndxaminhchau?fbclid=IwAR0abc", ("facebook", "ubndxaminhchau")),
    (
        "https://www.facebook.com/ubndxaminhchau?utm_source=zalo&utm_medium=x",
        ("facebook", "ubndxaminhchau"),
    ),
    ("https://www.facebook.com/ubndxaminhchau#section", ("facebook", "ubndxaminhchau")),
    ("https://www.facebook.com/#!/ubndxaminhchau", ("facebook", "ubndxaminhchau")),
    ("https://facebook.com:443/ubndxaminhchau", ("facebook", "ubndxaminhchau")),
    ("http://facebook.com:80/ubndxaminhchau", ("facebook", "ubndxaminhchau")),
    ("  <https://www.facebook.com/ubndxaminhchau>  ", ("facebook", "ubndxaminhchau")),
    ('"https://www.facebook.com/ubndxaminhchau"', ("facebook", "ubndxaminhchau")),
    ("“facebook.com/ubndxaminhchau”", ("facebook", "ubndxaminhchau")),
    ("facebook.com/ubndxaminhchau.", ("facebook", "ubndxaminhchau")),
    ("https://www.facebook.com/ubndxaminhchau\u200b", ("facebook", "ubndxaminhchau")),
    ("https://ｆａｃｅｂｏｏｋ.com/ubndxaminhchau", ("facebook", "ubndxaminhchau")),
    # --- Facebook numeric ids
    (f"https://www.facebook.com/profile.php?id={FB_ID}", ("facebook", FB_ID)),
    (f"https://m.facebook.com/profile.php?id={FB_ID}&sk=about", ("facebook", FB_ID)),
    (f"https://www.facebook.com/{FB_ID}", ("facebook", FB_ID)),
    (f"https://www.facebook.com/people/UBND-X%C3%A3-Minh-Ch%C3%A2u/{FB_ID}/", ("facebook", FB_ID)),
    (f"https://www.facebook.com/people/UBND-Xã-Minh-Châu/{FB_ID}/", ("facebook", FB_ID)),
    (f"https://www.facebook.com/pages/UBND-xa-Minh-Chau/{FB_ID}", ("facebook", FB_ID)),
    (f"https://www.facebook.com/pages/UBND-xa-Minh-Chau-{FB_ID}", ("facebook", FB_ID)),
    (
        f"https://www.facebook.com/pages/category/Government-Organization/UBND-xa-{FB_ID}/",
        ("facebook", FB_ID),
    ),
    (f"https://www.facebook.com/p/UBND-x%C3%A3-Minh-Ch%C3%A2u-{FB_ID}/", ("facebook", FB_ID)),
    (f"https://www.facebook.com/UBND-xa-Minh-Chau-{FB_ID}/", ("facebook", FB_ID)),
    (FB_ID, ("facebook", FB_ID)),
    ("12345678", ("facebook", "12345678")),
    (f" {FB_ID} ", ("facebook", FB_ID)),
    # --- Facebook posts, photos, videos, reels that show the page
    ("https://www.facebook.com/ubndxaminhchau/posts/pfbid02abcDEF", ("facebook", "ubndxaminhchau")),
    ("https://www.facebook.com/ubndxaminhchau/videos/123456789/", ("facebook", "ubndxaminhchau")),
    ("https://www.facebook.com/ubndxaminhchau/photos/a.1/2/", ("facebook", "ubndxaminhchau")),
    ("https://www.facebook.com/ubndxaminhchau/reels/", ("facebook", "ubndxaminhchau")),
    ("https://www.facebook.com/ubndxaminhchau/about", ("facebook", "ubndxaminhchau")),
    (f"https://www.facebook.com/{FB_ID}/posts/987654321/", ("facebook", FB_ID)),
    (
        f"https://www.facebook.com/permalink.php?story_fbid=pfbid0xyz&id={FB_ID}",
        ("facebook", FB_ID),
    ),
    (f"https://m.facebook.com/story.php?story_fbid=123&id={FB_ID}&ref=x", ("facebook", FB_ID)),
    ("https://www.facebook.com/pg/ubndxaminhchau/posts/", ("facebook", "ubndxaminhchau")),
    ("https://www.facebook.com/watch/ubndxaminhchau/", ("facebook", "ubndxaminhchau")),
    (
        "https://l.facebook.com/l.php?u=https%3A%2F%2Fubnd.minhchau.gov.vn%2Ftin&h=AT0",
        ("website", "ubnd.minhchau.gov.vn"),
    ),
    # --- Instagram
    ("https://www.instagram.com/ubnd.minhchau/", ("instagram", "ubnd.minhchau")),
    ("instagram.com/UBND_MinhChau", ("instagram", "ubnd_minhchau")),
    ("https://www.instagram.com/ubnd.minhchau/reels/", ("instagram", "ubnd.minhchau")),
    (
        "https://www.instagram.com/ubnd.minhchau/?igsh=MWQ1ZGUxMzBkMA==",
        ("instagram", "ubnd.minhchau"),
    ),
    ("https://www.instagram.com/ubnd.minhchau/p/C1a2b3/", ("instagram", "ubnd.minhchau")),
    ("https://m.instagram.com/ubnd.minhchau", ("instagram", "ubnd.minhchau")),
    ("https://instagr.am/ubnd.minhchau", ("instagram", "ubnd.minhchau")),
    ("https://www.instagram.com/stories/ubnd.minhchau/3141592653/", ("instagram", "ubnd.minhchau")),
    # --- YouTube
    ("https://www.youtube.com/@UBNDMinhChau", ("youtube", "@ubndminhchau")),
    ("youtube.com/@ubndminhchau", ("youtube", "@ubndminhchau")),
    ("https://m.youtube.com/@ubndminhchau/videos", ("youtube", "@ubndminhchau")),
    ("https://music.youtube.com/@ubndminhchau", ("youtube", "@ubndminhchau")),
    ("https://www.youtube.com/@ubndminhchau/shorts", ("youtube", "@ubndminhchau")),
    ("https://www.youtube.com/@ubndminhchau/streams", ("youtube", "@ubndminhchau")),
    ("https://www.youtube.com/@ubndminhchau/featured", ("youtube", "@ubndminhchau")),
    ("https://www.youtube.com/@ubndminhchau/about?si=abc", ("youtube", "@ubndminhchau")),
    (
        "https://www.youtube.com/@Truy%E1%BB%81nH%C3%ACnhMinhCh%C3%A2u",
        ("youtube", "@truyềnhìnhminhchâu"),
    ),
    (f"https://www.youtube.com/channel/{UC}", ("youtube", UC)),
    (f"https://www.youtube.com/channel/{UC}/videos?view=0", ("youtube", UC)),
    (f"https://M.YOUTUBE.COM/channel/{UC}", ("youtube", UC)),
    ("https://www.youtube.com/c/UBNDMinhChau", ("youtube", "c/ubndminhchau")),
    ("https://www.youtube.com/c/UBNDMinhChau/videos", ("youtube", "c/ubndminhchau")),
    ("https://www.youtube.com/user/UBNDMinhChau", ("youtube", "user/ubndminhchau")),
    ("https://www.youtube.com/UBNDMinhChau", ("youtube", "c/ubndminhchau")),
    # --- TikTok
    ("https://www.tiktok.com/@ubnd.minhchau", ("tiktok", "ubnd.minhchau")),
    ("tiktok.com/@UBND.MinhChau?lang=vi", ("tiktok", "ubnd.minhchau")),
    ("https://m.tiktok.com/@ubnd.minhchau", ("tiktok", "ubnd.minhchau")),
    (
        "https://www.tiktok.com/@ubnd.minhchau/video/7301234567890123456",
        ("tiktok", "ubnd.minhchau"),
    ),
    (
        "https://www.tiktok.com/@ubnd.minhchau/photo/7301234567890123456",
        ("tiktok", "ubnd.minhchau"),
    ),
    (
        "https://www.tiktok.com/@ubnd_minhchau?is_from_webapp=1&sender_device=pc",
        ("tiktok", "ubnd_minhchau"),
    ),
    # --- Zalo
    ("https://zalo.me/4318327560123456789", ("zalo", "4318327560123456789")),
    ("zalo.me/0912345678", ("zalo", "0912345678")),
    ("https://oa.zalo.me/4318327560123456789", ("zalo", "4318327560123456789")),
    ("https://zalo.me/s/4318327560123456789/", ("zalo", "4318327560123456789")),
    ("https://zalo.me/s/4318327560123456789/?utm_source=zalo-oa", ("zalo", "4318327560123456789")),
    ("https://oa.zalo.me/home?oa_id=4318327560123456789", ("zalo", "4318327560123456789")),
    ("https://zalo.me/ubndMinhChau", ("zalo", "ubndMinhChau")),
    # --- websites
    ("ubnd.hanoi.gov.vn", ("website", "ubnd.hanoi.gov.vn")),
    ("https://WWW.Hanoi.gov.vn/tin-tuc?x=1", ("website", "hanoi.gov.vn")),
    ("http://www.hanoi.gov.vn", ("website", "hanoi.gov.vn")),
    ("hanoi.gov.vn.", ("website", "hanoi.gov.vn")),
    (
        "https://minhchau.tuyenquang.gov.vn:443/Pages/trang-chu.aspx",
        ("website", "minhchau.tuyenquang.gov.vn"),
    ),
    ("https://hànội.vn/gioi-thieu", ("website", "xn--hni-9ka0849a.vn")),
    ("https://xn--hni-9ka0849a.vn/", ("website", "xn--hni-9ka0849a.vn")),
    ("//baochinhphu.vn/abc", ("website", "baochinhphu.vn")),
    ("https://x.com/ubndminhchau", ("website", "x.com")),
]

# bare names and handles -> BareHandle.text
BARE: list[tuple[str, str]] = [
    ("@ubndxa", "ubndxa"),
    ("@UBNDXa", "ubndxa"),
    ("  @ubnd.xa.minhchau ", "ubnd.xa.minhchau"),
    ("UBND xã Minh Châu", "ubnd xã minh châu"),
    ("UBND   xã  Minh Châu", "ubnd xã minh châu"),
    ("UBND P. Bến Nghé", "ubnd p. bến nghé"),
    ("ubndxaminhchau", "ubndxaminhchau"),
    ("0912345678", "0912345678"),
    ("1234567", "1234567"),
    ("Công an xã A/B", "công an xã a/b"),
]

# (input, NotAChannel.code or None when any code will do)
REFUSED: list[tuple[str, str | None]] = [
    ("", "empty"),
    ("   ", "empty"),
    ("<>", "empty"),
    ('""', "empty"),
    ("a" * 2001, "too_long"),
    ("https://facebook.com/abc\x00", "control"),
    ("abc\x07def", "control"),
    ("UBND\u202exã", "control"),
    ("line one\nline two", "control"),
    ("javascript:alert(1)", "scheme"),
    ("JavaScript:alert(document.cookie)", "scheme"),
    ("data:text/html,<script>alert(1)</script>", "scheme"),
    ("ftp://ubnd.vn/", "scheme"),
    ("file:///etc/passwd", "scheme"),
    ("mailto:ubnd@hanoi.gov.vn", "scheme"),
    ("hxxps://facebook.com/abc", "scheme"),
    ("@", None),
    ("@@@", None),
    ("???", None),
    ("https://", None),
    ("https://facebook", None),
    ("http://localhost/", None),
    ("http://127.0.0.1/", "ip_address"),
    ("http://[::1]/", "ip_address"),
    ("https://ubnd.vn:8080/", "port"),
    ("https://ubnd.vn:99999/", None),
    ("https://ubnd.vn:abc/", None),
    ("https://user:pass@ubnd.vn/", "userinfo"),
    ("ubnd@hanoi.gov.vn", "userinfo"),
    ("https://a..b.vn/", None),
    ("https://-abc.vn/", None),
    ("https://abc.123/", None),
    ("https://ubnd_xa.vn/", None),
    ("https://xn--zz.vn/", None),
    ("https://www.facebook.com/groups/ubndxaminhchau", "group"),
    ("https://m.facebook.com/groups/123456789/permalink/987/", "group"),
    ("https://www.facebook.com/share/1AbCdEf/", "share_link"),
    ("https://www.facebook.com/share/p/1AbCdEf/", "share_link"),
    ("https://www.facebook.com/sharer/sharer.php?u=x", "share_link"),
    ("https://fb.me/e/abcdef", "share_link"),
    ("https://www.facebook.com/watch?v=123456789", "video_link"),
    ("https://www.facebook.com/watch/?v=123456789", "video_link"),
    ("https://fb.watch/abcDEF/", "video_link"),
    ("https://www.facebook.com/reel/123456789", "video_link"),
    ("https://www.facebook.com/photo/?fbid=123&set=a.456", "post_link"),
    ("https://www.facebook.com/permalink.php?story_fbid=123", "post_link"),
    ("https://www.facebook.com/", "not_a_page"),
    ("https://www.facebook.com/home.php", "not_a_page"),
    ("https://www.facebook.com/login/", "not_a_page"),
    ("https://www.facebook.com/marketplace/item/1", "not_a_page"),
    ("https://www.facebook.com/events/123456/", "not_a_page"),
    ("https://www.facebook.com/gaming/abc", "not_a_page"),
    ("https://www.facebook.com/help/123", "not_a_page"),
    ("https://www.facebook.com/policies", "not_a_page"),
    ("https://www.facebook.com/settings", "not_a_page"),
    ("https://www.facebook.com/profile.php", "not_a_page"),
    ("https://www.facebook.com/profile.php?id=abc", "not_a_page"),
    ("https://www.facebook.com/ubnd_xa", "not_a_page"),
    ("https://developers.facebook.com/docs/", "not_a_page"),
    ("https://www.instagram.com/p/C1a2b3/", "post_link"),
    ("https://www.instagram.com/reel/C1a2b3/", "post_link"),
    ("https://www.instagram.com/", "not_a_page"),
    ("https://www.instagram.com/explore/tags/hanoi/", "not_a_page"),
    ("https://www.instagram.com/accounts/login/", "not_a_page"),
    ("https://youtu.be/dQw4w9WgXcQ", "video_link"),
    ("https://www.youtube.com/watch?v=dQw4w9WgXcQ&ab_channel=UBND", "video_link"),
    ("https://www.youtube.com/shorts/dQw4w9WgXcQ", "video_link"),
    ("https://www.youtube.com/embed/dQw4w9WgXcQ", "video_link"),
    ("https://www.youtube.com/playlist?list=PL123", "playlist"),
    ("https://www.youtube.com/channel/not-a-channel-id", "not_a_page"),
    ("https://www.youtube.com/", "not_a_page"),
    ("https://www.youtube.com/results?search_query=ubnd", "not_a_page"),
    ("https://vm.tiktok.com/ZSabc123/", "short_link"),
    ("https://vt.tiktok.com/ZSabc123/", "short_link"),
    ("https://www.tiktok.com/t/ZTabc123/", "short_link"),
    ("https://www.tiktok.com/", "not_a_page"),
    ("https://www.tiktok.com/foryou", "not_a_page"),
    ("https://m.tiktok.com/v/7301234567890123456.html", "video_link"),
    ("https://zalo.me/g/abcdef", "group"),
    ("https://zalo.me/", "not_a_page"),
    ("https://oa.zalo.me/home", "not_a_page"),
    ("https://id.zalo.me/account", "not_a_page"),
]


def _ids() -> list[str]:
    return [case[0][:70] for case in ACCEPTED]


def test_table_is_big_enough() -> None:
    assert len(ACCEPTED) >= 80
    assert len(REFUSED) >= 40


@pytest.mark.parametrize(("text", "expected"), ACCEPTED, ids=_ids())
def test_accepted_forms(text: str, expected: tuple[str, str]) -> None:
    result = normalize(text)
    assert (result.platform, result.identifier) == expected
    assert result.platform in PLATFORMS
    assert result.kind in ("id", "handle", "domain")
    assert parse_query(text) == result
    # the canonical URL is a fixed point
    assert normalize(result.url) == result


@pytest.mark.parametrize(("text", "expected"), BARE)
def test_bare_handles(text: str, expected: str) -> None:
    assert parse_query(text) == BareHandle(expected)
    with pytest.raises(NotAChannel) as info:
        normalize(text)
    assert info.value.code == "bare_handle"


@pytest.mark.parametrize(("text", "code"), REFUSED, ids=[c[0][:60] for c in REFUSED])
def test_refused(text: str, code: str | None) -> None:
    with pytest.raises(NotAChannel) as info:
        parse_query(text)
    message = str(info.value)
    assert message and len(message) < 400
    if code is not None:
        assert info.value.code == code
    with pytest.raises(NotAChannel):
        normalize(text)


def test_canonical_urls() -> None:
    assert normalize("facebook.com/UBNDxa").url == "https://www.facebook.com/ubndxa"
    assert normalize(f"fb.com/{FB_ID}").url == f"https://www.facebook.com/profile.php?id={FB_ID}"
    assert normalize("youtube.com/@UBNDxa/videos").url == "https://www.youtube.com/@ubndxa"
    assert normalize(f"youtube.com/channel/{UC}").url == f"https://www.youtube.com/channel/{UC}"
    assert normalize("youtube.com/c/UBNDxa").url == "https://www.youtube.com/c/ubndxa"
    assert normalize("youtube.com/user/UBNDxa").url == "https://www.youtube.com/user/ubndxa"
    assert normalize("tiktok.com/@UBNDxa").url == "https://www.tiktok.com/@ubndxa"
    assert normalize("oa.zalo.me/123456789").url == "https://zalo.me/123456789"
    assert normalize("WWW.Hanoi.gov.vn/abc").url == "https://hanoi.gov.vn/"
    assert normalize("instagram.com/UBNDxa").url == "https://www.instagram.com/ubndxa/"


def test_kinds() -> None:
    assert normalize(FB_ID).kind == "id"
    assert normalize("facebook.com/ubndxa").kind == "handle"
    assert normalize(f"youtube.com/channel/{UC}").kind == "id"
    assert normalize("youtube.com/@x").kind == "handle"
    assert normalize("zalo.me/123456789").kind == "id"
    assert normalize("hanoi.gov.vn").kind == "domain"


def test_youtube_channel_id_keeps_case() -> None:
    upper = normalize(f"youtube.com/channel/{UC}")
    other = normalize(f"youtube.com/channel/{UC.swapcase().replace('uc', 'UC', 1)}")
    assert upper.identifier == UC
    assert other.identifier != upper.identifier


def test_not_a_channel_is_value_error_with_vietnamese_message() -> None:
    with pytest.raises(ValueError, match="Không nhận ra liên kết hoặc tên trang"):
        normalize("https://facebook")
    with pytest.raises(NotAChannel, match="liên kết chia sẻ không cho biết trang|Liên kết chia sẻ"):
        normalize("https://www.facebook.com/share/abc")


def test_long_garbage_is_truncated_in_message() -> None:
    with pytest.raises(NotAChannel) as info:
        parse_query("https://" + "x" * 1500)
    assert len(str(info.value)) < 200


# --- properties ---------------------------------------------------------------------------------

_alnum = "abcdefghijklmnopqrstuvwxyz0123456789"
_vanity = st.text(alphabet=_alnum + ".", min_size=5, max_size=30).filter(
    lambda s: s[0] != "." and s[-1] != "." and any(c.isalpha() for c in s)
)
_username = st.text(alphabet=_alnum + "._", min_size=2, max_size=24).filter(
    lambda s: s[-1] != "." and s[0] != "." and any(c.isalpha() for c in s)
)
_fb_id = st.integers(min_value=10**7, max_value=10**17).map(str)
_uc = st.text(
    alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-",
    min_size=22,
    max_size=22,
).map(lambda s: "UC" + s)
_label = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=12)
_domain = st.tuples(
    st.lists(_label, min_size=1, max_size=3), st.sampled_from(["vn", "gov.vn", "com", "org"])
).map(lambda t: ".".join([*t[0], t[1]]))

# (platform-specific URL path or host, whether the host accepts a "m." prefix). Names a
# platform keeps for its own pages ("graph", "explore", …) are not channels: left out.
_channel_links = st.one_of(
    _vanity.filter(
        lambda v: not v.isdigit() and v not in _FB_RESERVED and not v.endswith(".php")
    ).map(lambda v: ("facebook.com", f"/{v}")),
    _fb_id.map(lambda n: ("facebook.com", f"/profile.php?id={n}")),
    _fb_id.map(lambda n: ("facebook.com", f"/people/Some-Name/{n}/")),
    _username.filter(lambda u: u not in _IG_RESERVED | _IG_POST).map(
        lambda u: ("instagram.com", f"/{u}/")
    ),
    _username.map(lambda u: ("youtube.com", f"/@{u}")),
    _uc.map(lambda c: ("youtube.com", f"/channel/{c}")),
    _username.map(lambda u: ("youtube.com", f"/c/{u}")),
    _username.map(lambda u: ("tiktok.com", f"/@{u}")),
    _fb_id.map(lambda n: ("zalo.me", f"/{n}")),
)

_tracking = st.lists(
    st.sampled_from(
        [
            "ref=embed_page",
            "mibextid=ZbWKwL",
            "__tn__=-R",
            "fbclid=IwAR0xyz",
            "utm_source=zalo",
            "utm_campaign=x",
            "si=abcDEF",
            "igsh=MWQ1",
            "locale=vi_VN",
        ]
    ),
    max_size=3,
)


def _with_query(path: str, extra: list[str]) -> str:
    if not extra:
        return path
    return path + ("&" if "?" in path else "?") + "&".join(extra)


@settings(max_examples=300, suppress_health_check=[HealthCheck.filter_too_much])
@given(
    link=_channel_links,
    scheme=st.sampled_from(["https://", "http://", "", "//"]),
    prefix=st.sampled_from(["", "www.", "m."]),
    upper_host=st.booleans(),
    slash=st.booleans(),
    extra=_tracking,
    fragment=st.sampled_from(["", "#", "#top"]),
)
def test_variants_normalize_alike(
    link: tuple[str, str],
    scheme: str,
    prefix: str,
    upper_host: bool,
    slash: bool,
    extra: list[str],
    fragment: str,
) -> None:
    host, path = link
    base = normalize(f"https://{host}{path}")
    if host == "zalo.me" and prefix == "m.":
        prefix = ""
    if slash and "?" not in path and not path.endswith("/"):
        path += "/"
    full_host = prefix + host
    if upper_host:
        full_host = full_host.upper()
    variant = scheme + full_host + _with_query(path, extra) + fragment
    assert normalize(variant) == base
    assert normalize(base.url) == base


@given(
    domain=_domain,
    scheme=st.sampled_from(["https://", "http://", ""]),
    www=st.booleans(),
    upper=st.booleans(),
    path=st.sampled_from(["", "/", "/tin-tuc", "/a/b?x=1", "/?utm_source=x#frag"]),
)
def test_websites_normalize_alike(
    domain: str, scheme: str, www: bool, upper: bool, path: str
) -> None:
    try:
        base = normalize(domain)
    except NotAChannel:
        return  # e.g. an all-digit label that makes the host look like an IP address
    host = ("www." if www else "") + domain
    if upper:
        host = host.upper()
    result = normalize(scheme + host + path)
    assert result == base
    assert result.platform in ("website", "facebook", "instagram", "youtube", "tiktok", "zalo")
    assert normalize(result.url) == result


@settings(max_examples=500)
@given(st.text(max_size=300))
def test_parse_query_only_raises_not_a_channel(text: str) -> None:
    try:
        result = parse_query(text)
    except NotAChannel as exc:
        assert str(exc)
        return
    assert isinstance(result, Canonical | BareHandle)
    if isinstance(result, Canonical):
        assert result.platform in PLATFORMS
        assert normalize(result.url) == result  # idempotent
    else:
        assert result.text == result.text.strip().lower()
        assert not result.text.startswith("@")


@settings(max_examples=300)
@given(
    st.tuples(
        st.sampled_from(["https://", "facebook.com/", "youtube.com/", "zalo.me/", ""]),
        st.text(
            alphabet=st.sampled_from(list("abc./:@?#=&%-_ 0123456789hHtTpPsSwWfFbB\\[]")),
            max_size=60,
        ),
    ).map("".join)
)
def test_url_shaped_noise_only_raises_not_a_channel(text: str) -> None:
    try:
        result = parse_query(text)
    except NotAChannel:
        return
    if isinstance(result, Canonical):
        assert normalize(result.url) == result


@given(st.text(min_size=1, max_size=40))
def test_normalize_is_idempotent_on_whatever_parses(text: str) -> None:
    try:
        first = normalize(text)
    except NotAChannel:
        return
    assert normalize(first.url) == first
    assert normalize(first.url).url == first.url
