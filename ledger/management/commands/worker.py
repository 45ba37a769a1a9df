"""``manage.py worker``: the background worker (django-tasks' ``db_worker``, kept going).

See :mod:`ledger.worker`: it waits out a locked database, stops a task at its time limit,
and recovers interrupted imports on start and every ``--recover-every`` seconds.
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import CommandError
from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand

from core import collector
from ledger.recovery import task_time_limit
from ledger.worker import Worker, lower_priority, worker_nice


class Command(DatabaseWorkerCommand):  # type: ignore[misc]
    help = (
        "Chạy tiến trình xử lý nền (nhập số liệu): chờ khi cơ sở dữ liệu bị khóa, giới hạn "
        "thời gian mỗi việc, khôi phục các lần nhập bị gián đoạn."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--time-limit",
            type=int,
            default=None,
            help="Giây tối đa cho một việc (mặc định BANTIN_TASK_TIME_LIMIT; 0: không giới hạn).",
        )
        parser.add_argument(
            "--nice",
            type=int,
            default=None,
            help="Hạ mức ưu tiên CPU (mặc định BANTIN_WORKER_NICE, 10; 0: không).",
        )
        parser.add_argument(
            "--recover-every",
            type=float,
            default=60.0,
            help="Giây giữa hai lần khôi phục và dọn file (mặc định 60; -1: không).",
        )

    def run_from_argv(self, argv: list[str]) -> None:
        # The process's one job (``manage.py worker``), not a call from other code.
        collector.settle()
        super().run_from_argv(argv)

    def handle(self, *args: Any, **options: Any) -> None:
        self.configure_logging(options["verbosity"])
        queue_names = options["queue_name"].split(",")
        excluded = options["exclude_queues"].split(",") if options["exclude_queues"] else []
        if excluded and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        limit = options["time_limit"]
        nice = options["nice"]
        lower_priority(worker_nice() if nice is None else nice)
        worker = Worker(
            queue_names=queue_names,
            interval=options["interval"],
            batch=options["batch"],
            backend_name=options["backend_name"],
            startup_delay=options["startup_delay"],
            max_tasks=options["max_tasks"],
            worker_id=options["worker_id"],
            excluded_queue_names=excluded,
            time_limit=task_time_limit() if limit is None else limit,
            recover_every=options["recover_every"],
        )
        # No autoreload: a reload would cut a running import short.
        worker.configure_signals()
        worker.run()
