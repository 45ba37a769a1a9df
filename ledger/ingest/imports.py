"""A batch from start to commit: ``ingest_rows``, the one door for post rows, and
``import_file``, which reads a file and goes through it.

``ingest_rows`` gives every source the same guarantees:
- **idempotent**: a batch with the same content hash for the same channel as a finished
  one changes nothing and answers the earlier batch's figures;
- **atomic**: the batch, its posts, snapshots, rejected rows, the aggregate's and the
  roll-up's deltas, the completeness markers and the audit record commit together;
- **accounted**: every row read is accepted or rejected with its line, column and reason
  (``rows_read = accepted + rejected``).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit
from core.permissions import home_unit
from ledger.formats import FileRefused, ParseContext, Row, RowError, parse_file, rows_name_channel
from ledger.ingest import aggregate
from ledger.ingest.channels import (
    channel_checker,
    ensure_can_import,
    resolve_channel,
    set_external_id,
)
from ledger.ingest.plan import Deltas, Plan, local_today
from ledger.ingest.result import (
    ImportRefused,
    ImportResult,
    ProgressCallback,
    max_import_bytes,
    max_stored_bytes,
)
from ledger.ingest.writer import Writer
from ledger.messages import translated
from ledger.models import ImportBatch
from registry.models import Channel
from units.models import Unit


@dataclass(frozen=True)
class Origin:
    """Where a batch's rows come from, as the batch records it."""

    name: str  # a file's name, or a source and its date ("api:2026-03-01")
    sha256: str  # the content's hash: the same content again is a duplicate
    size: int
    stored: str = ""  # the original file under MEDIA_ROOT, if kept


@transaction.atomic
def ingest_rows(
    *,
    acting_user: Any,
    source: str,
    rows: Iterable[Row | RowError],
    channel: Channel | None,
    origin: Origin,
    as_of: date,
    notes: list[str] | None = None,
    confirm_ref: str = "",
    batch: ImportBatch | None = None,
    progress: ProgressCallback | None = None,
    dry_run: bool = False,
) -> ImportResult:
    """Write ``rows`` (posts with their metrics as of ``as_of``) as one batch: the door
    every source of post rows goes through (files, the JSON API, the demo, the platform
    connectors).

    ``source`` is the batch's format: a file format's ``NAME`` (``ledger.formats``) or the
    name of another source (``"api"``, a connector's). ``channel`` is the batch's channel;
    ``None`` only for a format whose rows name their own channel. Rows of another channel
    or platform, and a post's second row, are rejected with their line. ``notes`` (a
    list the parser may still append to while ``rows`` are read) are kept on the batch.
    ``confirm_ref``: a platform id the user confirmed for ``channel``, recorded first.
    ``batch``: a queued batch row to fill in (the web page's and the API's uploads).

    Raises ``ImportRefused`` for a whole refusal (nothing written); a ``FileRefused``
    raised while reading ``rows`` becomes one.
    """
    if channel is not None:
        ensure_can_import(acting_user, channel)
        # One batch at a time per channel: the deltas read the posts' current values.
        channel = Channel.objects.select_for_update().select_related("unit").get(pk=channel.pk)
    previous = ImportBatch.objects.filter(
        channel=channel, sha256=origin.sha256, status=ImportBatch.Status.DONE
    ).first()
    if previous is not None:
        return duplicate_result(previous, batch=batch, dry_run=dry_run)
    if confirm_ref and channel is not None:
        set_external_id(acting_user=acting_user, channel=channel, external_id=confirm_ref)
    batch, plan = _write_batch(acting_user, source, rows, channel, origin, as_of, batch, progress)
    # Last: the province's and the country's roll-up rows stay locked until commit.
    aggregate.apply_import(plan.deltas)
    result = _finish_batch(acting_user, batch, plan, [translated(n) for n in notes or []], dry_run)
    if dry_run:
        transaction.set_rollback(True)
    return result


