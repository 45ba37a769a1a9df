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


def test_warm_builds_the_index_and_never_raises(db: Any, monkeypatch: Any) -> None:
    from registry import index

    monkeypatch.setattr(index, "_current", None)
    monkeypatch.setattr(index, "start_background", lambda: None)  # no thread in this test
    before = index.builds
    index.warm()
    assert index.builds == before + 1 and index._current is not None

    def broken() -> None:
        raise RuntimeError("database away")

    monkeypatch.setattr(index, "refresh", broken)
    index.warm()  # logged, not raised: the first lookup builds it instead
