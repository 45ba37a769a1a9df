"""Login throttling as an attacker tries it, the administrator's unlock, sessions."""

from __future__ import annotations

from typing import Any

import pytest
from axes.models import AccessAttempt
from django.test import Client

from conftest import PASSWORD
from core.models import AuditEvent

WRONG = "not-the-password"


def _attempt(client: Client, username: str, password: str, ip: str = "203.0.113.7") -> Any:
    return client.post(
        "/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def test_six_wrong_passwords_lock_out_even_the_right_one(world: Any) -> None:
    attacker = Client()
    for _i in range(4):
        response = _attempt(attacker, "a_editor", WRONG)
        assert response.status_code == 200  # the form again, with an error
        assert "_auth_user_id" not in attacker.session
    for _i in range(2):  # the 5th failure locks; the 6th is refused the same way
        response = _attempt(attacker, "a_editor", WRONG)
        assert response.status_code == 429
    assert "Tạm khóa đăng nhập" in response.content.decode()
    # Now even the right password is refused from that address.
    response = _attempt(attacker, "a_editor", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in attacker.session
    assert attacker.get("/units/07192/").status_code == 302  # not signed in
    # The lockout is in the audit trail, under the user's unit.
    event = AuditEvent.objects.get(action="security.lockout")
    assert event.after == {"username": "a_editor", "ip": "203.0.113.7"}
    assert event.unit_path == world.commune_a.path
    # The real user, from another address, still gets in (per user and address).
    office = Client()
    response = _attempt(office, "a_editor", PASSWORD, ip="198.51.100.20")
    assert response.status_code == 302
    assert office.session["_auth_user_id"] == str(world.users_a["editor"].pk)


def test_failures_below_the_limit_are_forgotten_after_a_success(world: Any) -> None:
    client = Client()
    for _i in range(4):
        _attempt(client, "a_viewer", WRONG)
    assert _attempt(client, "a_viewer", PASSWORD).status_code == 302
    assert not AccessAttempt.objects.filter(username="a_viewer").exists()


def _lock(username: str, ip: str = "203.0.113.9") -> None:
    attacker = Client()
    for _i in range(6):
        _attempt(attacker, username, WRONG, ip=ip)
    assert _attempt(attacker, username, PASSWORD, ip=ip).status_code == 429


def test_an_administrator_of_the_unit_unlocks_and_it_is_audited(world: Any) -> None:
    _lock("a_reporter")
    _lock("b_reporter")
    admin = Client()
    admin.force_login(world.users_a["administrator"])
    page = admin.get("/security/lockouts/").content.decode()
    assert "a_reporter" in page
    assert "Đang khóa" in page
    assert "b_reporter" not in page  # another commune's user
    # Commune A's administrator cannot unlock commune B's user.
    assert admin.post("/security/lockouts/unlock/", {"username": "b_reporter"}).status_code == 404
    assert AccessAttempt.objects.filter(username="b_reporter").exists()
    # Below administrator: refused.
    editor = Client()
    editor.force_login(world.users_a["editor"])
    response = editor.post("/security/lockouts/unlock/", {"username": "a_reporter"})
    assert response.status_code == 403
    # The administrator unlocks their own user.
    response = admin.post(
        "/security/lockouts/unlock/", {"username": "a_reporter"}, REMOTE_ADDR="192.0.2.44"
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username="a_reporter").exists()
    event = AuditEvent.objects.get(action="security.unlock")
    assert event.actor == world.users_a["administrator"]
    assert event.ip == "192.0.2.44"
    assert event.before is not None and event.before["failures"] >= 5
    assert event.after == {"username": "a_reporter", "cleared": 1}
    assert _attempt(Client(), "a_reporter", PASSWORD, ip="203.0.113.9").status_code == 302
    # The province's administrator may unlock commune B's user (their subtree).
    province = Client()
    province.force_login(world.province_users["administrator"])
    assert (
        province.post("/security/lockouts/unlock/", {"username": "b_reporter"}).status_code == 302
    )
    assert not AccessAttempt.objects.filter(username="b_reporter").exists()


def test_changing_the_password_ends_the_other_sessions(world: Any) -> None:
    laptop, phone = Client(), Client()
    for c in (laptop, phone):
        assert _attempt(c, "a_editor", PASSWORD, ip="198.51.100.1").status_code == 302
        assert c.get("/units/07192/").status_code == 200
    response = laptop.post(
        "/accounts/password_change/",
        {
            "old_password": PASSWORD,
            "new_password1": "Brand-new-pass-2026",
            "new_password2": "Brand-new-pass-2026",
        },
    )
    assert response.status_code == 302
    assert laptop.get("/units/07192/").status_code == 200  # this session goes on
    response = phone.get("/units/07192/")  # the other one is over
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_sessions_expire_after_inactivity(settings: Any, world: Any) -> None:
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    assert settings.SESSION_COOKIE_AGE == 8 * 60 * 60
    client = Client()
    client.force_login(world.users_a["viewer"])
    response = client.get("/units/07192/")
    assert response.cookies["sessionid"]["max-age"] == 8 * 60 * 60  # renewed on each request
    session = client.session
    session.set_expiry(-1)  # as if 8 idle hours had passed
    session.save()
    assert client.get("/units/07192/").status_code == 302


@pytest.mark.parametrize("path", ["/accounts/login/", "/admin/login/"])
def test_both_login_forms_are_throttled(world: Any, path: str) -> None:
    attacker = Client()
    for _i in range(5):
        attacker.post(path, {"username": "p_administrator", "password": WRONG})
    response = attacker.post(path, {"username": "p_administrator", "password": PASSWORD})
    assert response.status_code == 429
