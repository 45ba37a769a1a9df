"""The public lookup's rate limit (security.ratelimit, per client address)."""

from __future__ import annotations

from typing import Any


def test_public_lookup_is_rate_limited_per_address(db: Any, client: Any, settings: Any) -> None:
    settings.BANTIN_LOOKUP_RATE = "3/m"
    codes = [
        client.get("/api/registry/lookup", {"q": "ubnd.example.gov.vn"}).status_code
        for _ in range(4)
    ]
    assert codes[:3] == [200, 200, 200]
    assert codes[3] == 429
    page = client.get("/p/kiem-tra/", {"q": "ubnd.example.gov.vn"}).content.decode()
    assert "quá nhiều lần" in page
    other = client.get("/api/registry/lookup", {"q": "ubnd.example.gov.vn"}, REMOTE_ADDR="10.9.8.7")
    assert other.status_code == 200


def test_warm_builds_the_index_and_never_raises(
    db: Any, monkeypatch: Any, settings: Any, tmp_path: Any
) -> None:
    from registry import index

    settings.BANTIN_REGISTRY_INDEX_DIR = tmp_path
    monkeypatch.setattr(index, "_current", None)
    monkeypatch.setattr(index, "_sharing", False)  # warm() shares the base: not after this test
    monkeypatch.setattr(index, "start_background", lambda: None)  # no thread in this test
    before = index.builds
    index.warm()
    assert index.builds == before + 1 and index._current is not None

    def broken() -> None:
        raise RuntimeError("database away")

    monkeypatch.setattr(index, "refresh", broken)
    index.warm()  # logged, not raised: the first lookup builds it instead


def test_lookup_is_served_ahead_of_the_api_and_both_doors_agree(world: Any, client: Any) -> None:
    """The path resolves to the plain view (no django-ninja wrapper on the hot path), and the
    django-ninja operation that documents it answers the same, 429 and 405 included."""
    from django.test import override_settings
    from django.urls import resolve
    from ninja.testing import TestClient

    from registry.api import lookup_view, router
    from registry.tests.factories import make_channel

    make_channel(world.commune_a, "facebook.com/ubndcoto", name="UBND Đặc khu Cô Tô", verified=True)
    assert resolve("/api/registry/lookup").func is lookup_view
    ninja = TestClient(router)
    for q in ("facebook.com/ubndcoto", "facebook.com/ubndc0to", "javascript:alert(1)", "co to"):
        plain = client.get("/api/registry/lookup", {"q": q})
        documented = ninja.get("/lookup", query_params={"q": q})
        assert (plain.status_code, plain.content) == (documented.status_code, documented.content)
    assert client.post("/api/registry/lookup", {"q": "x"}).status_code == 405
    with override_settings(BANTIN_LOOKUP_RATE="1/m"):
        client.get("/api/registry/lookup", {"q": "a.gov.vn"}, REMOTE_ADDR="10.1.1.1")
        limited = client.get("/api/registry/lookup", {"q": "a.gov.vn"}, REMOTE_ADDR="10.1.1.1")
        assert limited.status_code == 429 and int(limited["Retry-After"]) >= 1


def test_lookup_json_follows_the_language_even_when_cached(world: Any, client: Any) -> None:
    """The answer is cached per registry version; the platform's label is translated, so an
    English reader's answer never reaches a Vietnamese reader (and back)."""
    from django.conf import settings

    from registry.tests.factories import make_channel

    make_channel(world.commune_a, "https://ubnd.coto.gov.vn/", name="Cô Tô", verified=True)

    def label(language: str) -> str:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        body = client.get("/api/registry/lookup", {"q": "ubnd.coto.gov.vn"}).json()
        return str(body["channel"]["platform_label"])

    assert (label("en"), label("vi"), label("en")) == ("Website", "Trang web", "Website")


def test_the_lookup_skips_the_middleware_it_does_not_use_and_keeps_every_header(
    world: Any, client: Any
) -> None:
    """registry.middleware answers GET ahead of sessions, users, CSRF, two-factor and
    django-axes; the headers every answer carries are the same as a page's."""
    from registry.tests.factories import make_channel

    make_channel(world.commune_a, "facebook.com/ubndcoto", verified=True)
    lookup = client.get("/api/registry/lookup", {"q": "facebook.com/ubndcoto"})
    assert lookup.status_code == 200 and lookup.json()["status"] == "official"
    assert not hasattr(lookup.wsgi_request, "session")  # answered ahead of the rest
    assert not hasattr(lookup.wsgi_request, "user")
    assert lookup["Content-Length"] == str(len(lookup.content))
    page = client.get("/p/kiem-tra/")
    assert hasattr(page.wsgi_request, "session")  # every other path takes the whole chain
    for header in (
        "Content-Security-Policy",
        "X-Frame-Options",
        "X-Content-Type-Options",
        "Referrer-Policy",
        "Cross-Origin-Opener-Policy",
        "Content-Language",
    ):
        assert lookup.get(header) == page.get(header), header
    assert "Accept-Language" in lookup["Vary"]
    assert not lookup.cookies
    # another method takes the whole chain too (CSRF, then the view's 405)
    post = client.post("/api/registry/lookup", {"q": "x"})
    assert post.status_code == 405 and hasattr(post.wsgi_request, "session")
