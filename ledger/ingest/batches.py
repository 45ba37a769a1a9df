"""Queued imports: the web page's and the API's uploads, run by the task worker, and the
progress file the page polls."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.audit import audit
from core.permissions import Role, ensure_role
from ledger.ingest import imports
from ledger.ingest.channels import ensure_can_import, set_external_id
from ledger.ingest.result import ImportRefused, max_import_bytes
from ledger.models import ImportBatch
from registry.models import Channel


def _progress_file(batch_id: int) -> Path:
    return Path(settings.MEDIA_ROOT) / "ledger" / "progress" / f"{batch_id}.json"


def write_progress(batch_id: int, rows: int) -> None:
    """Progress lives beside the database: the import's transaction hides the batch row."""
    path = _progress_file(batch_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"rows": rows}))
    os.replace(tmp, path)


def read_progress(batch_id: int) -> int:
    try:
        return int(json.loads(_progress_file(batch_id).read_text())["rows"])
    except (OSError, ValueError, KeyError, TypeError):
        return 0


def import_enqueue(
    *,
    acting_user: Any,
    upload: Any,
    filename: str,
    channel: Channel | None,
) -> ImportBatch:
    """Keep an upload and queue its import; the worker runs :func:`import_batch_run`."""
    from core.permissions import home_unit

    unit: Any
    if channel is not None:
        ensure_can_import(acting_user, channel)
        unit = channel.unit
    else:
        unit = home_unit(acting_user)
        if unit is None:
            raise PermissionDenied
        ensure_role(acting_user, unit, Role.REPORTER)
    size = getattr(upload, "size", 0) or 0
    if size > max_import_bytes():
        raise ValidationError(
            {
                "file": _("File quá lớn (tối đa %(cap)s MB).")
                % {"cap": round(max_import_bytes() / 1048576)}
            }
        )
    from ledger.uploads import keep_upload

    pending = keep_upload(upload, filename)
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            channel=channel,
            unit=unit,
            filename=Path(filename).name[:255],
            sha256="",
            size=pending.stat().st_size,
            created_by=acting_user,
            status=ImportBatch.Status.QUEUED,
            pending_path=str(pending),
            language=translation.get_language() or "",
        )
        audit(acting_user, "ledger.import_queued", batch, after={"filename": batch.filename})
    from ledger.tasks import run_import

    run_import.enqueue(batch.pk, False)
    return batch


def import_confirm_channel(*, acting_user: Any, batch: ImportBatch) -> ImportBatch:
    """An editor confirms that the file's page is the chosen channel: the page's id is
    recorded on the channel (the registry's service, audited) and the import runs again."""
    if batch.channel is None or batch.status != ImportBatch.Status.NEEDS_CHANNEL:
        raise ValidationError(_("Lô này không chờ xác nhận kênh."))
    if acting_user is not None:
        ensure_role(acting_user, batch.channel.unit, Role.EDITOR)
    with transaction.atomic():
        try:
            set_external_id(
                acting_user=acting_user, channel=batch.channel, external_id=batch.file_channel_ref
            )
        except ImportRefused as exc:
            raise ValidationError(exc.message) from exc
        ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.QUEUED, message="")
    from ledger.tasks import run_import

    run_import.enqueue(batch.pk, False)
    batch.refresh_from_db()
    return batch


def import_batch_run(*, batch_id: int, confirm_channel: bool = False) -> None:
    """The worker's side: run a queued batch, recording the outcome on the batch row."""
    waiting = (ImportBatch.Status.QUEUED, ImportBatch.Status.NEEDS_CHANNEL)
    # Claimed in one statement: two workers given the same batch run it once.
    if not ImportBatch.objects.filter(pk=batch_id, status__in=waiting).update(
        status=ImportBatch.Status.RUNNING
    ):
        return
    batch = ImportBatch.objects.select_related("channel", "created_by").get(pk=batch_id)
    # The messages and rejected rows are written in the language of the uploader.
    with translation.override(batch.language or settings.LANGUAGE_CODE):
        _batch_run(batch, confirm_channel=confirm_channel)


def _batch_run(batch: ImportBatch, *, confirm_channel: bool) -> None:
    pending = Path(batch.pending_path)
    write_progress(batch.pk, 0)
    try:
        imports.import_file(
            acting_user=batch.created_by,
            path=pending,
            filename=batch.filename,
            channel=batch.channel,
            confirm_channel=confirm_channel,
            batch=batch,
            progress=lambda n: write_progress(batch.pk, n),
        )
    except ImportRefused as exc:
        status = (
            ImportBatch.Status.NEEDS_CHANNEL
            if exc.code in ("confirm_channel", "confirm_channel_forbidden")
            else ImportBatch.Status.REFUSED
        )
        ImportBatch.objects.filter(pk=batch.pk).update(
            status=status,
            message=exc.message,
            refusal_code=exc.code[:40],
            file_channel_ref=str(exc.details.get("ref", ""))[:200],
            file_channel_name=str(exc.details.get("name", ""))[:200],
            finished_at=timezone.now(),
        )
        if status == ImportBatch.Status.REFUSED:
            pending.unlink(missing_ok=True)
        return
    except PermissionDenied as exc:
        ImportBatch.objects.filter(pk=batch.pk).update(
            status=ImportBatch.Status.REFUSED,
            message=str(exc),
            refusal_code="forbidden",
            finished_at=timezone.now(),
        )
        pending.unlink(missing_ok=True)
        return
    except Exception:
        ImportBatch.objects.filter(pk=batch.pk).update(
            status=ImportBatch.Status.FAILED,
            message=_("Lỗi hệ thống khi nhập; không có dữ liệu nào được ghi."),
            finished_at=timezone.now(),
        )
        raise
    pending.unlink(missing_ok=True)
    _progress_file(batch.pk).unlink(missing_ok=True)
