"""What an import answers (``ImportResult``), how it refuses a whole file
(``ImportRefused``), and the size caps."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

ProgressCallback = Callable[[int], None]


def max_import_bytes() -> int:
    return int(getattr(settings, "BANTIN", {}).get("IMPORT_MAX_BYTES", 50 * 1024 * 1024))


def max_stored_bytes() -> int:
    conf = getattr(settings, "BANTIN", {})
    return int(conf.get("IMPORT_STORE_MAX_BYTES", conf.get("IMPORT_MAX_BYTES", 50 << 20)))


class ImportRefused(Exception):  # noqa: N818 - it is a refusal, not a programming error
    """The whole file is refused; nothing was written. ``code`` is machine-readable."""

    def __init__(self, message: str, code: str = "refused", **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.details = details


@dataclass
class ImportResult:
    batch: int | None
    format: str
    channel: int | None
    rows_read: int = 0
    accepted: int = 0
    rejected: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    posts_created: int = 0
    posts_updated: int = 0
    unchanged: int = 0
    duplicate: bool = False
    dry_run: bool = False
    notes: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        """The command's and the API's JSON: exactly the keys the issue names."""
        return {
            "batch": self.batch,
            "format": self.format,
            "channel": self.channel,
            "rows_read": self.rows_read,
            "accepted": self.accepted,
            "rejected": self.rejected,
            "errors": self.errors,
            "posts_created": self.posts_created,
            "posts_updated": self.posts_updated,
            "unchanged": self.unchanged,
        }
