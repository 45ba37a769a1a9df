"""Imports the worker did not finish, and files nothing refers to any more.

A worker killed mid-import (``kill -9``, the machine rebooting, the time limit's last
resort) leaves nothing half-written, since an import is one transaction, but it leaves its
batch "running", its task row RUNNING and its pending file. A web server killed during an
API import leaves the upload and the stored original. :func:`recover` finds and settles
both; the worker runs it on start and every minute, ``manage.py ledger_sweep`` runs it from
a timer.

Who is running a batch is told by a lock, not by a clock: the worker holds an exclusive
``flock`` on ``ledger/running/<batch>.lock`` under ``MEDIA_ROOT`` for as long as it runs
the batch; the kernel releases it when the process dies, however it dies. A running batch
whose lock can be taken has nobody running it. (Every worker must therefore see the same
``MEDIA_ROOT``, which they already need for the pending files.)
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.audit import audit
from ledger.models import ImportBatch
from ledger.uploads import pending_dir

logger = logging.getLogger(__name__)

ATTEMPTS = 2  # a batch interrupted once is queued again; interrupted twice, it has failed
TASK_PATH = "ledger.tasks.run_import"
WAITING = (ImportBatch.Status.QUEUED, ImportBatch.Status.RUNNING, ImportBatch.Status.NEEDS_CHANNEL)


def task_time_limit() -> int:
    """Seconds a task may run before the worker stops it (0: no limit)."""
    return int(getattr(settings, "BANTIN", {}).get("TASK_TIME_LIMIT", 1800))


def file_grace() -> float:
    """How old an unreferenced file must be before the sweep removes it: longer than any
    import may run, since an import stores its original before its batch is committed."""
    return max(3600.0, 2.0 * task_time_limit())


def _lock_path(batch_id: int) -> Path:
    return Path(settings.MEDIA_ROOT) / "ledger" / "running" / f"{batch_id}.lock"


@contextlib.contextmanager
def running(batch_id: int) -> Iterator[None]:
    """Hold the batch's run lock (and count the attempt) while its import runs."""
    path = _lock_path(batch_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        ImportBatch.objects.filter(pk=batch_id).update(attempts=F("attempts") + 1)
        yield
    finally:
        # The outcome is on the batch row before the lock goes (see _is_orphaned).
        with contextlib.suppress(OSError):
            path.unlink()
        os.close(fd)


def _is_orphaned(batch_id: int) -> bool:
    """True when no process holds the batch's run lock."""
    try:
        fd = os.open(_lock_path(batch_id), os.O_RDWR)
    except FileNotFoundError:
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(fd)  # closing releases a lock taken here
    return True


def _progress_file(batch_id: int) -> Path:
    return Path(settings.MEDIA_ROOT) / "ledger" / "progress" / f"{batch_id}.json"


def _tasks_of(batch_ids: set[int], statuses: list[str]) -> dict[int, list[object]]:
    from django_tasks_db.models import DBTaskResult

    found: dict[int, list[object]] = {}
    for task in DBTaskResult.objects.filter(task_path=TASK_PATH, status__in=statuses):
        args = (task.args_kwargs or {}).get("args") or [None]
        if args[0] in batch_ids:
            found.setdefault(int(args[0]), []).append(task)
    return found


@dataclass
class Report:
    requeued: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    files_removed: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.requeued or self.failed or self.files_removed)


def recover_interrupted(report: Report | None = None) -> Report:
    """Settle the batches left running, or queued without a task, by a process that died.

    Each is queued again once (its import starts over: nothing of it was written) or, on
    its second interruption, marked failed with the reason, its pending file removed.
    """
    from django_tasks_db.models import DBTaskResult, TaskResultStatus

    report = report or Report()
    running_ids = {
        pk
        for pk in ImportBatch.objects.filter(status=ImportBatch.Status.RUNNING).values_list(
            "pk", flat=True
        )
        if _is_orphaned(pk)
    }
    # Queued (also after a confirmed channel) with no task to run it: the request died
    # between the batch and its task, or the task was lost. A minute's grace for the
    # request that is creating both right now.
    queued = set(
        ImportBatch.objects.filter(
            status=ImportBatch.Status.QUEUED,
            created_at__lt=timezone.now() - timedelta(minutes=1),
        ).values_list("pk", flat=True)
    )
    live = _tasks_of(queued, [TaskResultStatus.READY, TaskResultStatus.RUNNING])
    lost = queued - set(live)
    dead_tasks = _tasks_of(running_ids, [TaskResultStatus.RUNNING])
    for pk in sorted(running_ids | lost):
        with transaction.atomic():
            batch = ImportBatch.objects.select_for_update().filter(pk=pk).first()
            if batch is None or batch.status not in (
                ImportBatch.Status.RUNNING,
                ImportBatch.Status.QUEUED,
            ):
                continue  # finished meanwhile
            if batch.status == ImportBatch.Status.RUNNING and not _is_orphaned(pk):
                continue
            for task in dead_tasks.get(pk, []):
                DBTaskResult.objects.filter(pk=task.pk, status=TaskResultStatus.RUNNING).update(  # type: ignore[attr-defined]
                    status=TaskResultStatus.FAILED,
                    finished_at=timezone.now(),
                    exception_class_path="ledger.recovery.WorkerLost",
                    traceback="The worker stopped while running this task.",
                )
            _settle(batch, report)
    return report


