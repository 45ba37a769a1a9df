"""The lookup behind the public check, the API and ``lookup_channel``."""

from __future__ import annotations

import json
from typing import Any

import pytest

from registry import index, selectors, services
from registry.snapshot import ResultCache
from registry.tests.factories import make_channel


@pytest.fixture
def registry_world(world: Any) -> Any:
    world.cache["coto"] = make_channel(
        world.commune_a,
        "https://www.facebook.com/ubndcoto",
        name="UBND đặc khu Cô Tô",
        verified=True,
    )
    world.cache["halong"] = make_channel(
        world.commune_b, "https://halong.quangninh.gov.vn/", name="Cổng TTĐT phường Hạ Long"
    )
    world.cache["yt"] = make_channel(
        world.department,
        "https://www.youtube.com/@vanhoaquangninh",
        name="Văn hóa Quảng Ninh",
        verified=True,
    )
    world.cache["old"] = make_channel(
        world.commune_a, "https://zalo.me/987654321", verified=True, retired=True
    )
    return world


@pytest.mark.parametrize(
    "query",
    [
        "https://www.facebook.com/ubndcoto",
        "http://m.facebook.com/UBNDCOTO/?ref=bookmarks",
        "mbasic.facebook.com/ubndcoto/posts/123456",
        "fb.com/ubndcoto#about",
        "https://web.facebook.com/ubndcoto/?__tn__=kC-R&mibextid=ZbWKwL",
        "@ubndcoto",
        "ubndcoto",
    ],
)
def test_official(registry_world: Any, query: str) -> None:
    result = selectors.lookup(query)
    assert result.status == "official", result
    body = result.as_json()
    assert body["channel"]["id"] == registry_world.cache["coto"].pk
    assert body["unit"] == {"code": "07192", "name": "Đặc khu Cô Tô", "path": "22/07192/"}
    assert body["channel"]["verified_at"]


def test_pending_and_subdomain(registry_world: Any) -> None:
    assert selectors.lookup("HTTPS://Halong.QuangNinh.gov.vn/tin-tuc?id=1").status == "pending"
    assert selectors.lookup("www.halong.quangninh.gov.vn").status == "pending"
    sub = selectors.lookup("dichvucong.halong.quangninh.gov.vn")
    assert sub.status == "pending" and sub.channel is not None
    assert sub.channel.identifier == "halong.quangninh.gov.vn"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("https://www.facebook.com/ubndc0to", "coto"),  # 0 for o
        ("facebook.com/ubnd.coto", "coto"),  # a dot added
        ("tiktok.com/@ubnd_coto", "coto"),  # underscore added, another platform
        ("facebook.com/ubndcotto", "coto"),  # one letter added
        ("https://www.tiktok.com/@ubndcoto", "coto"),  # same handle, another platform
        ("https://www.youtube.com/@vanhoaquangninhh", "yt"),
        ("https://www.youtube.com/@vanhoaquangnlnh", "yt"),  # l for i
        ("halong-quangninh.gov.vn", "halong"),
        ("https://halong.quangninh.com.vn", "halong"),
        ("@ubnd.coto", "coto"),
    ],
)
def test_lookalike_names_the_official_channel(
    registry_world: Any, query: str, expected: str
) -> None:
    result = selectors.lookup(query)
    assert result.status == "lookalike", (query, result)
    assert result.channel is None
    assert registry_world.cache[expected].pk in [s.id for s in result.similar]
    body = result.as_json()
    assert body["channel"] is None and body["unit"] is None
    assert body["similar"][0]["unit"]["code"]


@pytest.mark.parametrize(
    "query", ["https://www.facebook.com/trangkhac.hoantoan", "example.org", "@nobodyhere"]
)
def test_not_found(registry_world: Any, query: str) -> None:
    result = selectors.lookup(query)
    assert result.as_json() == {
        "status": "not_found",
        "channel": None,
        "unit": None,
        "similar": [],
        "lookalike_of": [],
        "imitates": None,
        "warnings": [],
    }


