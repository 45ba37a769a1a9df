"""The background worker: django-tasks' database worker, made to keep going.

``manage.py worker`` runs this instead of ``db_worker``. Three differences:

* A locked database (SQLite while another process writes a long import) is waited out:
  claiming a task, or recording a task's outcome, is tried again with a growing pause,
  instead of the worker exiting on ``OperationalError`` and leaving the queue unserved.
* Each task has a time limit (``BANTIN_TASK_TIME_LIMIT``, 30 minutes by default): the task
  is interrupted with :class:`TaskTimeLimit`, its transaction rolls back, and the worker
  takes the next one. One file cannot hold the queue. If the task does not come back (stuck
  in C code), the worker exits a minute later and its supervisor (systemd, ``make demo``)
  starts it again; the recovery below settles the batch.
* On start and every ``--recover-every`` seconds it runs :func:`ledger.recovery.recover`:
  imports interrupted by a dead worker are queued again once or marked failed, and files
  nothing refers to are removed.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from types import FrameType
from typing import Any

from django.db import close_old_connections, connections
from django.db.utils import OperationalError
from django_tasks_db.compat import TaskContext, task_finished, task_started
from django_tasks_db.management.commands.db_worker import Worker as DatabaseWorker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

logger = logging.getLogger("ledger.worker")

STUCK_GRACE = 60.0  # seconds past the time limit before a stuck worker exits
EXIT_STUCK = 75  # EX_TEMPFAIL: the supervisor starts the worker again


class TaskTimeLimit(BaseException):  # noqa: N818 - raised into the task, like KeyboardInterrupt
    """The task ran past the worker's time limit. Not an ``Exception``, like
    ``KeyboardInterrupt``: no ``except Exception`` of the task's own code may take it for
    an error of its own and write to a connection the limit may have left mid-query."""

    def __init__(self, seconds: int) -> None:
        super().__init__(f"the task ran more than {seconds} s")
        self.seconds = seconds


def worker_nice() -> int:
    """How much the worker lowers its CPU priority (setting ``BANTIN["WORKER_NICE"]``)."""
    from django.conf import settings

    return int(getattr(settings, "BANTIN", {}).get("WORKER_NICE", 10))


def lower_priority(increment: int) -> int:
    """Lower this process's CPU priority by ``increment`` (``os.nice``); return the new
    niceness. An import is background work: on a deadline day, with the cores busy, the
    scheduler gives them first to the web's processes, whose pages people wait for, and the
    imports take the rest (the month still completes long before anyone waits on it). The
    database's own process for the worker's connection keeps its priority: the worker's
    locks are never held longer for it."""
    return os.nice(max(increment, 0))


def _locked(exc: BaseException) -> bool:
    return isinstance(exc, OperationalError) and is_locked_database_exception(exc)


class Worker(DatabaseWorker):  # type: ignore[misc]
    def __init__(self, *, time_limit: int, recover_every: float, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.time_limit = time_limit
        self.recover_every = recover_every
        self.next_recovery = 0.0
        self.max_pause = 30.0

    # ------------------------------------------------------------------ the loop

    def run(self) -> None:
        logger.info("worker %s: time limit %s s", self.worker_id, self.time_limit or "none")
        pause = self.interval or 0.1
        while self.running:
            try:
                self.recover_if_due()
                ran = self.claim_and_run()
            except OperationalError as exc:
                if not _locked(exc):
                    raise
                logger.warning("worker: the database is locked; trying again in %.1f s", pause)
                connections.close_all()
                time.sleep(pause)
                pause = min(pause * 2, self.max_pause)
                continue
            pause = self.interval or 0.1
            if ran is None:  # --batch and nothing left, or --max-tasks reached
                return
            if self.running and not ran:
                time.sleep(self.interval)

    def claim_and_run(self) -> bool | None:
        """Run one task if one is ready; True if one ran, None when the worker should stop."""
        close_old_connections()
        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        if not self.process_all_queues:
            tasks = tasks.filter(queue_name__in=self.queue_names)
        if self.excluded_queue_names:
            tasks = tasks.exclude(queue_name__in=self.excluded_queue_names)
        with exclusive_transaction(tasks.db):
            task_result = tasks.get_locked()
            if task_result is not None:
                task_result.claim(self.worker_id)
        if task_result is not None:
            self.run_task(task_result)
        if self.batch and task_result is None:
            return None
        if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
            return None
        return task_result is not None

    def recover_if_due(self) -> None:
        if self.recover_every < 0 or time.monotonic() < self.next_recovery:
            return
        from ledger.recovery import recover

        recover()
        self.next_recovery = time.monotonic() + self.recover_every

    # ------------------------------------------------------------------ one task

    def run_task(self, db_task_result: DBTaskResult) -> None:
        self.running_task = True
        try:
            task = db_task_result.task
            backend_type = task.get_backend()
            task_result = db_task_result.task_result
            task_started.send(sender=backend_type, task_result=task_result)
            error: BaseException | None = None
            value: Any = None
            try:
                with self.limit():
                    args, kwargs = task_result.args, task_result.kwargs
                    if task.takes_context:
                        value = task.call(TaskContext(task_result=task_result), *args, **kwargs)
                    else:
                        value = task.call(*args, **kwargs)
            except (KeyboardInterrupt, SystemExit):
                raise
            except BaseException as exc:  # noqa: BLE001 - recorded on the task's row
                error = exc
            if isinstance(error, TaskTimeLimit):
                # The limit can land in the middle of a query and leave the connection
                # mid-command ("another command is already in progress"): the outcome is
                # written on a fresh one (closing rolls the task's transaction back).
                connections.close_all()
            self.record(db_task_result, value, error)
            task_finished.send(sender=backend_type, task_result=db_task_result.task_result)
        finally:
            self.running_task = False
            self._run_tasks += 1

    def record(self, db_task_result: DBTaskResult, value: Any, error: BaseException | None) -> None:
        """Write the task's outcome, waiting for a locked database rather than losing it."""
        pause = 0.5
        while True:
            try:
                if error is None:
                    try:
                        db_task_result.set_successful(value)
                    except OperationalError:
                        raise
                    except Exception as exc:  # noqa: BLE001 - e.g. a value JSON cannot hold
                        error = exc
                        continue
                else:
                    db_task_result.set_failed(error)
                return
            except OperationalError as exc:
                if not _locked(exc) or not self.running:
                    raise
                logger.warning(
                    "worker: the database is locked; recording task %s later", db_task_result.id
                )
                connections.close_all()
                time.sleep(pause)
                pause = min(pause * 2, self.max_pause)

    # ------------------------------------------------------------------ the time limit

    def limit(self) -> Any:
        return _TimeLimit(self.time_limit)


class _TimeLimit:
    """Interrupt the main thread with TaskTimeLimit after ``seconds`` (0: never); if it is
    still running ``STUCK_GRACE`` later, end the process for its supervisor to restart."""

    def __init__(self, seconds: int) -> None:
        self.seconds = seconds
        self.armed = False
        self.previous: Any = None
        self.watchdog: threading.Timer | None = None

    def _alarm(self, signum: int, frame: FrameType | None) -> None:
        raise TaskTimeLimit(self.seconds)

    def __enter__(self) -> _TimeLimit:
        if self.seconds > 0 and threading.current_thread() is threading.main_thread():
            self.previous = signal.signal(signal.SIGALRM, self._alarm)
            self.armed = True
            signal.setitimer(signal.ITIMER_REAL, self.seconds)
            self.watchdog = threading.Timer(self.seconds + STUCK_GRACE, self._stuck)
            self.watchdog.daemon = True
            self.watchdog.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.armed:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self.previous)
        if self.watchdog is not None:
            self.watchdog.cancel()

    def _stuck(self) -> None:
        logger.error(
            "worker: a task did not stop %s s after its time limit; exiting to be restarted",
            STUCK_GRACE,
        )
        os._exit(EXIT_STUCK)
