"""``python manage.py import_data PATH [--channel URL_OR_ID] [--dry-run] [--json]``.

Exit 0 when the file was processed (even with rejected rows), 1 when it was refused whole
(the reason on stderr).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from core import collector
from ledger.selectors import channel_by_reference
from ledger.services import ImportRefused, import_file


class Command(BaseCommand):
    help = "Nhập một file xuất số liệu (Meta, YouTube, TikTok, mẫu Bantin) cho một kênh."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path")
        parser.add_argument(
            "--channel",
            help="Kênh: số thứ tự, mã trên nền tảng hoặc địa chỉ. Chọn kênh ở đây cũng là "
            "xác nhận ghi mã trang của file cho kênh.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Kiểm tra, không ghi gì.")
        parser.add_argument("--json", action="store_true", help="In kết quả dạng JSON.")

    def run_from_argv(self, argv: list[str]) -> None:
        # The process's one job (``manage.py import_data``), not a call from other code.
        collector.settle()
        super().run_from_argv(argv)

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        if not path.is_file():
            self._refuse(f"Không tìm thấy file: {path}")
        channel = None
        if options.get("channel"):
            channel = channel_by_reference(options["channel"])
            if channel is None:
                self._refuse(f"Không tìm thấy kênh đã đăng ký: {options['channel']}")
        try:
            result = import_file(
                acting_user=None,
                path=path,
                filename=path.name,
                channel=channel,
                dry_run=options["dry_run"],
                confirm_channel=channel is not None,
            )
        except ImportRefused as exc:
            self._refuse(exc.message)
        for note in result.notes:
            self.stderr.write(note)
        if options["json"]:
            self.stdout.write(json.dumps(result.as_json(), ensure_ascii=False))
            return
        self.stdout.write(
            f"Lô {result.batch or '(thử, không ghi)'} · {result.format} · kênh {result.channel}: "
            f"đọc {result.rows_read}, nhận {result.accepted}, loại {result.rejected}; "
            f"bài mới {result.posts_created}, cập nhật {result.posts_updated}, "
            f"không đổi {result.unchanged}."
        )
        for error in result.errors[:200]:
            self.stdout.write(f"  dòng {error['line']} [{error['field']}]: {error['message']}")

    def _refuse(self, message: str) -> None:
        self.stderr.write(message)
        sys.exit(1)
