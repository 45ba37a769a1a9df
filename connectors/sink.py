"""The one place the connectors write into the ledger: batches of source ``api``.

It goes through the ledger's own ingest path (``ledger.services.posts_upsert_many``: the
same validation, idempotence, snapshots, aggregate and roll-up as every import), so a post
that also came from an uploaded export is the same post (unique per channel and platform
post id) and is never counted twice.
"""

from __future__ import annotations

from datetime import date

from connectors.platforms.base import FetchedPost
from ledger import services as ledger
from registry.models import Channel

SOURCE = "api"


def write_posts(
    *, channel: Channel, posts: list[FetchedPost], as_of: date, notes: list[str]
) -> ledger.ImportResult:
    """One channel's posts as one batch."""
    return write_many(items=[(channel, posts, notes)], as_of=as_of)[0]


def write_many(
    *, items: list[tuple[Channel, list[FetchedPost], list[str]]], as_of: date
) -> list[ledger.ImportResult]:
    """Several channels' posts ((channel, posts, the batch's notes) each): one batch per
    channel, one transaction and one refresh of the aggregate for them all; all or nothing."""
    return ledger.posts_upsert_many(
        acting_user=None,
        items=items,
        as_of=as_of,
        source_name=SOURCE,
    )
