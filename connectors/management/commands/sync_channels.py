"""``python manage.py sync_channels [--channel URL_OR_ID] [--since YYYY-MM-DD] [--until YYYY-MM-DD] [--json]``.

Pulls every connected channel's posts of the window (default: the last ``BANTIN_SYNC_DAYS``
days) and their figures into the ledger, then warns the editors of connections about to
expire. With ``--json``: one JSON object per channel and line, as each finishes. Exit 0
when every channel synced (``ok``/``partial``), 1 when any failed or was not connected.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from connectors import notify, sync
from connectors.sync import ChannelResult
from ledger.selectors import channel_by_reference


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"Ngày không hợp lệ (YYYY-MM-DD): {value}") from exc


class Command(BaseCommand):
    help = "Lấy bài đăng và số liệu của các kênh đã kết nối từ API của nền tảng."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--channel", action="append", help="Kênh: số, mã hoặc địa chỉ.")
        parser.add_argument("--since", help="Từ ngày (YYYY-MM-DD).")
        parser.add_argument("--until", help="Đến ngày (YYYY-MM-DD).")
        parser.add_argument("--json", action="store_true", help="In mỗi kênh một dòng JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        since = _day(options["since"]) if options.get("since") else None
        until = _day(options["until"]) if options.get("until") else None
        if since and until and since > until:
            raise CommandError("--since phải trước --until.")
        channels = None
        if options.get("channel"):
            channels = []
            for reference in options["channel"]:
                channel = channel_by_reference(reference)
                if channel is None:
                    raise CommandError(f"Không tìm thấy kênh đã đăng ký: {reference}")
                channels.append(channel)
        failed = 0

        def show(result: ChannelResult) -> None:
            nonlocal failed
            if result.status in ("failed", "not_connected"):
                failed += 1
            if options["json"]:
                self.stdout.write(json.dumps(result.as_json(), ensure_ascii=False))
            else:
                self.stdout.write(
                    f"{result.channel}: {result.status} +{result.posts_created} "
                    f"~{result.posts_updated} ={result.unchanged} ({result.requests} requests)"
                    + "".join(f"\n  {e['code']}: {e['message']}" for e in result.errors)
                )

        sync.run(channels=channels, since=since, until=until, on_result=show)
        notify.expiring()
        if failed:
            sys.exit(1)
