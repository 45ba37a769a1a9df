"""Background work of the ledger, run by the django-tasks database worker."""

from __future__ import annotations

from django_tasks import task


@task()
def run_import(batch_id: int, confirm_channel: bool = False) -> None:
    from ledger.services import import_batch_run

    import_batch_run(batch_id=batch_id, confirm_channel=confirm_channel)
