"""A worker killed (SIGKILL) mid-import: the next worker to start finds the batch it left
running, queues it again, and imports it whole (issue 18, finding 8)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench.import_bench import write_export
from ledger.tests.test_kill import ROOT, SETUP, _manage

pytestmark = pytest.mark.slow

QUEUE = """
import shutil, sys
from pathlib import Path
from django.conf import settings
from ledger.models import ImportBatch
from ledger.tasks import run_import
from registry.models import Channel
channel = Channel.objects.get()
pending = Path(settings.MEDIA_ROOT) / "ledger" / "pending" / "big.csv"
pending.parent.mkdir(parents=True, exist_ok=True)
shutil.copyfile("{path}", pending)
batch = ImportBatch.objects.create(channel=channel, unit=channel.unit, filename="big.csv",
    sha256="", size=pending.stat().st_size, status="queued", pending_path=str(pending))
run_import.enqueue(batch.pk, False)
"""
STATE = """
import json
from django_tasks_db.models import DBTaskResult
from ledger.models import ImportBatch, Post
b = ImportBatch.objects.get()
print(json.dumps([b.status, b.attempts, b.accepted, Post.objects.count(),
    sorted(DBTaskResult.objects.values_list("status", flat=True)), b.message]))
"""


def _state(env: dict[str, str]) -> list[object]:
    return json.loads(_manage(env, "shell", "-c", STATE).strip().splitlines()[-1])  # type: ignore[no-any-return]


def _rows(progress: Path) -> int:
    try:
        return int(json.loads(progress.read_text())["rows"])
    except (OSError, ValueError, KeyError):
        return 0  # being written


def test_a_worker_killed_mid_import_is_recovered_by_the_next(tmp_path: Path) -> None:
    db = tmp_path / "worker.sqlite3"
    media = tmp_path / "media"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{db}",
        "MEDIA_ROOT": str(media),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
    }
    _manage(env, "migrate", "--noinput", "-v", "0")
    _manage(env, "shell", "-c", SETUP)
    big = tmp_path / "big.csv"
    write_export(big, 30_000, seed=3)
    _manage(env, "shell", "-c", QUEUE.format(path=big))
    worker = [sys.executable, "manage.py", "worker", "--interval", "0.2", "--no-startup-delay"]
    proc = subprocess.Popen(  # noqa: S603
        worker, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    # Mid-import: the progress the page polls says 10,000 rows were read, so the first
    # chunk is written in the import's open transaction.
    progress = media / "ledger" / "progress"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and proc.poll() is None:
        if any(_rows(f) >= 10_000 for f in progress.glob("*.json")):
            break
        time.sleep(0.05)
    assert proc.poll() is None, "the worker stopped before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    status, attempts, _accepted, posts, tasks, _message = _state(env)
    assert (status, attempts, posts, tasks) == ("running", 1, 0, ["RUNNING"])
    # The next worker, on start: the batch queued again, then imported whole.
    _manage(env, "worker", "--batch", "--interval", "0", "--no-startup-delay")
    status, attempts, accepted, posts, tasks, message = _state(env)
    assert (status, attempts, accepted, posts) == ("done", 2, 30_000, 30_000), message
    assert tasks == ["FAILED", "SUCCESSFUL"]
    assert not list((media / "ledger" / "pending").iterdir())
