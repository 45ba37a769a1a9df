"""The worker keeps the queue served (issue 18, findings 4, 7 and 8): it waits out a locked
database, stops a task at its time limit, and settles imports a dead worker left running,
and the sweep removes the files nothing refers to."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.db.utils import OperationalError
from django_tasks_db.models import DBTaskResult, DBTaskResultQuerySet

from core.models import AuditEvent
from ledger import recovery, services
from ledger.models import ImportBatch, Post
from ledger.tests.factories import SHARED, make_channel

TIKTOK = SHARED / "tiktok_content.csv"
# The worker commits and may reset its connection, as in production: no test transaction.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _db_tasks(settings: Any, tmp_path: Path) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"


def queue(world: Any, name: str = TIKTOK.name) -> ImportBatch:
    """A TikTok export uploaded by the web page: a queued batch and its task."""
    if not world.cache.get("channel"):
        world.cache["channel"] = make_channel(world.commune_a, "tiktok", "xacoto.official")
    return services.import_enqueue(
        acting_user=world.users_a["reporter"],
        upload=SimpleUploadedFile(name, TIKTOK.read_bytes()),
        filename=name,
        channel=world.cache["channel"],
    )


def work(*extra: str) -> None:
    call_command(
        "worker", "--batch", "--interval", "0", "--no-startup-delay", "--recover-every", "-1",
        "--nice", "0", *extra,
    )  # fmt: skip


def locked_first(times: int) -> Any:
    calls = {"n": 0}

    def fail(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] <= times:
            raise OperationalError("database is locked")
        return None

    return fail, calls


def test_the_worker_yields_the_cpu_to_the_web(
    world: Any, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    """The worker lowers its own priority (10 by default, ``BANTIN_WORKER_NICE``) before it
    takes a task, and a real ``os.nice`` raises the niceness by that much."""
    calls: list[int] = []

    def nice(n: int) -> int:
        calls.append(n)
        return n

    monkeypatch.setattr(os, "nice", nice)
    call_command("worker", "--batch", "--interval", "0", "--no-startup-delay")
    settings.BANTIN = {**settings.BANTIN, "WORKER_NICE": 4}
    call_command("worker", "--batch", "--interval", "0", "--no-startup-delay")
    call_command("worker", "--batch", "--interval", "0", "--no-startup-delay", "--nice", "0")
    assert calls == [10, 4, 0]
    monkeypatch.undo()
    script = "import django, os; django.setup(); from ledger.worker import lower_priority; "
    script += "b = os.nice(0); print(lower_priority(3) - b)"
    out = subprocess.run(  # noqa: S603 - our own interpreter, a fixed script
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"},
    )
    assert out.stdout.strip() == "3"


# --------------------------------------------------------------------------- finding 7


def test_the_worker_waits_out_a_locked_database(
    world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    batch = queue(world)
    get_locked = DBTaskResultQuerySet.get_locked
    fail, claims = locked_first(3)
    monkeypatch.setattr(DBTaskResultQuerySet, "get_locked", lambda qs: fail() or get_locked(qs))
    # Recording the outcome meets the lock too (django-tasks' worker then tried to record
    # a failure, met the lock again, and exited).
    set_successful, set_failed = DBTaskResult.set_successful, DBTaskResult.set_failed
    fail_record, records = locked_first(2)
    monkeypatch.setattr(
        DBTaskResult,
        "set_successful",
        lambda self, value: fail_record() or set_successful(self, value),
    )
    monkeypatch.setattr(
        DBTaskResult, "set_failed", lambda self, exc: fail_record() or set_failed(self, exc)
    )
    work()
    batch.refresh_from_db()
    assert batch.status == "done" and Post.objects.count() == 5
    assert claims["n"] > 3 and records["n"] > 2
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


# --------------------------------------------------------------------------- finding 4


def test_a_task_past_its_time_limit_is_stopped_and_the_next_one_runs(
    world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    slow, quick = queue(world, "cham.csv"), queue(world, "nhanh.csv")
    from ledger.ingest import imports

    import_file = imports.import_file

    def slow_import(**kwargs: Any) -> Any:
        if kwargs["filename"] == "cham.csv":
            time.sleep(5)
        return import_file(**kwargs)

    monkeypatch.setattr(imports, "import_file", slow_import)
    started = time.monotonic()
    work("--time-limit", "1")
    assert time.monotonic() - started < 4.5
    slow.refresh_from_db()
    quick.refresh_from_db()
    assert slow.status == "failed"
    assert "quá thời gian" in slow.message and "cham.csv" in slow.message
    assert not Path(slow.pending_path).exists()
    assert quick.status == "done" and Post.objects.count() == 5
    statuses = dict(DBTaskResult.objects.values_list("args_kwargs__args__0", "status"))
    assert statuses == {slow.pk: "FAILED", quick.pk: "SUCCESSFUL"}
    assert AuditEvent.objects.filter(action="ledger.import_timed_out").count() == 1


def test_a_time_limit_in_the_middle_of_a_query_is_recorded_and_the_worker_goes_on(
    world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The limit lands while the import waits for the database: the connection is left
    mid-command, and the worker still records the failure and runs the next import."""
    slow, quick = queue(world, "cham.csv"), queue(world, "nhanh.csv")
    from ledger.ingest import imports

    import_file = imports.import_file
    sleep = "SELECT pg_sleep(5)" if connection.vendor == "postgresql" else None

    def slow_import(**kwargs: Any) -> Any:
        if kwargs["filename"] == "cham.csv":
            if sleep is None:  # SQLite: a query that runs for seconds
                sql = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
                sql += "WHERE i < 100000000) SELECT count(*) FROM n"
            with connection.cursor() as cursor:
                cursor.execute(sleep or sql)
        return import_file(**kwargs)

    monkeypatch.setattr(imports, "import_file", slow_import)
    work("--time-limit", "1")
    slow.refresh_from_db()
    quick.refresh_from_db()
    assert slow.status == "failed" and "quá thời gian" in slow.message
    assert quick.status == "done"
    statuses = dict(DBTaskResult.objects.values_list("args_kwargs__args__0", "status"))
    assert statuses == {slow.pk: "FAILED", quick.pk: "SUCCESSFUL"}


