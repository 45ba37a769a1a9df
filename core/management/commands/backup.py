from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.backup import BackupError, create_backup


class Command(BaseCommand):
    help = (
        "Write one .tar.gz with the database (SQLite online backup or pg_dump), the uploaded "
        "files and a manifest of SHA-256 checksums. Safe while the site runs."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="the archive to write, e.g. /var/backups/bantin.tar.gz")
        parser.add_argument("--database", default="default")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        try:
            manifest = create_backup(path, alias=options["database"])
        except BackupError as exc:
            raise CommandError(f"backup failed: {exc}") from exc
        files = manifest["files"]
        media = sum(1 for name in files if name.startswith("media/"))
        size = path.stat().st_size
        self.stdout.write(
            f"{path}: {manifest['database']['vendor']} database, {media} media files, "
            f"{size:,} bytes"
        )