@dataclass(frozen=True)
class Part:
    """One channel's rows in :func:`ingest_many`."""

    channel: Channel
    rows: Iterable[Row | RowError]
    origin: Origin
    notes: list[str] | None = None


@transaction.atomic
def ingest_many(
    *, acting_user: Any, source: str, parts: Sequence[Part], as_of: date
) -> list[ImportResult]:
    """Several channels' rows, each its own batch exactly as :func:`ingest_rows` writes it
    (the same duplicate test, accounting, snapshots and audit record), in one transaction
    that refreshes the aggregate and the roll-up once for every unit-month they touch.

    For a source that writes many small batches at once (the connectors' daily sync): the
    aggregate's fixed cost per refresh is most of a small batch's time. All or nothing: any
    error rolls every part back (the caller may then try the parts one by one). Results in
    the order of ``parts``.
    """
    channels = [p.channel for p in parts]
    if len({c.pk for c in channels}) != len(channels):
        raise ValueError("ingest_many: one part per channel")  # the deltas read current posts
    for channel in channels:
        ensure_can_import(acting_user, channel)
    # The units first, then the channels, each in id order: two groups sharing a unit wait
    # for each other instead of deadlocking, and the chunk-end key checks (``Writer``) find
    # their unit rows already held, as in a one-channel batch.
    aggregate.lock_units({c.unit_id for c in channels})
    locked = {
        c.pk: c
        for c in Channel.objects.select_for_update(of=("self",))
        .select_related("unit")
        .filter(pk__in=[c.pk for c in channels])
        .order_by("pk")
    }
    previous = {
        (b.channel_id, b.sha256): b
        for b in ImportBatch.objects.filter(
            channel__in=channels,
            sha256__in={p.origin.sha256 for p in parts},
            status=ImportBatch.Status.DONE,
        )
    }
    merged = Deltas()
    results: list[ImportResult] = []
    for part in parts:
        channel = locked[part.channel.pk]
        earlier = previous.get((channel.pk, part.origin.sha256))
        if earlier is not None:
            results.append(duplicate_result(earlier, batch=None, dry_run=False))
            continue
        batch, plan = _write_batch(acting_user, source, part.rows, channel, part.origin, as_of)
        merged.merge(plan.deltas)
        notes = [translated(n) for n in part.notes or []]
        results.append(_finish_batch(acting_user, batch, plan, notes, dry_run=False))
    # Last, once: the roll-up's upper rows stay locked until commit.
    aggregate.apply_import(merged)
    return results


def _write_batch(
    acting_user: Any,
    source: str,
    rows: Iterable[Row | RowError],
    channel: Channel | None,
    origin: Origin,
    as_of: date,
    batch: ImportBatch | None = None,
    progress: ProgressCallback | None = None,
) -> tuple[ImportBatch, Plan]:
    """Start the batch, plan and write its rows; the aggregate's deltas are left to apply."""
    batch = _start_batch(acting_user, source, channel, origin, batch)
    plan = Plan(
        as_of=as_of,
        channel_for=channel_checker(acting_user=acting_user, fmt=source, channel=channel),
        on_read=progress,
    )
    try:
        _write_rows(plan, Writer(batch=batch, as_of=as_of), rows, channel, source)
    except FileRefused as exc:
        raise ImportRefused(translated(exc.message), exc.code) from exc
    return batch, plan


def _write_rows(
    plan: Plan, writer: Writer, rows: Iterable[Row | RowError], channel: Channel | None, source: str
) -> None:
    """Plan and write ``rows`` chunk by chunk; then tell the hub which of the written posts
    may republish its items."""
    from hub.services import LinkCandidates

    candidates = LinkCandidates()
    # Channels without any post yet: no need to look up existing posts (the plan rejects
    # a post's second row in the batch).
    empty: set[int] = set()
    if channel is not None and not rows_name_channel(source) and not writer.has_posts(channel.pk):
        empty.add(channel.pk)
    with writer.open(keys_checked_per_chunk=channel is not None and not rows_name_channel(source)):
        for chunk in plan.chunks(rows):
            for target, chunk_rows in chunk:
                channel_id = target.pk
                existing = (
                    {}
                    if channel_id in empty
                    else writer.existing(channel_id, [r.post_id for r in chunk_rows])
                )
                writer.write(plan.plan_chunk(target, chunk_rows, existing))
                # The hub learns of the posts once they are written.
                candidates.consider_rows(channel_id, chunk_rows)
            if plan.rejections:
                writer.reject(plan.take_rejections())
    candidates.link()


