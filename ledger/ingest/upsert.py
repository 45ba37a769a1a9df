"""The bulk API's and the demo's write: many posts of one channel, checked field by field,
through the same door as a file (``imports.ingest_rows``)."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from ledger.formats import CONTENT_TYPES, Row, RowError
from ledger.ingest import imports
from ledger.ingest.inputs import PostInput
from ledger.ingest.plan import local_today
from ledger.ingest.result import ImportResult
from ledger.models import METRICS
from registry.models import Channel


def validate_input(index: int, post: PostInput, platform: str) -> Row | RowError:
    """The post as a row of the batch (line = its position + 1), or why it is rejected."""
    line = index + 1
    problem = _problem(post)
    if problem is not None:
        column, message = problem
        return RowError(line, column, message)
    return Row(
        line=line,
        platform=platform,
        post_id=post.post_id.strip(),
        published_at=post.published_at,
        content_type=post.content_type,
        permalink=(post.permalink or "")[:2000] or None,
        caption=" ".join((post.caption or "").split())[:500],
        channel_ref=None,
        channel_name=None,
        views=post.views,
        reach=post.reach,
        reactions=post.reactions,
        comments=post.comments,
        shares=post.shares,
        clicks=post.clicks,
        watch_time_seconds=post.watch_time_seconds,
        extras=dict(post.extras or {}),
    )


def _problem(post: PostInput) -> tuple[str, str] | None:
    """The first field of ``post`` that cannot be stored, and why."""
    post_id = (post.post_id or "").strip()
    if not post_id or len(post_id) > 128 or any(c.isspace() for c in post_id):
        return "post_id", _("Mã bài viết trống hoặc không hợp lệ.")
    if post.content_type not in CONTENT_TYPES:
        return "content_type", _("Loại nội dung phải là một trong: %(choices)s.") % {
            "choices": ", ".join(CONTENT_TYPES)
        }
    nul = _("Có ký tự NUL (\\x00): không lưu được.")
    for name in ("post_id", "permalink", "caption"):
        if "\x00" in (getattr(post, name) or ""):
            return name, nul
    if "\\u0000" in json.dumps(post.extras or {}):
        return "extras", nul
    if post.published_at is not None and timezone.is_naive(post.published_at):
        return "published_at", _("Thời gian đăng phải có múi giờ.")
    for name in METRICS:
        value = getattr(post, name)
        if value is not None and (not isinstance(value, int) or value < 0):
            return name, _("Phải là số nguyên không âm.")
    return None


def posts_upsert(
    *,
    acting_user: Any,
    channel: Channel,
    posts: list[PostInput],
    as_of: date | None = None,
    source_name: str = "api",
) -> ImportResult:
    """Create or update many posts of one channel in one batch (idempotent by content)."""
    as_of = as_of or local_today()
    part = _part(channel, posts, as_of, source_name)
    # Through the module: one door, whichever caller (and a test) goes through it.
    return imports.ingest_rows(
        acting_user=acting_user,
        source=source_name,
        rows=part.rows,
        channel=channel,
        origin=part.origin,
        as_of=as_of,
    )


def posts_upsert_many(
    *,
    acting_user: Any,
    items: list[tuple[Channel, list[PostInput], list[str]]],
    as_of: date,
    source_name: str = "api",
) -> list[ImportResult]:
    """:func:`posts_upsert` for several channels at once ((channel, posts, the batch's
    notes) each): one batch per channel, one transaction and one refresh of the aggregate
    for them all (``imports.ingest_many``); all or nothing."""
    return imports.ingest_many(
        acting_user=acting_user,
        source=source_name,
        parts=[_part(channel, posts, as_of, source_name, notes) for channel, posts, notes in items],
        as_of=as_of,
    )


def _part(
    channel: Channel,
    posts: list[PostInput],
    as_of: date,
    source_name: str,
    notes: list[str] | None = None,
) -> imports.Part:
    """The channel's posts as rows, named and hashed by their content and day (the same
    posts and figures on the same day are a duplicate)."""
    payload = json.dumps(
        [
            [p.post_id, p.content_type, str(p.published_at), *(getattr(p, m) for m in METRICS)]
            for p in posts
        ],
        default=str,
    ).encode()
    sha = hashlib.sha256(payload + as_of.isoformat().encode()).hexdigest()
    return imports.Part(
        channel=channel,
        rows=(validate_input(i, p, channel.platform) for i, p in enumerate(posts)),
        origin=imports.Origin(
            name=f"{source_name}:{as_of.isoformat()}", sha256=sha, size=len(payload)
        ),
        notes=notes,
    )
