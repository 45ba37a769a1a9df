"""One-archive backups: the database and the uploaded files, with a manifest of checksums.

``create_backup(path)`` writes ``path`` (a .tar.gz) holding:

- ``manifest.json``: format, version, time, database vendor, the latest migration of each
  app, and the SHA-256 and size of every other member;
- ``database.sqlite3`` (SQLite's online backup API: a consistent copy while the site runs)
  or ``database.pgdump`` (``pg_dump -Fc``, PostgreSQL's custom format);
- ``media/...``: every file under ``MEDIA_ROOT``.

``restore_backup(path)`` first unpacks the archive into a scratch folder, checking every
member against the manifest; on any mismatch, missing or unexpected member it raises
:class:`BackupError` and nothing has been changed. Only then does it replace the database
(SQLite backup API into the live file, or ``pg_restore --clean --single-transaction``) and
swap the media folder.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import Any

from django.conf import settings
from django.db import connections
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = "bantin-backup"
VERSION = 1
MANIFEST = "manifest.json"
DB_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why."""


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def _vendor(alias: str) -> str:
    vendor = connections[alias].vendor
    if vendor not in DB_FILES:
        raise BackupError(f"unsupported database vendor {vendor!r} (SQLite or PostgreSQL only)")
    return vendor


def _pg_env(db: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    args = []
    if db.get("HOST"):
        args += ["-h", str(db["HOST"])]
    if db.get("PORT"):
        args += ["-p", str(db["PORT"])]
    if db.get("USER"):
        args += ["-U", str(db["USER"])]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupError(f"{name} was not found on PATH (install the PostgreSQL client tools)")
    return found


def _run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {result.stderr.strip()[:2000]}")


def _dump_database(alias: str, target: Path) -> None:
    connection = connections[alias]
    vendor = _vendor(alias)
    if vendor == "sqlite":
        connection.ensure_connection()
        source = connection.connection
        dest = sqlite3.connect(target)
        try:
            source.backup(dest)
        finally:
            dest.close()
        return
    db = connection.settings_dict
    args, env = _pg_env(db)
    _run(
        [_tool("pg_dump"), "-Fc", "--no-owner", "--no-privileges", *args, "-f", str(target)]
        + ["-d", str(db["NAME"])],
        env,
    )


def _migrations(alias: str) -> dict[str, str]:
    latest: dict[str, str] = {}
    recorder = MigrationRecorder(connections[alias])
    for app, name in recorder.migration_qs.order_by("app", "name").values_list("app", "name"):
        latest[app] = name
    return latest


def _media_files(media_root: Path) -> Iterator[tuple[Path, str]]:
    if not media_root.is_dir():
        return
    for dirpath, dirnames, filenames in os.walk(media_root):
        dirnames.sort()
        for filename in sorted(filenames):
            full = Path(dirpath) / filename
            if full.is_symlink() or not full.is_file():
                continue
            yield full, "media/" + full.relative_to(media_root).as_posix()


def create_backup(
    path: Path, *, alias: str = "default", media_root: Path | None = None
) -> dict[str, Any]:
    """Write the archive to ``path`` (atomically: a partial archive never has that name)."""
    media_root = Path(media_root or settings.MEDIA_ROOT)
    vendor = _vendor(alias)
    path = Path(path)
    # The archive holds password hashes, sessions and TOTP keys: only its owner may read
    # it, whatever the umask of whoever runs the command (systemd adds UMask=0077 too).
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="bantin-backup-") as scratch:
        db_name = DB_FILES[vendor]
        db_file = Path(scratch) / db_name
        _dump_database(alias, db_file)
        members: list[tuple[Path, str]] = [(db_file, db_name), *_media_files(media_root)]
        files = {
            name: {"sha256": sha256_file(source), "size": source.stat().st_size}
            for source, name in members
        }
        manifest = {
            "format": FORMAT,
            "version": VERSION,
            "created_at": timezone.now().isoformat(timespec="seconds"),
            "database": {"vendor": vendor, "file": db_name},
            "migrations": _migrations(alias),
            "files": files,
        }
        partial = path.with_name(path.name + ".partial")
        partial.unlink(missing_ok=True)  # a crashed run's leftover: recreate it private
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
            data = json.dumps(manifest, indent=2, ensure_ascii=False).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(data)
            info.mtime = int(timezone.now().timestamp())
            info.mode = 0o600
            tar.addfile(info, io.BytesIO(data))
            for source, name in members:
                tar.add(source, arcname=name, recursive=False)
        os.replace(partial, path)
    return manifest