def test_retired_channel_is_not_official(registry_world: Any) -> None:
    result = selectors.lookup("https://zalo.me/987654321")
    assert result.status == "not_found"
    assert result.channel is not None and result.channel.status == "retired"


@pytest.mark.parametrize(
    "query",
    ["", "   ", "javascript:alert(1)", "https://www.facebook.com/groups/123", "\x00", "x" * 5000],
)
def test_garbage_gets_a_message(registry_world: Any, query: str) -> None:
    result = selectors.lookup(query)
    assert result.status == "invalid" and result.error


def test_index_is_kept_per_process_and_rebuilt_on_change(registry_world: Any) -> None:
    selectors.lookup("facebook.com/ubndcoto")
    builds = index.builds
    for _ in range(5):
        selectors.lookup("facebook.com/ubndcoto")
    assert index.builds == builds  # no rebuild per request
    services.channel_verify(
        acting_user=None, channel=registry_world.cache["halong"], method="công văn"
    )
    refreshes = index.refreshes
    assert selectors.lookup("halong.quangninh.gov.vn").status == "official"
    # the write is applied as an overlay over the same base: no full rebuild
    assert (index.builds, index.refreshes) == (builds, refreshes + 1)


def test_another_process_write_is_seen_through_the_version_row(
    registry_world: Any, monkeypatch: Any
) -> None:
    from django.db.models import F

    from registry.models import Channel, RegistryVersion

    assert selectors.lookup("halong.quangninh.gov.vn").status == "pending"
    # what another worker does: the row changes and the version moves; this process's
    # index was not told directly
    RegistryVersion.objects.filter(pk=1).update(version=F("version") + 1)
    version = RegistryVersion.objects.get(pk=1).version
    Channel.objects.filter(pk=registry_world.cache["halong"].pk).update(
        status="verified", change_seq=version
    )
    index._stale = False
    # within CHECK_SECONDS this process does not look at the version row ...
    assert selectors.lookup("halong.quangninh.gov.vn").status == "pending"
    monkeypatch.setattr(index, "_checked_at", index._checked_at - index.CHECK_SECONDS - 1)
    # ... after it, it does, and rebuilds
    assert selectors.lookup("halong.quangninh.gov.vn").status == "official"


def test_warm_lookup_runs_no_query(registry_world: Any, django_assert_num_queries: Any) -> None:
    selectors.lookup("facebook.com/ubndcoto")
    with django_assert_num_queries(0):
        selectors.lookup("facebook.com/ubndc0to")


def test_answers_are_cached_per_normalised_query_until_the_registry_changes(
    registry_world: Any,
) -> None:
    first = selectors.lookup("https://www.facebook.com/ubndc0to")
    assert first.status == "lookalike"
    cache = index.get().results
    hits = cache.hits
    # another spelling of the same channel is the same normalised query: answered from cache
    again = selectors.lookup("http://m.facebook.com/UBNDC0TO/?ref=bookmarks#x")
    assert cache.hits == hits + 1
    assert again.status == "lookalike" and again.similar == first.similar
    assert again.query == "http://m.facebook.com/UBNDC0TO/?ref=bookmarks#x"
    # registering the lookalike makes a new snapshot, whose cache is empty
    make_channel(
        registry_world.commune_b,
        "https://www.facebook.com/ubndc0to",
        verified=True,
        acknowledge="Trang khác, đã đối chiếu",
    )
    assert selectors.lookup("https://www.facebook.com/ubndc0to").status == "official"


def test_result_cache_evicts_the_least_recently_used() -> None:
    cache = ResultCache(2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1  # "b" is now the oldest
    cache.put("c", 3)
    assert (cache.get("a"), cache.get("b"), cache.get("c")) == (1, None, 3)
    assert len(cache) == 2


def test_api_lookup_json_is_the_selector_answer(registry_world: Any) -> None:
    status, body = selectors.lookup_json("facebook.com/ubndc0to")
    assert status == 200
    assert json.loads(body) == selectors.lookup("facebook.com/ubndc0to").as_json()
    status, body = selectors.lookup_json("javascript:alert(1)")
    assert status == 400 and set(json.loads(body)["detail"]) == {"q"}
