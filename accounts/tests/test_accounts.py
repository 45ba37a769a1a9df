from __future__ import annotations

import re
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import CommandError, call_command

from accounts.models import ApiToken, Membership
from conftest import PASSWORD
from core.models import AuditEvent

User = get_user_model()


def test_create_user_command_gives_a_role_in_a_unit(world: Any) -> None:
    out = StringIO()
    call_command(
        "create_user",
        "--username",
        "chief",
        "--unit",
        "22",
        "--role",
        "administrator",
        "--password",
        "Chief-password-2026",
        stdout=out,
    )
    membership = Membership.objects.get(user__username="chief")
    assert membership.unit == world.province
    assert membership.role == "administrator"
    assert AuditEvent.objects.filter(action="user.create", object_repr__contains="chief").exists()
    with pytest.raises(CommandError, match="no unit"):
        call_command("create_user", "--username", "x", "--unit", "99999", "--role", "viewer")
    with pytest.raises(CommandError, match="đã có"):
        call_command("create_user", "--username", "chief", "--unit", "22", "--role", "viewer")


def test_login_logout_and_password_change(world: Any, client: Any) -> None:
    response = client.post(
        "/accounts/login/", {"username": "a_editor", "password": PASSWORD}, follow=True
    )
    assert response.status_code == 200
    assert "Đặc khu Cô Tô" in response.content.decode()
    response = client.post(
        "/accounts/password_change/",
        {
            "old_password": PASSWORD,
            "new_password1": "Another-pass-2026",
            "new_password2": "Another-pass-2026",
        },
    )
    assert response.status_code == 302
    client.post("/accounts/logout/")
    assert client.get("/units/07192/").status_code == 302
    assert client.login(username="a_editor", password="Another-pass-2026")


def test_password_reset_sends_a_link_by_console_email(world: Any, client: Any) -> None:
    user = world.users_a["viewer"]
    user.email = "viewer@example.org"
    user.save()
    client.post("/accounts/password_reset/", {"email": "viewer@example.org"})
    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/accounts/reset/\S+/", str(mail.outbox[0].body))
    assert link
    response = client.get(link.group(0), follow=True)
    assert response.status_code == 200
    url = response.redirect_chain[-1][0]
    response = client.post(
        url, {"new_password1": "Reset-pass-2026!", "new_password2": "Reset-pass-2026!"}
    )
    assert response.status_code == 302
    assert client.login(username="a_viewer", password="Reset-pass-2026!")


def test_administrator_invites_in_their_subtree_only(
    world: Any, client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(world.province_users["administrator"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/accounts/users/invite/",
            {
                "username": "newcomer",
                "email": "new@example.org",
                "unit": "07192",
                "role": "reporter",
            },
        )
    assert response.status_code == 302
    membership = Membership.objects.get(user__username="newcomer")
    assert (membership.unit, membership.role) == (world.commune_a, "reporter")
    assert not membership.user.has_usable_password()
    assert "new@example.org" in mail.outbox[0].to
    assert "/accounts/reset/" in mail.outbox[0].body

    client.force_login(world.users_a["administrator"])
    response = client.post(
        "/accounts/users/invite/",
        {"username": "intruder", "email": "i@example.org", "unit": "06688", "role": "viewer"},
    )
    assert response.status_code == 200
    assert not User.objects.filter(username="intruder").exists()
    page = client.get("/accounts/users/").content.decode()
    assert "a_viewer" in page
    assert "b_viewer" not in page
    assert "p_viewer" not in page


def test_api_token_sees_exactly_what_its_user_sees(world: Any, client: Any) -> None:
    out = StringIO()
    call_command("create_api_token", "--username", "a_viewer", stdout=out)
    key = out.getvalue().strip()
    assert key.startswith("bt_")
    assert not ApiToken.objects.filter(key_hash=key).exists()  # stored hashed
    headers = {"Authorization": f"Bearer {key}"}
    me = client.get("/api/me", headers=headers).json()
    assert me == {
        "username": "a_viewer",
        "unit": {"code": "07192", "name": "Đặc khu Cô Tô"},
        "role": "viewer",
    }
    codes = [u["code"] for u in client.get("/api/units", headers=headers).json()]
    assert codes == ["07192"]
    assert client.get("/api/units/06688", headers=headers).status_code == 404
    assert client.get("/api/units", headers={"Authorization": "Bearer bt_wrong"}).status_code == 401
    assert ApiToken.objects.get(user__username="a_viewer").last_used_at is not None


def test_revoked_token_is_refused(world: Any, client: Any) -> None:
    from accounts.services import api_token_create, api_token_revoke

    token, key = api_token_create(user=world.users_a["editor"])
    api_token_revoke(acting_user=world.users_a["editor"], token=token)
    assert client.get("/api/me", headers={"Authorization": f"Bearer {key}"}).status_code == 401
