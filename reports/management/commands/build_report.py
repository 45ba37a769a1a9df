from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from reports import build, selectors
from reports.periods import PeriodError, parse_period
from units.selectors import unit_by_code


class Command(BaseCommand):
    help = "Build a unit's roll-up report for a period as JSON, .docx or .xlsx."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--unit", required=True, metavar="CODE")
        parser.add_argument(
            "--period",
            required=True,
            help="2026-07, 2026-Q3, 2026-H1, 2026-9M, 2026 or 2026-01-01:2026-03-31",
        )
        parser.add_argument(
            "--convention", choices=["calendar", "administrative"], default="calendar"
        )
        parser.add_argument("--format", choices=["json", "docx", "xlsx"], default="json")
        parser.add_argument("--output", type=Path, help="file to write (JSON: default stdout)")

    def handle(self, *args: Any, **opts: Any) -> None:
        unit = unit_by_code(opts["unit"])
        if unit is None:
            raise CommandError(f"no unit with code {opts['unit']}")
        try:
            period = parse_period(opts["period"], opts["convention"])
        except PeriodError as exc:
            raise CommandError(str(exc)) from exc
        fmt = opts["format"]
        if fmt == "json":
            text = json.dumps(selectors.summary(unit, period), ensure_ascii=False, indent=2)
            if opts["output"]:
                opts["output"].write_text(text + "\n", encoding="utf-8")
            else:
                self.stdout.write(text)
            return
        if not opts["output"]:
            raise CommandError("--output is required for docx and xlsx")
        data = build.report_data(unit, period)
        body = build.build_docx(data) if fmt == "docx" else build.build_xlsx(data)
        opts["output"].write_bytes(body)
        self.stdout.write(f"wrote {opts['output']} ({len(body)} bytes)")