# --------------------------------------------------------------------------- finding 8


def killed_mid_import(batch: ImportBatch, attempts: int = 1) -> DBTaskResult:
    """What a worker killed during the import leaves: the batch running, its task claimed."""
    task = DBTaskResult.objects.get()
    task.claim("dead-worker")
    ImportBatch.objects.filter(pk=batch.pk).update(status="running", attempts=attempts)
    return task


def test_an_interrupted_import_is_queued_again_once_and_then_runs(world: Any) -> None:
    batch = queue(world)
    dead = killed_mid_import(batch)
    report = recovery.recover()
    assert report.requeued == [batch.pk] and report.failed == []
    batch.refresh_from_db()
    assert batch.status == "queued" and "gián đoạn" in batch.message
    dead.refresh_from_db()
    assert dead.status == "FAILED" and dead.exception_class_path.endswith("WorkerLost")
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    work()
    batch.refresh_from_db()
    assert (batch.status, batch.attempts, Post.objects.count()) == ("done", 2, 5)
    assert not Path(batch.pending_path).exists()


def test_an_import_interrupted_twice_is_failed_with_the_reason(world: Any) -> None:
    batch = queue(world)
    killed_mid_import(batch, attempts=2)
    report = recovery.recover()
    assert report.failed == [batch.pk] and report.requeued == []
    batch.refresh_from_db()
    assert batch.status == "failed" and "gián đoạn 2 lần" in batch.message
    assert batch.finished_at is not None
    assert not Path(batch.pending_path).exists()
    assert not DBTaskResult.objects.filter(status__in=["READY", "RUNNING"]).exists()
    assert AuditEvent.objects.filter(action="ledger.import_interrupted").count() == 1


