"""Where an uploaded file waits to be imported: one place for the web page and the API.

Both keep the upload under ``MEDIA_ROOT/ledger/pending/`` with a random name and the
uploaded file's last extension, so the recovery sweep (``ledger.recovery``) finds what an
interrupted request or worker left behind, and the file is read the same way by every door.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from django.conf import settings


def pending_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "ledger" / "pending"


def keep_upload(upload: Any, filename: str) -> Path:
    """Write ``upload`` (a Django ``UploadedFile``) to a new pending file; return its path."""
    folder = pending_dir()
    folder.mkdir(parents=True, exist_ok=True)
    suffix = "".join(Path(filename).suffixes[-1:])[:10].lower()
    path = folder / f"{uuid.uuid4().hex}{suffix}"
    with path.open("wb") as fh:
        for chunk in upload.chunks():
            fh.write(chunk)
    return path