def _safe_name(name: str) -> bool:
    pure = PurePosixPath(name)
    return (
        bool(name)
        and not pure.is_absolute()
        and ".." not in pure.parts
        and "\\" not in name
        and (name == MANIFEST or name in DB_FILES.values() or name.startswith("media/"))
    )


def _read_manifest(tar: tarfile.TarFile) -> dict[str, Any]:
    try:
        member = tar.getmember(MANIFEST)
        fh = tar.extractfile(member)
        assert fh is not None
        manifest = json.loads(fh.read().decode())
    except (KeyError, AssertionError, ValueError) as exc:
        raise BackupError(f"{MANIFEST} is missing or unreadable") from exc
    if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
        raise BackupError(f"not a Bantin backup of version {VERSION}")
    if not isinstance(manifest.get("files"), dict):
        raise BackupError(f"{MANIFEST} lists no files")
    return manifest


def unpack_verified(path: Path, scratch: Path) -> dict[str, Any]:
    """Unpack into ``scratch``, checking every member against the manifest.

    Raises BackupError naming every member that is missing, unexpected, of the wrong size
    or whose SHA-256 differs. Touches nothing outside ``scratch``.
    """
    try:
        with tarfile.open(path, "r:gz") as tar:
            manifest = _read_manifest(tar)
            expected: dict[str, dict[str, Any]] = manifest["files"]
            problems: list[str] = []
            seen: set[str] = set()
            for member in tar:
                name = member.name
                if name == MANIFEST:
                    continue
                if not member.isfile() or not _safe_name(name):
                    problems.append(f"{name}: not allowed in a backup")
                    continue
                if name in seen:
                    problems.append(f"{name}: appears twice")
                    continue
                seen.add(name)
                if name not in expected:
                    problems.append(f"{name}: not listed in the manifest")
                    continue
                target = scratch / name
                target.parent.mkdir(parents=True, exist_ok=True)
                source = tar.extractfile(member)
                assert source is not None
                digest = hashlib.sha256()
                with open(target, "wb") as out:
                    for block in iter(lambda: source.read(CHUNK), b""):  # noqa: B023
                        digest.update(block)
                        out.write(block)
                if digest.hexdigest() != expected[name].get("sha256"):
                    problems.append(f"{name}: SHA-256 does not match the manifest")
            for name in sorted(set(expected) - seen):
                problems.append(f"{name}: listed in the manifest but missing")
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise BackupError(f"{path}: not a readable .tar.gz archive ({exc})") from exc
    if problems:
        raise BackupError("the archive does not match its manifest:\n  " + "\n  ".join(problems))
    return manifest


def _restore_database(alias: str, vendor: str, dump: Path) -> None:
    connection = connections[alias]
    if vendor == "sqlite":
        name = connection.settings_dict["NAME"]
        connection.close()
        source = sqlite3.connect(dump)
        dest = sqlite3.connect(name, timeout=30)
        try:
            source.backup(dest)
        finally:
            source.close()
            dest.close()
        return
    db = connection.settings_dict
    connection.close()
    args, env = _pg_env(db)
    _run(
        [_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges"]
        + ["--single-transaction", "--exit-on-error", *args, "-d", str(db["NAME"]), str(dump)],
        env,
    )


def _swap_media(new_media: Path, media_root: Path) -> None:
    media_root.parent.mkdir(parents=True, exist_ok=True)
    old = None
    if media_root.exists():
        old = media_root.with_name(f".{media_root.name}-before-restore")
        if old.exists():
            shutil.rmtree(old)
        os.replace(media_root, old)
    if new_media.exists():
        shutil.move(str(new_media), str(media_root))
    else:
        media_root.mkdir()
    if old is not None:
        shutil.rmtree(old)


@contextmanager
def _scratch_near(folder: Path) -> Iterator[Path]:
    """A scratch folder on the same file system as ``folder`` (so the media swap is a rename)."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".bantin-restore-", dir=folder.parent) as scratch:
        yield Path(scratch)


def restore_backup(
    path: Path, *, alias: str = "default", media_root: Path | None = None
) -> dict[str, Any]:
    media_root = Path(media_root or settings.MEDIA_ROOT)
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path}: no such file")
    vendor = _vendor(alias)
    with _scratch_near(media_root) as scratch:
        manifest = unpack_verified(path, scratch)  # nothing has changed if this raises
        archived = manifest.get("database", {}).get("vendor")
        if archived != vendor:
            raise BackupError(
                f"the archive holds a {archived} database; this site runs on {vendor}"
            )
        _restore_database(alias, vendor, scratch / DB_FILES[vendor])
        _swap_media(scratch / "media", media_root)
    return manifest
