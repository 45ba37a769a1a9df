"""Posts for report tests, written through the ledger's bulk service."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ledger.services import PostInput, posts_upsert
from ledger.tests.factories import make_channel
from reports.formatting import VN_TZ

_serial = iter(range(1, 10**9))


def at(y: int, m: int, d: int, hour: int = 9) -> datetime:
    return datetime(y, m, d, hour, 0, tzinfo=VN_TZ)


def add_posts(user: Any, channel: Any, posts: list[dict[str, Any]]) -> None:
    items = [
        PostInput(
            post_id=p.get("post_id") or f"p{next(_serial)}",
            content_type=p.get("content_type", "article"),
            published_at=p["published_at"],
            permalink=p.get("permalink", ""),
            caption=p.get("caption", ""),
            reach=p.get("reach"),
            views=p.get("views"),
            reactions=p.get("reactions"),
            comments=p.get("comments"),
            shares=p.get("shares"),
        )
        for p in posts
    ]
    posts_upsert(acting_user=user, channel=channel, posts=items)


def channel(unit: Any, platform: str = "facebook", identifier: str | None = None) -> Any:
    return make_channel(unit, platform, identifier or f"{platform}-{unit.code.lower()}")
