"""Issue 18, finding 2: removing or adding a file is an edit for the two-person rule."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from hub import services
from hub.models import Item
from hub.tests.factories import jpeg_bytes, make_item, upload


def test_an_editor_who_deletes_a_file_cannot_approve_alone(world: Any) -> None:
    author, second = world.province_users["editor"], world.province_users["administrator"]
    item = make_item(
        world.province, author, attachments=[upload("ke-hoach.jpg", jpeg_bytes((40, 30)))]
    )
    attachment = item.attachments.get()
    b = Client()
    b.force_login(second)
    b.post(f"/hub/items/{item.pk}/files/{attachment.pk}/delete/")
    assert not item.attachments.exists()
    b.post(f"/hub/items/{item.pk}/approve/")
    item.refresh_from_db()
    assert item.status == Item.Status.DRAFT
    with pytest.raises(PermissionDenied):
        services.item_approve(acting_user=second, item=item)


def test_an_editor_who_adds_a_file_cannot_approve_alone(world: Any) -> None:
    author, second = world.province_users["editor"], world.province_users["administrator"]
    item = make_item(world.province, author)
    services.item_update(
        acting_user=second,
        item=item,
        title=item.title,
        summary=item.summary,
        body=item.body,
        kind=item.kind,
        publish_start=item.publish_start,
        attachments=[upload("them.jpg", jpeg_bytes((40, 30)))],
    )
    with pytest.raises(PermissionDenied):
        services.item_approve(acting_user=second, item=item)
