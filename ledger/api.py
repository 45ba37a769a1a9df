"""``/api/imports`` and ``/api/posts``: the ledger for machine clients, scoped to the caller."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile

from core.permissions import Role, ensure_role
from ledger import selectors, services
from ledger.models import ImportBatch
from ledger.uploads import keep_upload

router = Router(tags=["ledger"])


class ErrorOut(Schema):
    line: int
    field: str
    message: str


class ImportOut(Schema):
    batch: int | None
    format: str
    channel: int | None
    rows_read: int
    accepted: int
    rejected: int
    errors: list[ErrorOut]
    posts_created: int
    posts_updated: int
    unchanged: int
    duplicate: bool = False
    notes: list[str] = []


class RefusedOut(Schema):
    detail: str
    code: str


class BatchOut(Schema):
    id: int
    status: str
    filename: str
    sha256: str
    size: int
    format: str
    channel: int | None
    unit: str
    created_at: datetime
    finished_at: datetime | None
    rows_read: int
    accepted: int
    rejected: int
    posts_created: int
    posts_updated: int
    unchanged: int
    notes: list[str]
    message: str
    errors: list[ErrorOut]


class PostIn(Schema):
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
    extras: dict[str, Any] = {}


class PostsIn(Schema):
    channel: int
    as_of: date | None = None
    posts: list[PostIn]


def _result(result: services.ImportResult) -> dict[str, Any]:
    return {**result.as_json(), "duplicate": result.duplicate, "notes": result.notes}


def _channel(request: HttpRequest, pk: int) -> Any:
    """A channel of the caller's subtree (404 otherwise) that they may import to (403)."""
    channel = get_object_or_404(selectors.channels_visible_to(request.user), pk=pk)
    ensure_role(request.user, channel.unit, Role.REPORTER)
    return channel


def _home(request: HttpRequest) -> Any:
    from core.permissions import home_unit

    return home_unit(request.user)


@router.post("/imports", response={201: ImportOut, 200: ImportOut, 400: RefusedOut})
def create_import(
    request: HttpRequest,
    channel: int | None = None,
    dry_run: bool = False,
    confirm_channel: bool = False,
    file: UploadedFile | None = File(None),  # type: ignore[assignment]  # noqa: B008
) -> Any:
    """Import one export file (multipart field ``file``), synchronously, whole or not at all.

    ``channel`` (query) is the channel's number; without it the file's own identity (Meta
    Page ID, TikTok handle) picks the registered channel. The same file again changes
    nothing (``duplicate: true``). A refused file answers 400 with ``detail`` and ``code``.
    """
    target = _channel(request, channel) if channel is not None else None
    if target is None:
        unit = _home(request)
        if unit is None:
            return Status(400, {"detail": "No unit.", "code": "forbidden"})
        ensure_role(request.user, unit, Role.REPORTER)
    if file is None:
        return Status(
            400, {"detail": "Thiếu file (trường multipart 'file').", "code": "missing_file"}
        )
    filename = Path(file.name or "upload").name
    path = keep_upload(file, filename)
    try:
        result = services.import_file(
            acting_user=request.user,
            path=path,
            filename=filename,
            channel=target,
            dry_run=dry_run,
            confirm_channel=confirm_channel,
        )
    except services.ImportRefused as exc:
        return Status(400, {"detail": exc.message, "code": exc.code})
    finally:
        path.unlink(missing_ok=True)
    return Status((200 if result.duplicate or dry_run else 201), _result(result))


@router.get("/imports/{batch_id}", response=BatchOut)
def get_import(request: HttpRequest, batch_id: int) -> dict[str, Any]:
    batch: ImportBatch = get_object_or_404(selectors.batches_visible_to(request.user), pk=batch_id)
    return {
        "id": batch.pk,
        "status": batch.status,
        "filename": batch.filename,
        "sha256": batch.sha256,
        "size": batch.size,
        "format": batch.format,
        "channel": batch.channel_id,
        "unit": batch.unit.code,
        "created_at": batch.created_at,
        "finished_at": batch.finished_at,
        "rows_read": batch.rows_read,
        "accepted": batch.accepted,
        "rejected": batch.rejected,
        "posts_created": batch.posts_created,
        "posts_updated": batch.posts_updated,
        "unchanged": batch.unchanged,
        "notes": batch.notes or [],
        "message": batch.message,
        "errors": [
            {"line": r.line, "field": r.field, "message": r.message}
            for r in batch.rejections.all()[:10000]
        ],
    }


@router.post("/posts", response={200: ImportOut, 201: ImportOut})
def upsert_posts(request: HttpRequest, payload: PostsIn) -> Any:
    """Create or update many posts of one channel with their latest metrics (one batch).

    Invalid entries are rejected with their index (``line`` = position, from 1) and field;
    the rest are taken. The same payload again changes nothing.
    """
    channel = _channel(request, payload.channel)
    if len(payload.posts) > 50_000:
        return Status(
            200,
            {
                **services.ImportResult(batch=None, format="api", channel=channel.pk).as_json(),
                "errors": [{"line": 0, "field": "posts", "message": "At most 50000 posts a call."}],
            },
        )
    result = services.posts_upsert(
        acting_user=request.user,
        channel=channel,
        posts=[services.PostInput(**p.dict()) for p in payload.posts],
        as_of=payload.as_of,
    )
    return Status((200 if result.duplicate else 201), _result(result))