def test_a_batch_a_live_worker_is_running_is_left_alone(world: Any) -> None:
    batch = queue(world)
    killed_mid_import(batch)
    with recovery.running(batch.pk):  # held as a live worker holds it
        assert not recovery.recover()
    batch.refresh_from_db()
    assert batch.status == "running"


def test_a_queued_batch_whose_task_was_lost_is_queued_again(world: Any) -> None:
    batch = queue(world)
    DBTaskResult.objects.all().delete()
    ImportBatch.objects.filter(pk=batch.pk).update(
        created_at=batch.created_at - recovery.timedelta(minutes=5)
    )
    assert recovery.recover().requeued == [batch.pk]
    work()
    batch.refresh_from_db()
    assert batch.status == "done"


def test_the_worker_recovers_on_start(world: Any) -> None:
    batch = queue(world)
    killed_mid_import(batch)
    call_command("worker", "--batch", "--interval", "0", "--no-startup-delay", "--nice", "0")
    batch.refresh_from_db()
    assert batch.status == "done" and Post.objects.count() == 5


def _age(path: Path, seconds: float) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        path.write_bytes(b"x")
    then = time.time() - seconds
    os.utime(path, (then, then))
    return path


def test_the_sweep_removes_only_unreferenced_old_files(world: Any, settings: Any) -> None:
    done = queue(world, "xong.csv")
    work()
    done.refresh_from_db()
    waiting = queue(world, "cho.csv")
    media = Path(settings.MEDIA_ROOT)
    day = 86_400
    kept = [
        _age(Path(done.original.path), day),  # a batch's original
        _age(Path(waiting.pending_path), day),  # its batch still waits
        _age(media / "ledger" / "pending" / "fresh.csv", 60),  # an upload being written
        _age(media / "ledger" / "imports" / "ab" / "fresh.csv", 60),  # an import under way
    ]
    gone = [
        _age(media / "ledger" / "pending" / "orphan.xlsx", day),  # a request that died
        _age(media / "ledger" / "imports" / "cd" / "orphan.xlsx", day),
        _age(media / "ledger" / "imports" / "cd" / "half.xlsx.part", day),
        _age(media / "ledger" / "progress" / f"{done.pk}.json", day),
    ]
    report = recovery.sweep_files()
    assert sorted(report.files_removed) == sorted(str(p) for p in gone)
    assert all(p.exists() for p in kept) and not any(p.exists() for p in gone)


def test_ledger_sweep_command(world: Any, capsys: pytest.CaptureFixture[str]) -> None:
    batch = queue(world)
    killed_mid_import(batch, attempts=2)
    call_command("ledger_sweep")
    assert "đánh dấu lỗi: 1 lô" in capsys.readouterr().out


def test_deploy_runs_two_workers_a_sweep_and_the_demo_restarts_its_worker() -> None:
    root = Path(__file__).resolve().parents[2]
    systemd = root / "deploy" / "systemd"
    unit = (systemd / "bantin-worker@.service").read_text()
    assert "manage.py worker " in unit and "Restart=always" in unit
    wants = (systemd / "bantin-worker.target").read_text()
    assert "bantin-worker@1.service bantin-worker@2.service" in wants
    assert "manage.py ledger_sweep" in (systemd / "bantin-sweep.service").read_text()
    assert "OnCalendar=" in (systemd / "bantin-sweep.timer").read_text()
    guide = (root / "docs" / "deploy.md").read_text()
    for name in (
        "bantin-worker.target",
        "bantin-sweep.timer",
        "ledger_sweep",
        "BANTIN_TASK_TIME_LIMIT",
    ):
        assert name in guide, name
    demo = (root / "Makefile").read_text().split("\ndemo: venv", 1)[1].split("\n\n", 1)[0]
    assert "while :; do $(PY) manage.py worker" in demo and "db_worker" not in demo
