"""``python manage.py rotate_connector_keys [--new-key]``: re-encrypt every stored token with
the first key of ``BANTIN_CONNECTOR_KEYS`` (MultiFernet.rotate); ``--new-key`` prints a new
Fernet key to put first. Remove an old key only after this has run."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from connectors import crypto
from connectors.models import Connection


class Command(BaseCommand):
    help = "Mã hóa lại mọi mã truy cập đã lưu bằng khóa đầu tiên."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--new-key", action="store_true", help="In một khóa mới rồi thôi.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["new_key"]:
            self.stdout.write(crypto.generate_key())
            return
        count = 0
        with transaction.atomic():
            for connection in Connection.objects.select_for_update().exclude(access_token=""):
                connection.access_token = crypto.rotate(connection.access_token)
                connection.refresh_token = crypto.rotate(connection.refresh_token)
                connection.save(update_fields=["access_token", "refresh_token"])
                count += 1
        self.stdout.write(f"{count}")
