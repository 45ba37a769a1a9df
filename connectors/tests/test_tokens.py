"""No token in clear: not in the database, the logs, the backup archive, any page, the API
answers or the audit records; and the keys rotate."""

from __future__ import annotations

import io
import logging
import shutil
import subprocess
import tarfile
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection as db
from django.test import Client

from conftest import PASSWORD
from connectors import crypto, sync
from connectors.models import Connection
from connectors.tests.conftest import connect
from core.models import AuditEvent


def _database_text(tmp_path: Path) -> str:
    out = io.StringIO()
    call_command("dumpdata", stdout=out)
    return out.getvalue()


def _backup_text(tmp_path: Path) -> bytes:
    from core.backup import create_backup

    archive = tmp_path / "backup.tar.gz"
    create_backup(archive)
    chunks = []
    with tarfile.open(archive) as tar:
        for member in tar.getmembers():
            data = tar.extractfile(member)
            if data is None:
                continue
            raw = data.read()
            if member.name.endswith(".pgdump"):
                dump = tmp_path / "database.pgdump"
                dump.write_bytes(raw)
                tool = shutil.which("pg_restore")
                assert tool, "pg_restore is needed to read a PostgreSQL backup"
                raw = subprocess.run(  # noqa: S603 - a fixed tool on a file of this test
                    [tool, "-f", "-", str(dump)], capture_output=True, check=True
                ).stdout
            chunks.append(raw)
    return b"\n".join(chunks)


@pytest.mark.django_db(transaction=True)
def test_no_token_in_clear_anywhere(world: Any, fakes: Any, caplog: Any, tmp_path: Path) -> None:
    caplog.set_level(logging.DEBUG)
    c = connect(fakes, world.commune_a, "zalo")
    fakes.world.expire(c.access)  # the run refreshes: two more tokens pass through
    result = sync.run(channels=[c.channel])[0]
    assert result.status == "ok", result.errors
    connection = Connection.objects.get(channel=c.channel)
    tokens = {
        c.access,
        c.refresh,
        crypto.decrypt(connection.access_token),
        crypto.decrypt(connection.refresh_token),
    }
    assert len(tokens) == 4

    editor = Client()
    assert editor.login(username=world.users_a["editor"].username, password=PASSWORD)
    pages = [
        editor.get("/connectors/").content,
        editor.get(f"/connectors/{c.channel.pk}/").content,
        editor.get(f"/registry/{c.channel.pk}/").content,
        editor.get("/").content,
    ]
    from accounts.services import api_token_create

    api_token = api_token_create(user=world.users_a["editor"])[1]
    batch = c.channel.import_batches.first()
    api = [
        Client().get(f"/api/imports/{batch.pk}", HTTP_AUTHORIZATION=f"Bearer {api_token}").content,
        Client()
        .get(f"/api/registry/channels/{c.channel.pk}", HTTP_AUTHORIZATION=f"Bearer {api_token}")
        .content,
    ]
    audit = "\n".join(f"{e.before} {e.after} {e.object_repr}" for e in AuditEvent.objects.all())
    assert "connectors.token_refresh" in {e.action for e in AuditEvent.objects.all()}
    with db.cursor() as cursor:
        cursor.execute("SELECT access_token, refresh_token FROM connectors_connection")
        stored = " ".join(v for row in cursor.fetchall() for v in row)
    assert stored.startswith(crypto.PREFIX)
    places = {
        "database": _database_text(tmp_path) + stored,
        "logs": caplog.text,
        "pages": b"".join(pages).decode(),
        "api": b"".join(api).decode(),
        "audit": audit,
        "backup": _backup_text(tmp_path).decode("latin-1"),
    }
    for token in tokens:
        for place, text in places.items():
            assert token not in text, f"a token in clear in the {place}"


@pytest.mark.django_db
def test_keys_rotate_the_first_encrypts_all_decrypt(settings: Any) -> None:
    old, new = crypto.generate_key(), crypto.generate_key()
    settings.BANTIN_CONNECTORS = {**settings.BANTIN_CONNECTORS, "TOKEN_KEYS": [old]}
    stored = crypto.encrypt("EAAG-rotate-me")
    settings.BANTIN_CONNECTORS = {**settings.BANTIN_CONNECTORS, "TOKEN_KEYS": [new, old]}
    assert crypto.decrypt(stored) == "EAAG-rotate-me"  # old key still opens it
    rotated = crypto.rotate(stored)
    settings.BANTIN_CONNECTORS = {**settings.BANTIN_CONNECTORS, "TOKEN_KEYS": [new]}
    assert crypto.decrypt(rotated) == "EAAG-rotate-me"
    with pytest.raises(crypto.TokenUnreadable):
        crypto.decrypt(stored)  # the old key is gone


@pytest.mark.django_db
def test_rotate_command_reencrypts_every_connection(world: Any, settings: Any) -> None:
    from connectors.tests.factories import SECRET_TOKENS, connected_of

    old, new = crypto.generate_key(), crypto.generate_key()
    settings.BANTIN_CONNECTORS = {**settings.BANTIN_CONNECTORS, "TOKEN_KEYS": [old]}
    connection = connected_of(world, "a")
    settings.BANTIN_CONNECTORS = {**settings.BANTIN_CONNECTORS, "TOKEN_KEYS": [new, old]}
    call_command("rotate_connector_keys", stdout=io.StringIO())
    settings.BANTIN_CONNECTORS = {**settings.BANTIN_CONNECTORS, "TOKEN_KEYS": [new]}
    connection.refresh_from_db()
    assert crypto.decrypt(connection.access_token) == SECRET_TOKENS["a"]
