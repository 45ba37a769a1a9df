"""A believable demo province, written only through the services.

Each feature app contributes a step in ``core.demo.STEPS``; the generator is
deterministic for a given ``--seed``.
"""

from __future__ import annotations

import json
import random
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core import demo


class Command(BaseCommand):
    help = "Seed a demo province (units, users and, as features land, their data)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--province", default=demo.DEFAULT_PROVINCE, metavar="CODE")
        parser.add_argument("--months", type=int, default=12)
        parser.add_argument("--scale", choices=["province", "country"], default="province")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **opts: Any) -> None:
        if not 1 <= opts["months"] <= 36:
            raise CommandError("--months must be between 1 and 36")
        ctx = demo.DemoContext(
            province_code=opts["province"],
            months=opts["months"],
            scale=opts["scale"],
            rng=random.Random(opts["seed"]),  # noqa: S311 - demo data, not crypto
            log=lambda msg: self.stderr.write(msg) if not opts["json"] else None,
        )
        try:
            summary = demo.run(ctx)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if opts["json"]:
            self.stdout.write(json.dumps(summary, ensure_ascii=False))
        else:
            for key, value in summary.items():
                if isinstance(value, list):
                    self.stdout.write(f"{key}:")
                    for item in value:
                        self.stdout.write(f"  {item}")
                else:
                    self.stdout.write(f"{key}: {value}")