def _start_batch(
    acting_user: Any,
    source: str,
    channel: Channel | None,
    origin: Origin,
    batch: ImportBatch | None,
) -> ImportBatch:
    unit = channel.unit if channel is not None else home_unit(acting_user)
    if unit is None:
        unit = Unit.objects.order_by("path").first()
        if unit is None:
            raise ImportRefused(_("Chưa có đơn vị nào."), "no_unit")
    if batch is None:
        batch = ImportBatch(created_by=acting_user if getattr(acting_user, "pk", None) else None)
    batch.channel = channel
    batch.unit = unit
    batch.filename = origin.name[:255]
    batch.sha256 = origin.sha256
    batch.size = origin.size
    batch.format = source
    batch.status = ImportBatch.Status.RUNNING
    batch.original = origin.stored
    batch.save()
    return batch


def _finish_batch(
    acting_user: Any, batch: ImportBatch, plan: Plan, notes: list[str], dry_run: bool
) -> ImportResult:
    counts = plan.counts
    batch.status = ImportBatch.Status.DONE
    batch.rows_read = counts.rows_read
    batch.accepted = counts.accepted
    batch.rejected = counts.rejected
    batch.posts_created = counts.posts_created
    batch.posts_updated = counts.posts_updated
    batch.unchanged = counts.unchanged
    batch.notes = notes
    batch.finished_at = timezone.now()
    batch.save()
    audit(
        acting_user,
        "ledger.import",
        batch,
        unit_path=batch.unit.path,
        after={
            "filename": batch.filename,
            "sha256": batch.sha256,
            "format": batch.format,
            "rows_read": counts.rows_read,
            "accepted": counts.accepted,
            "rejected": counts.rejected,
        },
    )
    return ImportResult(
        batch=None if dry_run else batch.pk,
        format=batch.format,
        channel=batch.channel_id,
        rows_read=counts.rows_read,
        accepted=counts.accepted,
        rejected=counts.rejected,
        errors=[{"line": e.line, "field": e.field, "message": e.message} for e in counts.errors],
        posts_created=counts.posts_created,
        posts_updated=counts.posts_updated,
        unchanged=counts.unchanged,
        dry_run=dry_run,
        notes=notes,
    )


def duplicate_result(
    previous: ImportBatch, *, batch: ImportBatch | None, dry_run: bool
) -> ImportResult:
    """The answer to content already imported: the earlier batch's figures, nothing new;
    a queued ``batch`` row is marked as its duplicate."""
    errors = [
        {"line": r.line, "field": r.field, "message": r.message}
        for r in previous.rejections.all()[:10000]
    ]
    note = _("File này đã được nhập ở lô #%(id)s; không có gì thay đổi.") % {"id": previous.pk}
    if batch is not None and not dry_run:
        batch.status = ImportBatch.Status.DUPLICATE
        batch.duplicate_of = previous
        batch.channel = previous.channel
        batch.format = previous.format
        batch.message = note
        batch.finished_at = timezone.now()
        batch.save(
            update_fields=["status", "duplicate_of", "channel", "format", "message", "finished_at"]
        )
    return ImportResult(
        batch=previous.pk,
        format=previous.format,
        channel=previous.channel_id,
        rows_read=previous.rows_read,
        accepted=previous.accepted,
        rejected=previous.rejected,
        errors=errors,
        unchanged=previous.accepted,
        duplicate=True,
        dry_run=dry_run,
        notes=[note],
    )


