"""``manage.py ledger_sweep``: settle interrupted imports and remove unreferenced files.

The worker does the same on start and every minute; this is for a systemd timer (see
``deploy/systemd/bantin-sweep.timer``) or cron, and for an installation with no worker
running. Prints what it did; exit code 0.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from ledger.recovery import recover


class Command(BaseCommand):
    help = "Khôi phục các lần nhập bị gián đoạn và xóa file tạm, file gốc không còn dùng."

    def handle(self, *args: Any, **options: Any) -> None:
        report = recover()
        self.stdout.write(
            f"Xếp hàng lại: {len(report.requeued)} lô {report.requeued}; "
            f"đánh dấu lỗi: {len(report.failed)} lô {report.failed}; "
            f"đã xóa {len(report.files_removed)} file."
        )
