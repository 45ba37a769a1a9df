from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts import services


class Command(BaseCommand):
    help = "Create an API token for a user and print it (shown once; only its hash is kept)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", required=True)
        parser.add_argument("--name", default="")

    def handle(self, *args: Any, **opts: Any) -> None:
        user = get_user_model().objects.filter(username=opts["username"]).first()
        if user is None:
            raise CommandError(f"no user {opts['username']}")
        try:
            _token, key = services.api_token_create(user=user, name=opts["name"])
        except ValidationError as exc:  # e.g. an administrator without two-factor
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(key)
