from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts import services
from core.permissions import Role
from units.selectors import unit_by_code


class Command(BaseCommand):
    help = (
        "Create a user holding a role in a unit (how an installation gets its first administrator)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", required=True)
        parser.add_argument("--unit", required=True, metavar="CODE")
        parser.add_argument("--role", required=True, choices=Role.ALL)
        parser.add_argument("--password", help="omit to set one later by a reset link")
        parser.add_argument("--email", default="")

    def handle(self, *args: Any, **opts: Any) -> None:
        unit = unit_by_code(opts["unit"])
        if unit is None:
            raise CommandError(f"no unit with code {opts['unit']} (load_units first)")
        try:
            user = services.user_create(
                username=opts["username"],
                unit=unit,
                role=opts["role"],
                password=opts["password"],
                email=opts["email"],
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(f"created {user.username}: {opts['role']} at {unit.code} {unit.name}")
