"""Backup and restore round trip: every row of every table and every file come back
identical; a tampered archive is refused and changes nothing.

The commands run in a subprocess against a real database file (the test suite's own
database is in memory): SQLite always, PostgreSQL when it is reachable.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
from pathlib import Path
from typing import Any

import pytest

from core.backup import BackupError, unpack_verified

ROOT = Path(__file__).resolve().parents[2]

SEED = r"""
import django
django.setup()
from django.contrib.auth import get_user_model
from accounts.services import user_create, api_token_create
from core.audit import audit
from units.models import Unit
from django_otp.plugins.otp_totp.models import TOTPDevice
p = Unit.objects.create(code="22", name="Tỉnh Quảng Ninh", kind="province", path=Unit.build_path(None, "22"), level=0, official=True)
c = Unit.objects.create(code="07192", name="Đặc khu Cô Tô", kind="special_zone", parent=p, path=Unit.build_path(p, "07192"), level=1, official=True)
u = user_create(username="chủ_tịch", unit=p, role="administrator", password="Xin-chao-2026-rất-dài")
user_create(username="bien_tap", unit=c, role="editor", password="Xin-chao-2026-rất-dài")
TOTPDevice.objects.create(user=u, name="totp", confirmed=True)  # before its token
api_token_create(user=u, name="máy chủ thống kê")
audit(u, "demo.note", c, before={"a": 1}, after={"b": "ý kiến \"trích dẫn\""})
"""

MUTATE = r"""
import django
django.setup()
from django.contrib.auth import get_user_model
from core.models import AuditEvent
from units.models import Unit
get_user_model().objects.filter(username="bien_tap").delete()
AuditEvent.objects.update(action="tampered")
Unit.objects.create(code="06688", name="Phường Hạ Long", kind="ward", path="22/06688/", level=1)
"""


def _env(tmp: Path, database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=database_url,
        MEDIA_ROOT=str(tmp / "media"),
        BANTIN_VAR_DIR=str(tmp / "var"),
        STATIC_ROOT=str(tmp / "static"),
    )
    return env


def _run(env: dict[str, str], *args: str, code: str | None = None, ok: bool = True) -> Any:
    command = [sys.executable, "-c", code] if code else [sys.executable, "manage.py", *args]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    if ok:
        assert result.returncode == 0, result.stdout + result.stderr
    return result


def _table_rows(url: str) -> dict[str, list[Any]]:
    """Every table's row count and a hash of all its rows, read straight from the database."""
    if url.startswith("sqlite:///"):
        conn: Any = sqlite3.connect(url[len("sqlite:///") :])
        tables = [
            r[0]
            for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            if not r[0].startswith("sqlite_")
        ]
    else:
        import psycopg

        conn = psycopg.connect(url.replace("postgres://", "postgresql://"))
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
            )
        ]
    out = {}
    try:
        for table in sorted(tables):
            query = f'SELECT * FROM "{table}"'  # noqa: S608 - names from the catalogue
            rows = sorted(repr(r) for r in conn.execute(query).fetchall())
            out[table] = [len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest()]
    finally:
        conn.close()
    return out


def _snapshot(env: dict[str, str]) -> dict[str, Any]:
    media = Path(env["MEDIA_ROOT"])
    files = {
        p.relative_to(media).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(media.rglob("*"))
        if p.is_file()
    }
    return {"tables": _table_rows(env["DATABASE_URL"]), "media": files}


def _seed_media(media: Path) -> None:
    (media / "imports" / "2026" / "05").mkdir(parents=True)
    (media / "imports" / "2026" / "05" / "báo cáo tháng 5.xlsx").write_bytes(os.urandom(70_000))
    (media / "imports" / "empty.csv").write_bytes(b"")
    (media / "hub").mkdir()
    (media / "hub" / "thông báo.txt").write_text("Thông báo về lịch tiêm chủng\n", "utf-8")


def _mutate_media(media: Path) -> None:
    (media / "hub" / "thông báo.txt").write_text("đã sửa", "utf-8")
    (media / "imports" / "empty.csv").unlink()
    (media / "new.bin").write_bytes(b"\x00\x01")


def _round_trip(tmp: Path, env: dict[str, str]) -> Path:
    _run(env, "migrate", "--noinput", "-v0")
    _run(env, code=SEED)
    _seed_media(tmp / "media")
    before = _snapshot(env)
    assert before["tables"]["units_unit"][0] == 2
    assert before["tables"]["otp_totp_totpdevice"][0] == 1
    assert len(before["media"]) == 3

    archive = tmp / "backups" / "bantin.tar.gz"
    out = _run(env, "backup", str(archive)).stdout
    assert "3 media files" in out
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.load(tar.extractfile("manifest.json"))  # type: ignore[arg-type]
    assert names[0] == "manifest.json"
    assert set(manifest["files"]) == set(names) - {"manifest.json"}
    assert all(len(f["sha256"]) == 64 for f in manifest["files"].values())

    _run(env, code=MUTATE)
    _mutate_media(tmp / "media")
    assert _snapshot(env) != before

    out = _run(env, "restore", str(archive), "--noinput").stdout
    assert "Restored" in out
    after = _snapshot(env)
    assert after["tables"] == before["tables"]  # every row of every table
    assert after["media"] == before["media"]  # every file, byte for byte
    return archive


