"""python manage.py register_channel --unit CODE URL [--verify] [--name NAME]
[--acknowledge-lookalike REASON]"""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from registry import services
from units.selectors import unit_by_code


class Command(BaseCommand):
    help = (
        "Register an official channel of a unit (as the installation's operator) and print it "
        "as JSON. Exit status 1 with a message on stderr when refused, e.g. when the channel "
        "resembles a registered one (the message names it) and no --acknowledge-lookalike "
        "reason was given."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--unit", required=True, metavar="CODE", help="the unit's code")
        parser.add_argument("url", help="the channel's link, domain or page address")
        parser.add_argument("--name", default="", help="display name of the page")
        parser.add_argument(
            "--verify", action="store_true", help="also mark it verified (by the operator)"
        )
        parser.add_argument(
            "--acknowledge-lookalike",
            default="",
            metavar="REASON",
            help="go on although the channel resembles a registered one, for this reason "
            "(kept on the channel's page and in the audit log; also used by --verify)",
        )
        parser.add_argument(
            "--method",
            default="Đăng ký và xác minh bằng dòng lệnh",
            help="how it was verified (with --verify)",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        unit = unit_by_code(opts["unit"])
        if unit is None:
            raise CommandError(f"Không có đơn vị mã {opts['unit']}.")
        try:
            with transaction.atomic():
                channel = services.channel_register(
                    acting_user=None,
                    unit=unit,
                    url=opts["url"],
                    display_name=opts["name"],
                    acknowledge_lookalike=opts["acknowledge_lookalike"],
                )
                if opts["verify"]:
                    channel = services.channel_verify(
                        acting_user=None,
                        channel=channel,
                        method=opts["method"],
                        acknowledge_lookalike=opts["acknowledge_lookalike"],
                    )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        except PermissionDenied as exc:  # pragma: no cover - the operator passes every check
            raise CommandError(str(exc)) from exc
        out = {
            "id": channel.pk,
            "platform": channel.platform,
            "identifier": channel.identifier,
            "url": channel.url,
            "display_name": channel.display_name,
            "status": channel.status,
            "unit": {"code": unit.code, "name": unit.name},
        }
        self.stdout.write(json.dumps(out, ensure_ascii=False))
