"""A subprocess killed (SIGKILL) in the middle of an import leaves the database as it was."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from bench.import_bench import PAGE_ID, write_export

ROOT = Path(__file__).resolve().parents[2]

SETUP = f"""
from units.models import Unit
from registry.models import Channel
u = Unit.objects.create(code="99", name="Tỉnh thử", kind="province", path="99/")
Channel.objects.create(unit=u, platform="facebook", identifier="{PAGE_ID}",
    url="https://facebook.com/x", external_id="{PAGE_ID}", status="verified")
"""
COUNT = """
import json
from ledger.models import ImportBatch, MetricSnapshot, Post, RowRejection, UnitMonthStat
print(json.dumps([m.objects.count() for m in
    (ImportBatch, Post, MetricSnapshot, RowRejection, UnitMonthStat)]))
"""

# ``import_data`` as the command runs it, marking the moment its second chunk is written.
MARKED_IMPORT = """
import django
django.setup()
from pathlib import Path
from django.core.management import call_command
from ledger.ingest import writer
write, written = writer.Writer.write, []
def marked(self, chunk):
    write(self, chunk)
    written.append(chunk)
    if len(written) == 2:
        Path({marker!r}).touch()
writer.Writer.write = marked
call_command("import_data", {path!r}, "--json")
"""


def _manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True, timeout=600,
    )  # fmt: skip
    return done.stdout


def _counts(env: dict[str, str]) -> list[int]:
    out = _manage(env, "shell", "-c", COUNT)
    return json.loads(out.strip().splitlines()[-1])  # type: ignore[no-any-return]


def test_sigkill_mid_import_leaves_counts_unchanged(tmp_path: Path) -> None:
    db = tmp_path / "kill.sqlite3"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{db}",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    _manage(env, "migrate", "--noinput", "-v", "0")
    _manage(env, "shell", "-c", SETUP)
    small = tmp_path / "small.csv"
    write_export(small, 50, seed=1)
    _manage(env, "import_data", str(small), "--json")
    before = _counts(env)
    assert before[1] == 50
    big = tmp_path / "big.csv"
    write_export(big, 30_000, seed=2)
    marker = tmp_path / "written"
    proc = subprocess.Popen(  # noqa: S603
        [sys.executable, "-c", MARKED_IMPORT.format(path=str(big), marker=str(marker))],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    deadline = time.monotonic() + 300
    # Wait until the import has written a good deal into its open transaction (the rows
    # may still be in SQLite's page cache, not in the WAL: the writer's cache is large).
    while time.monotonic() < deadline and proc.poll() is None and not marker.exists():
        time.sleep(0.05)
    assert proc.poll() is None, "the import finished before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    after = _counts(env)
    assert after == before
    # The database is usable and the same file imports whole afterwards.
    result = json.loads(_manage(env, "import_data", str(big), "--json").strip().splitlines()[-1])
    assert result["accepted"] == 30_000
    assert _counts(env)[1] == 30_000  # the small file's 50 posts are among them