def _tamper(archive: Path, target: Path, member: str, new_data: bytes) -> None:
    """Copy the archive, replacing one member's bytes but keeping the manifest."""
    with tarfile.open(archive) as src, tarfile.open(target, "w:gz") as dst:
        for info in src:
            data = src.extractfile(info).read()  # type: ignore[union-attr]
            if info.name == member:
                data = new_data
                info.size = len(data)
            dst.addfile(info, io.BytesIO(data))


def test_sqlite_round_trip_and_tampered_archive_refused(tmp_path: Path) -> None:
    env = _env(tmp_path, f"sqlite:///{tmp_path / 'bantin.sqlite3'}")
    archive = _round_trip(tmp_path, env)

    current = _snapshot(env)
    bad = tmp_path / "bad.tar.gz"
    _tamper(archive, bad, "media/hub/thông báo.txt", "Thông báo giả mạo\n".encode())
    result = _run(env, "restore", str(bad), "--noinput", ok=False)
    assert result.returncode == 1
    assert "media/hub/thông báo.txt: SHA-256 does not match the manifest" in result.stderr
    assert "Nothing was changed" in result.stderr
    assert _snapshot(env) == current


def _refusal(archive: Path, tmp_path: Path) -> str:
    scratch = tmp_path / "scratch"
    scratch.mkdir(exist_ok=True)
    with pytest.raises(BackupError) as excinfo:
        unpack_verified(archive, scratch)
    return str(excinfo.value)


def test_every_kind_of_damaged_archive_is_refused(tmp_path: Path, settings: Any) -> None:
    """Checked before anything is touched: a changed database dump, a smuggled file,
    a missing file, an unsafe path, not an archive at all."""
    media = tmp_path / "media"
    _seed_media(media)
    sqlite_file = tmp_path / "db.sqlite3"
    sqlite3.connect(sqlite_file).execute("CREATE TABLE t (x)").connection.commit()
    archive = tmp_path / "ok.tar.gz"
    manifest = {
        "format": "bantin-backup",
        "version": 1,
        "database": {"vendor": "sqlite", "file": "database.sqlite3"},
        "files": {},
    }
    members = {"database.sqlite3": sqlite_file.read_bytes()}
    members |= {
        "media/" + p.relative_to(media).as_posix(): p.read_bytes()
        for p in media.rglob("*")
        if p.is_file()
    }
    manifest["files"] = {
        n: {"sha256": hashlib.sha256(d).hexdigest(), "size": len(d)} for n, d in members.items()
    }

    def write(target: Path, files: dict[str, bytes], man: dict[str, Any] = manifest) -> Path:
        with tarfile.open(target, "w:gz") as tar:
            for name, data in [("manifest.json", json.dumps(man).encode()), *files.items()]:
                info = tarfile.TarInfo(name)
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
        return target

    assert unpack_verified(write(archive, members), tmp_path / "fine")["version"] == 1

    changed = dict(members, **{"database.sqlite3": b"SQLite format 3\x00 but not really"})
    assert "database.sqlite3: SHA-256 does not match" in _refusal(
        write(tmp_path / "a.tar.gz", changed), tmp_path
    )
    smuggled = dict(members, **{"media/shell.php": b"<?php system($_GET['c']); ?>"})
    assert "media/shell.php: not listed in the manifest" in _refusal(
        write(tmp_path / "b.tar.gz", smuggled), tmp_path
    )
    missing = {k: v for k, v in members.items() if k != "media/imports/empty.csv"}
    assert "media/imports/empty.csv: listed in the manifest but missing" in _refusal(
        write(tmp_path / "c.tar.gz", missing), tmp_path
    )
    escaping = dict(members, **{"media/../../etc/cron.d/x": b"* * * * * root sh"})
    assert "not allowed in a backup" in _refusal(write(tmp_path / "d.tar.gz", escaping), tmp_path)
    assert not (tmp_path.parent / "etc").exists()
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"not a tar file")
    assert "not a readable .tar.gz" in _refusal(junk, tmp_path)
    other = dict(manifest, format="something-else")
    assert "not a Bantin backup" in _refusal(write(tmp_path / "e.tar.gz", members, other), tmp_path)


def _postgres_url() -> str | None:
    url = os.environ.get("BANTIN_TEST_POSTGRES", "postgres://postgres@127.0.0.1:5432/postgres")
    try:
        import psycopg

        with psycopg.connect(url.replace("postgres://", "postgresql://"), connect_timeout=3):
            return url
    except Exception:
        return None


def test_postgresql_round_trip(tmp_path: Path) -> None:
    url = _postgres_url()
    if url is None:
        pytest.skip("no PostgreSQL reachable at BANTIN_TEST_POSTGRES / 127.0.0.1:5432")
    import psycopg

    name = f"bantin_security_backup_{os.getpid()}"
    admin_url = url.replace("postgres://", "postgresql://")
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        base = url.rsplit("/", 1)[0]
        env = _env(tmp_path, f"{base}/{name}")
        _round_trip(tmp_path, env)
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.django_db(transaction=True)  # SQLite's backup API waits on an open transaction
def test_the_archive_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    """Backups hold password hashes, sessions and TOTP keys: 0600 whatever the umask,
    in a folder only the owner may enter (issue 18, finding 13)."""
    from core.backup import create_backup

    previous = os.umask(0o022)  # a default umask: what the old code's archive got (0644)
    try:
        archive = tmp_path / "backups" / "bantin.tar.gz"
        create_backup(archive, media_root=tmp_path / "media")
    finally:
        os.umask(previous)
    assert archive.stat().st_mode & 0o777 == 0o600
    assert archive.parent.stat().st_mode & 0o777 == 0o700
