from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Replace the database and the uploaded files with those of a backup archive. Every "
        "member is checked against the manifest first; on any mismatch nothing is changed. "
        "Stop the web and worker services first; run `migrate` afterwards."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="an archive written by `manage.py backup`")
        parser.add_argument("--database", default="default")
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="do not ask for confirmation",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        if options["interactive"]:
            answer = input(
                f"This replaces the database and {settings.MEDIA_ROOT} with {path}. "
                "Type 'yes' to continue: "
            )
            if answer.strip().lower() != "yes":
                raise CommandError("restore cancelled; nothing was changed")
        try:
            manifest = restore_backup(path, alias=options["database"])
        except BackupError as exc:
            raise CommandError(f"restore refused: {exc}\nNothing was changed.") from exc
        media = sum(1 for name in manifest["files"] if name.startswith("media/"))
        self.stdout.write(
            f"Restored {path} (made {manifest['created_at']}): "
            f"{manifest['database']['vendor']} database, {media} media files. "
            "Now run `python manage.py migrate`."
        )
