"""``POST /api/imports`` takes the same files as the web upload and ``import_data``, and
answers a file sent twice at once like the web path does (issue 18, findings 5 and 9)."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections  # noqa: F401 - connection: skipif
from django.test import Client

from ledger.models import ImportBatch, Post
from ledger.tests.factories import SHARED, make_channel

OWN = Path(__file__).parent / "fixtures"
TEMPLATE_XLSX = OWN / "bantin_template.xlsx"


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"


def _token(user: Any) -> str:
    from accounts.services import api_token_create

    return api_token_create(user=user)[1]


def _template_channels(world: Any) -> None:
    make_channel(world.commune_a, "facebook", "trang-xa", external_id="100064899990001")
    make_channel(world.commune_a, "tiktok", "xathu")


def _summary(batch: ImportBatch) -> tuple[Any, ...]:
    return (batch.status, batch.format, batch.rows_read, batch.accepted, batch.rejected)


def _post(client: Client, user: Any, name: str, data: bytes) -> Any:
    headers = {"Authorization": f"Bearer {_token(user)}"}
    return client.post("/api/imports", {"file": SimpleUploadedFile(name, data)}, headers=headers)


def test_api_takes_bantins_own_xlsx_template(world: Any, client: Client, settings: Any) -> None:
    _template_channels(world)
    response = _post(
        client, world.users_a["reporter"], TEMPLATE_XLSX.name, TEMPLATE_XLSX.read_bytes()
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["format"], body["accepted"], body["rejected"]) == ("bantin_template", 2, 1)
    assert Post.objects.count() == 2
    batch = ImportBatch.objects.get()
    assert _summary(batch) == ("done", "bantin_template", 3, 2, 1)
    assert Path(batch.original.path).read_bytes() == TEMPLATE_XLSX.read_bytes()
    # The upload's working copy is gone once the request is answered.
    assert not list((Path(settings.MEDIA_ROOT) / "ledger" / "pending").glob("*"))


@pytest.mark.parametrize("name", ["MAU NHAP LIEU.XLSX", "so-lieu", "so-lieu.dat"])
def test_the_file_type_comes_from_the_content_not_the_name(
    world: Any, client: Client, login: Any, name: str
) -> None:
    """The API and the web upload take the same .xlsx whatever it is called."""
    _template_channels(world)
    response = _post(client, world.users_a["reporter"], name, TEMPLATE_XLSX.read_bytes())
    assert response.status_code == 201, response.content
    assert response.json()["accepted"] == 2
    # The web upload reads it too: the same file, recognised as already imported.
    web = login(world.users_a["reporter"])
    web.post("/ledger/imports/new/", {"file": SimpleUploadedFile(name, TEMPLATE_XLSX.read_bytes())})
    batch = ImportBatch.objects.exclude(pk=response.json()["batch"]).get()
    assert (batch.status, batch.format) == ("duplicate", "bantin_template")
    assert batch.duplicate_of_id == response.json()["batch"]


# --------------------------------------------------------------------------- finding 9

TIKTOK = SHARED / "tiktok_content.csv"


def test_a_file_imported_while_this_one_waited_is_answered_as_a_duplicate(
    world: Any, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The race made deterministic: the same file is imported in full between this import's
    duplicate check and its write (both databases)."""
    from ledger.ingest import imports

    make_channel(world.commune_a, "tiktok", "xacoto.official")
    reporter = world.users_a["reporter"]
    original = imports.ingest_rows
    first: list[Any] = []

    def overtaken(**kwargs: Any) -> Any:
        if not first:
            first.append(None)
            first[0] = _post(Client(), reporter, TIKTOK.name, TIKTOK.read_bytes())
        return original(**kwargs)

    monkeypatch.setattr(imports, "ingest_rows", overtaken)
    response = _post(client, reporter, TIKTOK.name, TIKTOK.read_bytes())
    assert first[0].status_code == 201
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["duplicate"] is True and body["batch"] == first[0].json()["batch"]
    assert ImportBatch.objects.get().status == "done" and Post.objects.count() == 5


