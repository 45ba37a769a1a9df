from __future__ import annotations

import json
import sys
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
        parser.add_argument(
            "--output",
            help="file to write, or - for standard output (JSON: default standard output)",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        unit = unit_by_code(opts["unit"])
        if unit is None:
            raise CommandError(f"no unit with code {opts['unit']}")
        try:
            period = parse_period(opts["period"], opts["convention"])
        except PeriodError as exc:
            raise CommandError(str(exc)) from exc
        fmt, output = opts["format"], opts["output"]
        if fmt == "json":
            text = json.dumps(selectors.summary(unit, period), ensure_ascii=False, indent=2)
            if output and output != "-":
                Path(output).write_text(text + "\n", encoding="utf-8")
            else:
                self.stdout.write(text)
            return
        if not output:
            raise CommandError(
                "--output is required for docx and xlsx (a file, or - for standard output); "
                f"suggested name: {build.file_name(unit, period, fmt)}"
            )
        data = build.report_data(unit, period)
        body = build.build_docx(data) if fmt == "docx" else build.build_xlsx(data)
        if output == "-":
            # The bytes themselves, not through self.stdout (text, with an ending added).
            stream = getattr(self.stdout, "_out", sys.stdout)
            buffer = getattr(stream, "buffer", None)
            if buffer is None:
                raise CommandError("standard output does not take bytes here")
            buffer.write(body)
            buffer.flush()
            return
        Path(output).write_bytes(body)
        self.stdout.write(f"wrote {output} ({len(body)} bytes)")
