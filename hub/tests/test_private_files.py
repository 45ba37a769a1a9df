"""Issue 18, finding 3: uploads are never public files; views decide who gets them."""

from __future__ import annotations

import re
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client

from hub.models import Attachment
from hub.tests.factories import make_item, upload

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
ACCEL = "/_protected/media/"


def _name(attachment: Attachment) -> str:
    return attachment.file.name or ""


def _stem(attachment: Attachment) -> str:
    return _name(attachment).rsplit("/", 1)[-1].rsplit(".", 1)[0]


def test_stored_names_say_nothing_and_cannot_be_guessed(world: Any) -> None:
    item = make_item(
        world.province,
        world.province_users["editor"],
        attachments=[upload("ke-hoach-mat.pdf", PDF), upload("ke-hoach-mat.pdf", PDF)],
    )
    first, second = item.attachments.all()
    for attachment in (first, second):
        assert "ke-hoach" not in _name(attachment)
        assert re.fullmatch(r"hub/\d{4}/\d{2}/[A-Za-z0-9_-]{32}\.pdf", _name(attachment))
        assert attachment.original_name == "ke-hoach-mat.pdf"  # kept for the download
    assert _stem(first) != _stem(second)


def test_production_sends_files_through_nginx_internal_location(
    world: Any, settings: Any, client: Client
) -> None:
    settings.BANTIN_MEDIA_ACCEL_PREFIX = ACCEL
    published = make_item(
        world.province,
        world.province_users["editor"],
        world.province_users["administrator"],
        attachments=[upload("thong-bao.pdf", PDF)],
    )
    attachment = published.attachments.get()
    response = client.get(f"/p/noi-dung/{published.code}/tep/{attachment.pk}/")
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == ACCEL + _name(attachment)
    assert response.content == b""  # nginx sends the bytes, not Django
    assert 'filename="thong-bao.pdf"' in response["Content-Disposition"]
    assert response["Content-Disposition"].startswith("attachment")


def test_a_draft_file_is_refused_to_the_public_and_other_units(
    world: Any, settings: Any, client: Client
) -> None:
    settings.BANTIN_MEDIA_ACCEL_PREFIX = ACCEL
    draft = make_item(
        world.commune_a, world.users_a["editor"], attachments=[upload("ke-hoach-mat.pdf", PDF)]
    )
    attachment = draft.attachments.get()
    assert client.get(f"/p/noi-dung/{draft.code}/tep/{attachment.pk}/").status_code == 404
    client.force_login(world.users_b["administrator"])
    assert client.get(f"/hub/items/{draft.pk}/files/{attachment.pk}/").status_code == 404
    client.force_login(world.users_a["viewer"])
    response = client.get(f"/hub/items/{draft.pk}/files/{attachment.pk}/")
    assert response.status_code == 200 and response["X-Accel-Redirect"].startswith(ACCEL)


def test_the_demo_streams_the_file_itself(world: Any, client: Client) -> None:
    draft = make_item(world.commune_a, world.users_a["editor"], attachments=[upload("a.pdf", PDF)])
    attachment = draft.attachments.get()
    client.force_login(world.users_a["viewer"])
    response = client.get(f"/hub/items/{draft.pk}/files/{attachment.pk}/")
    assert b"".join(response.streaming_content) == PDF  # type: ignore[attr-defined]
    assert "X-Accel-Redirect" not in response


def test_files_stored_under_their_old_names_are_renamed(world: Any) -> None:
    item = make_item(world.province, world.province_users["editor"])
    old = default_storage.save("hub/2026/12/ke-hoach-mat.pdf", ContentFile(PDF))
    attachment = Attachment.objects.create(
        item=item,
        kind="pdf",
        file=old,
        original_name="ke-hoach-mat.pdf",
        content_type="application/pdf",
        size=len(PDF),
        sha256="0" * 64,
    )
    from hub.files import rename_guessable

    assert rename_guessable(Attachment) == 1
    attachment.refresh_from_db()
    assert re.fullmatch(r"hub/2026/12/[A-Za-z0-9_-]{32}\.pdf", _name(attachment))
    assert not default_storage.exists(old)
    assert default_storage.open(_name(attachment)).read() == PDF
    assert rename_guessable(Attachment) == 0  # idempotent