def test_the_same_posts_sent_twice_at_once_are_one_batch(
    world: Any, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ledger.ingest import imports

    channel = make_channel(world.commune_a, "tiktok", "xacoto.official")
    reporter = world.users_a["reporter"]
    headers = {"Authorization": f"Bearer {_token(reporter)}"}
    payload = {"channel": channel.pk, "posts": [{"post_id": "1", "content_type": "video"}]}
    original = imports.ingest_rows
    first: list[Any] = []

    def overtaken(**kwargs: Any) -> Any:
        if not first:
            first.append(None)
            first[0] = Client().post(
                "/api/posts", payload, content_type="application/json", headers=headers
            )
        return original(**kwargs)

    monkeypatch.setattr(imports, "ingest_rows", overtaken)
    response = client.post("/api/posts", payload, content_type="application/json", headers=headers)
    assert first[0].status_code == 201
    assert response.status_code == 200 and response.json()["duplicate"] is True
    assert ImportBatch.objects.count() == 1


@pytest.mark.skipif("connection.vendor != 'postgresql'")
@pytest.mark.django_db(transaction=True)
def test_three_identical_api_imports_at_once(world: Any) -> None:
    """Three requests past the duplicate check together (a barrier), then racing for the
    channel: one imports, the others answer with its batch, none fails."""
    from ledger.ingest import imports

    make_channel(world.commune_a, "tiktok", "xacoto.official")
    token = _token(world.users_a["reporter"])
    data = TIKTOK.read_bytes()
    barrier = threading.Barrier(3, timeout=10)
    original = imports.ingest_rows
    answers: list[Any] = []

    def together(**kwargs: Any) -> Any:
        barrier.wait()
        return original(**kwargs)

    def send() -> None:
        try:
            answers.append(
                Client(raise_request_exception=False).post(
                    "/api/imports",
                    {"file": SimpleUploadedFile(TIKTOK.name, data)},
                    headers={"Authorization": f"Bearer {token}"},
                )
            )
        finally:
            connections.close_all()

    imports.ingest_rows = together  # type: ignore[assignment]
    try:
        threads = [threading.Thread(target=send) for _ in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
    finally:
        imports.ingest_rows = original  # type: ignore[assignment]
    assert sorted(a.status_code for a in answers) == [200, 200, 201], [a.content for a in answers]
    bodies = [json.loads(a.content) for a in answers]
    assert len({b["batch"] for b in bodies}) == 1
    assert sorted(b["duplicate"] for b in bodies) == [False, True, True]
    assert ImportBatch.objects.filter(status="done").count() == 1
    assert Post.objects.count() == 5


def test_the_same_original_stored_twice_at_once(
    tmp_path: Path, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A second request with the same file finishes its copy while the first is copying:
    both keep the one stored original (they once shared a temporary name and one failed)."""
    from ledger.ingest import imports

    settings.MEDIA_ROOT = str(tmp_path / "media")
    source = tmp_path / "export.csv"
    source.write_bytes(TIKTOK.read_bytes())
    sha = "ab" * 32
    copy = imports.shutil.copyfile
    calls: list[str] = []

    def copy_with_a_rival(src: Any, dst: Any) -> Any:
        result = copy(src, dst)
        calls.append(str(dst))
        if len(calls) == 1:
            assert imports.store_original(source, sha, "export.csv") != ""
        return result

    monkeypatch.setattr(imports.shutil, "copyfile", copy_with_a_rival)
    stored = imports.store_original(source, sha, "export.csv")
    assert len(calls) == 2
    target = Path(settings.MEDIA_ROOT) / stored
    assert target.read_bytes() == source.read_bytes()
    assert sorted(p.name for p in target.parent.iterdir()) == [target.name]
