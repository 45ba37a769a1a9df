"""``python manage.py connect_channel --channel URL_OR_ID --access-token T [--refresh-token R]
[--expires-in SECONDS] [--json]``: store a long-lived token (a Meta Business Manager system
user's, for example) after checking it against the platform: the account it reads must be
the registered channel. The token is never printed.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser

from connectors import http, platforms, services
from connectors.errors import PlatformError
from connectors.platforms.base import Tokens
from ledger.selectors import channel_by_reference


class Command(BaseCommand):
    help = "Kết nối một kênh bằng mã truy cập dài hạn (đã kiểm tra với nền tảng)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--channel", required=True)
        parser.add_argument("--access-token", required=True)
        parser.add_argument("--refresh-token", default="")
        parser.add_argument("--expires-in", type=int, default=None)
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        channel = channel_by_reference(options["channel"])
        if channel is None:
            raise CommandError(f"Không tìm thấy kênh đã đăng ký: {options['channel']}")
        try:
            services.ensure_connectable(acting_user=None, channel=channel)
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc
        platform = platforms.get(channel.platform)
        token = options["access_token"]
        try:
            with http.client() as client:
                api = http.Api(client, http.Limits(channel.platform))
                account = services.match_account(
                    channel=channel, accounts=platform.accounts(api, token)
                )
        except PlatformError as exc:
            raise CommandError(exc.message) from exc
        connection = services.connection_store(
            acting_user=None,
            channel=channel,
            account=account,
            tokens=Tokens(
                access_token=token,
                refresh_token=options["refresh_token"],
                expires_in=options["expires_in"],
            ),
        )
        out = {
            "channel": channel.pk,
            "platform": channel.platform,
            "account_id": connection.account_id,
            "account_name": connection.account_name,
            "status": connection.status,
            "access_expires_at": connection.access_expires_at.isoformat()
            if connection.access_expires_at
            else None,
        }
        if options["json"]:
            self.stdout.write(json.dumps(out, ensure_ascii=False))
        else:
            self.stdout.write(
                f"Đã kết nối kênh {channel.pk} với tài khoản {connection.account_id}."
            )