def _settle(batch: ImportBatch, report: Report) -> None:
    # The batch's messages are in its uploader's language, as the worker writes them.
    with translation.override(batch.language or settings.LANGUAGE_CODE):
        _settle_in_language(batch, report)


def _settle_in_language(batch: ImportBatch, report: Report) -> None:
    interrupted = batch.status == ImportBatch.Status.RUNNING
    pending = Path(batch.pending_path) if batch.pending_path else None
    if batch.attempts < ATTEMPTS and pending is not None and pending.exists():
        batch.status = ImportBatch.Status.QUEUED
        batch.message = (
            _(
                "Lần nhập trước bị gián đoạn (tiến trình xử lý dừng giữa chừng); chưa có dữ "
                "liệu nào được ghi. Đã tự động xếp hàng nhập lại."
            )
            if interrupted
            else ""
        )
        batch.save(update_fields=["status", "message"])
        audit(None, "ledger.import_requeued", batch, after={"attempts": batch.attempts})
        from ledger.tasks import run_import

        run_import.enqueue(batch.pk, False)  # its row is written in this transaction
        report.requeued.append(batch.pk)
        return
    batch.status = ImportBatch.Status.FAILED
    batch.message = _(
        "Việc nhập bị gián đoạn %(count)s lần (tiến trình xử lý dừng giữa chừng) nên đã dừng; "
        "không có dữ liệu nào được ghi. Hãy tải file lên lại; nếu lại bị gián đoạn, hãy chia "
        "nhỏ file và báo cho quản trị hệ thống."
    ) % {"count": max(batch.attempts, 1)}
    batch.finished_at = timezone.now()
    batch.save(update_fields=["status", "message", "finished_at"])
    audit(None, "ledger.import_interrupted", batch, after={"attempts": batch.attempts})
    if pending is not None:
        pending.unlink(missing_ok=True)
    _progress_file(batch.pk).unlink(missing_ok=True)
    report.failed.append(batch.pk)


def _old(path: Path, grace: float, now: float) -> bool:
    try:
        return now - path.stat().st_mtime > grace
    except OSError:
        return False


def sweep_files(report: Report | None = None, *, now: float | None = None) -> Report:
    """Remove the files nothing refers to: pending uploads of no waiting batch, stored
    originals of no batch, progress of finished batches, half-copied files, temporary
    folders of requests that died. Only files older than :func:`file_grace`."""
    report = report or Report()
    now = time.time() if now is None else now
    grace = file_grace()
    media = Path(settings.MEDIA_ROOT)

    def remove(path: Path) -> None:
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
        report.files_removed.append(str(path))
        logger.info("ledger sweep: removed %s", path)

    waiting = set(
        ImportBatch.objects.filter(status__in=WAITING).values_list("pending_path", flat=True)
    )
    folder = pending_dir()
    if folder.is_dir():
        for path in folder.iterdir():
            if str(path) not in waiting and _old(path, grace, now):
                remove(path)
    originals = media / "ledger" / "imports"
    if originals.is_dir():
        kept = set(ImportBatch.objects.exclude(original="").values_list("original", flat=True))
        for path in originals.rglob("*"):
            if not path.is_file() or not _old(path, grace, now):
                continue
            if path.relative_to(media).as_posix() not in kept:
                remove(path)
    progress = media / "ledger" / "progress"
    if progress.is_dir():
        live = {
            str(pk)
            for pk in ImportBatch.objects.filter(status__in=WAITING).values_list("pk", flat=True)
        }
        for path in progress.iterdir():
            if path.name.split(".")[0] not in live and _old(path, 60.0, now):
                remove(path)
    for path in Path(tempfile.gettempdir()).glob("bantin-api-*"):
        if _old(path, grace, now):
            remove(path)
    return report


def recover() -> Report:
    """Both, as the worker and ``manage.py ledger_sweep`` run them."""
    report = recover_interrupted()
    sweep_files(report)
    if report:
        logger.warning(
            "ledger recovery: queued again %s, failed %s, removed %d files",
            report.requeued,
            report.failed,
            len(report.files_removed),
        )
    return report


def timed_out(batch_id: int, seconds: int) -> None:
    """The worker stopped this batch's import at its time limit: say so; not retried."""
    batch = ImportBatch.objects.filter(pk=batch_id).first()
    if batch is None:
        return
    with translation.override(batch.language or settings.LANGUAGE_CODE):
        message = _(
            "Việc nhập file %(file)s đã dừng vì quá thời gian cho phép (%(minutes)s phút); "
            "không có dữ liệu nào được ghi. Hãy chia nhỏ file (xuất từng khoảng thời gian) "
            "rồi tải lên lại."
        ) % {"file": batch.filename, "minutes": max(1, round(seconds / 60))}
    ImportBatch.objects.filter(pk=batch_id).update(
        status=ImportBatch.Status.FAILED, message=message, finished_at=timezone.now()
    )
    audit(None, "ledger.import_timed_out", batch, after={"seconds": seconds})
    if batch.pending_path:
        Path(batch.pending_path).unlink(missing_ok=True)
    _progress_file(batch_id).unlink(missing_ok=True)
