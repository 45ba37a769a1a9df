"""python manage.py lookup_channel QUERY — the public check, as JSON."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from registry import selectors


class Command(BaseCommand):
    help = (
        "Is this link, domain, @handle or page name an official channel? Prints the same JSON "
        "as GET /api/registry/lookup. Exit status 1 with a message on stderr for input that "
        "cannot designate a channel."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("query")

    def handle(self, *args: Any, **opts: Any) -> None:
        result = selectors.lookup(opts["query"])
        if result.status == selectors.INVALID:
            raise CommandError(result.error)
        self.stdout.write(json.dumps(result.as_json(), ensure_ascii=False))
