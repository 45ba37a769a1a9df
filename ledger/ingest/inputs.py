"""The shape of one post given to the ledger by a program (the JSON API, the demo, the
platform connectors). Pure data, no Django: a connector's platform module builds these
without knowing the database."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass
class PostInput:
    """One post for :func:`posts_upsert` (the API's and the demo's bulk write)."""

    post_id: str
    content_type: str
    published_at: datetime | None = None
    permalink: str = ""
    caption: str = ""
    views: int | None = None
    reach: int | None = None
    reactions: int | None = None
    comments: int | None = None
    shares: int | None = None
    clicks: int | None = None
    watch_time_seconds: int | None = None
    extras: dict[str, Any] = field(default_factory=dict)