# --------------------------------------------------------------------------- files


def import_file(
    *,
    acting_user: Any,
    path: Path | str,
    filename: str,
    channel: Channel | None = None,
    dry_run: bool = False,
    confirm_channel: bool = False,
    batch: ImportBatch | None = None,
    progress: ProgressCallback | None = None,
    today: date | None = None,
    max_bytes: int | None = None,
) -> ImportResult:
    """Import one export file for one registered channel, whole or not at all.

    Raises :class:`ImportRefused` when the whole file is refused (nothing is written,
    except that a ``batch`` made beforehand by the web page or the API is marked refused
    by the caller). The same file for the same channel again changes nothing.
    """
    path = Path(path)
    today = today or local_today()
    _check_size(path, max_bytes)
    ctx = ParseContext(
        filename=filename, today=today, default_platform=channel.platform if channel else None
    )
    try:
        fmt, items = parse_file(path, filename, ctx)
        head, first = _read_to_first_row(items)
    except FileRefused as exc:
        raise ImportRefused(translated(exc.message), exc.code) from exc
    try:
        resolved = resolve_channel(
            acting_user=acting_user,
            fmt=fmt,
            first=first,
            channel=channel,
            confirm_channel=confirm_channel,
        )
        target = resolved.channel
        if target is None and acting_user is not None and home_unit(acting_user) is None:
            raise PermissionDenied
        sha, size = _sha256(path)
        previous = ImportBatch.objects.filter(
            channel=target, sha256=sha, status=ImportBatch.Status.DONE
        ).first()
        if previous is not None:
            return duplicate_result(previous, batch=batch, dry_run=dry_run)
        stored = "" if dry_run else store_original(path, sha, filename)
        try:
            return ingest_rows(
                acting_user=acting_user,
                source=fmt,
                rows=_chain(head, items),
                channel=target,
                origin=Origin(name=filename, sha256=sha, size=size, stored=stored),
                as_of=today,
                notes=ctx.notes,
                confirm_ref=resolved.confirm_ref,
                batch=batch,
                progress=progress,
                dry_run=dry_run,
            )
        except BaseException:
            if stored and not ImportBatch.objects.filter(original=stored).exists():
                (Path(settings.MEDIA_ROOT) / stored).unlink(missing_ok=True)
            raise
    finally:
        getattr(items, "close", lambda: None)()


def store_original(path: Path, sha: str, filename: str) -> str:
    """Copy the file under MEDIA_ROOT (named by its hash) unless above the storage cap."""
    if path.stat().st_size > max_stored_bytes():
        return ""
    suffix = "".join(Path(filename).suffixes[-1:])[:10].lower()
    relative = f"ledger/imports/{sha[:2]}/{sha}{suffix}"
    target = Path(settings.MEDIA_ROOT) / relative
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        # A name of its own: two requests with the same file may both be here at once.
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=target.name + ".", suffix=".part")
        os.close(fd)
        try:
            shutil.copyfile(path, tmp)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    return relative


def _check_size(path: Path, max_bytes: int | None) -> None:
    cap = max_bytes if max_bytes is not None else max_import_bytes()
    size = path.stat().st_size
    if size > cap:
        raise ImportRefused(
            _("File quá lớn (%(size)s MB; tối đa %(cap)s MB). Hãy xuất từng khoảng thời gian.")
            % {"size": round(size / 1048576, 1), "cap": round(cap / 1048576, 1)},
            "too_big",
        )


def _read_to_first_row(
    items: Iterator[Row | RowError],
) -> tuple[list[Row | RowError], Row | None]:
    """The items up to the first row (it names the file's channel), and that row."""
    head: list[Row | RowError] = []
    for item in items:
        head.append(item)
        if isinstance(item, Row):
            return head, item
    return head, None


def _chain(head: list[Row | RowError], items: Iterator[Row | RowError]) -> Iterator[Row | RowError]:
    yield from head
    yield from items


def _sha256(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size
