"""An API token's owner lists and revokes it in the app, audited (issue 18, finding 11)."""

from __future__ import annotations

from typing import Any

from django.test import Client

from accounts.services import api_token_create
from core.models import AuditEvent


def test_the_owner_lists_and_revokes_a_token(world: Any) -> None:
    editor = world.users_a["editor"]
    token, key = api_token_create(user=editor, name="máy chủ thống kê")
    other, _other_key = api_token_create(user=world.users_b["editor"], name="của xã B")
    client = Client()
    client.force_login(editor)
    page = client.get("/accounts/tokens/").content.decode()
    assert "máy chủ thống kê" in page and token.prefix in page
    assert "của xã B" not in page and key not in page  # never the key itself
    assert "/accounts/tokens/" in client.get("/security/").content.decode()  # linked

    response = client.post(f"/accounts/tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    event = AuditEvent.objects.get(action="api_token.revoke")
    assert event.actor_id == editor.pk
    api = Client(headers={"Authorization": f"Bearer {key}"})
    assert api.get("/api/registry/channels").status_code == 401

    # Another user's token: not found, untouched, even for an administrator.
    admin = Client()
    admin.force_login(world.users_b["administrator"])
    assert admin.post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 404
    assert client.post(f"/accounts/tokens/{other.pk}/revoke/").status_code == 404
    other.refresh_from_db()
    assert other.revoked_at is None
