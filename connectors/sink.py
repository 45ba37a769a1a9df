"""The one place the connectors write into the ledger: a batch of source ``api``.

It goes through the ledger's own ingest path (``ledger.services.posts_upsert``: the same
validation, idempotence, snapshots, aggregate and roll-up as every import), so a post that
also came from an uploaded export is the same post (unique per channel and platform post
id) and is never counted twice.
"""

from __future__ import annotations

from datetime import date

from connectors.platforms.base import FetchedPost
from ledger import services as ledger
from ledger.models import ImportBatch
from registry.models import Channel

SOURCE = "api"


def write_posts(
    *, channel: Channel, posts: list[FetchedPost], as_of: date, notes: list[str]
) -> ledger.ImportResult:
    result = ledger.posts_upsert(
        acting_user=None,
        channel=channel,
        posts=[
            ledger.PostInput(
                post_id=p.post_id,
                content_type=p.content_type,
                published_at=p.published_at,
                permalink=p.permalink,
                caption=p.caption,
                views=p.views,
                reach=p.reach,
                reactions=p.reactions,
                comments=p.comments,
                shares=p.shares,
                clicks=p.clicks,
                watch_time_seconds=p.watch_time_seconds,
                extras=p.extras,
            )
            for p in posts
        ],
        as_of=as_of,
        source_name=SOURCE,
    )
    if notes and result.batch is not None and not result.duplicate:
        batch = ImportBatch.objects.get(pk=result.batch)
        batch.notes = [*(batch.notes or []), *notes]
        batch.save(update_fields=["notes"])
    return result
