"""Background work of the ledger, run by the worker (``manage.py worker``)."""

from __future__ import annotations

from django.db import connections
from django_tasks import task


@task()
def run_import(batch_id: int, confirm_channel: bool = False) -> None:
    from ledger.recovery import running, timed_out
    from ledger.services import import_batch_run
    from ledger.worker import TaskTimeLimit

    # The run lock tells the recovery that this batch is in hand (ledger/recovery.py).
    with running(batch_id):
        try:
            import_batch_run(batch_id=batch_id, confirm_channel=confirm_channel)
        except TaskTimeLimit as exc:
            # The limit may have landed in the middle of a query, leaving the connection
            # mid-command: the failure is written on a fresh one.
            connections.close_all()
            timed_out(batch_id, exc.seconds)
            raise
