from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from units import services


class Command(BaseCommand):
    help = (
        "Load provinces and their communes, wards and special zones from vietnam-provinces "
        "(--province CODE ... or --all), or departments and agencies from a CSV file (--csv)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument(
            "--province", nargs="+", metavar="CODE", help="province codes, e.g. 22 or 1"
        )
        group.add_argument("--all", action="store_true", help="all 34 provinces and 3,321 communes")
        group.add_argument("--csv", type=Path, metavar="FILE", help="code,name,kind,parent_code")
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            if opts["csv"]:
                if not opts["csv"].is_file():
                    raise CommandError(f"{opts['csv']}: no such file")
                stats = services.units_load_csv(path=opts["csv"])
            else:
                stats = services.units_load_official(
                    province_codes=None if opts["all"] else opts["province"]
                )
        except (ValueError, services.UnitFileError) as exc:
            raise CommandError(str(exc)) from exc
        result = stats.as_dict()
        if opts["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False))
        else:
            self.stdout.write(
                "provinces {provinces}, communes {communes}: created {created}, "
                "updated {updated}, unchanged {unchanged}".format(**result)
            )
