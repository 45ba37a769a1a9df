"""Two-factor: required for administrators (when the setting is on), optional for others,
with recovery codes that work once."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django_otp import devices_for_user
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.models import AuditEvent


def code_for(device: TOTPDevice, drift: int = 0) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, drift):06d}"


@pytest.fixture
def admins_must_verify(settings: Any) -> None:
    settings.BANTIN_REQUIRE_2FA_FOR_ADMINS = True


def _set_up(client: Client, user: Any) -> tuple[TOTPDevice, list[str]]:
    page = client.get("/security/2fa/setup/")
    assert page.status_code == 200
    html = page.content.decode()
    assert '<svg class="qr" role="img"' in html  # the QR code is inline SVG, made here
    assert "<script" not in html.split("<main", 1)[1].split("</main>", 1)[0]
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post("/security/2fa/setup/", {"otp_token": code_for(device)})
    assert response.status_code == 200
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", response.content.decode())
    assert len(codes) == 10
    device.refresh_from_db()
    assert device.confirmed
    return device, codes


@pytest.mark.usefixtures("admins_must_verify")
def test_an_administrator_must_set_up_two_factor_before_anything_else(world: Any) -> None:
    admin = world.users_a["administrator"]
    client = Client()
    client.force_login(admin)
    for path in ("/", "/accounts/users/", "/units/07192/", "/security/audit/", "/admin/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/security/2fa/setup/?next="), path
    # Session-authenticated API calls are refused too (machine tokens are not sessions).
    assert client.get("/api/me").status_code == 403
    # Logging out and switching language still work.
    assert client.post("/i18n/setlang/", {"language": "vi"}).status_code == 302

    _set_up(client, admin)
    assert client.get("/accounts/users/").status_code == 200
    assert AuditEvent.objects.filter(action="security.2fa_enable", actor=admin).exists()


@pytest.mark.usefixtures("admins_must_verify")
def test_next_time_the_administrator_verifies_with_a_code(world: Any) -> None:
    admin = world.users_a["administrator"]
    first = Client()
    first.force_login(admin)
    device, codes = _set_up(first, admin)

    client = Client()
    client.force_login(admin)
    response = client.get("/accounts/users/")
    assert response["Location"] == "/security/2fa/verify/?next=%2Faccounts%2Fusers%2F"
    # A wrong code is refused, and django-otp then throttles the device: even the right
    # code is refused until the delay has passed.
    response = client.post("/security/2fa/verify/", {"otp_token": "000000"})
    assert response.status_code == 200 and "Mã không đúng" in response.content.decode()
    assert client.get("/accounts/users/").status_code == 302
    good = code_for(device, drift=1)
    assert client.post("/security/2fa/verify/", {"otp_token": good}).status_code == 200
    device.refresh_from_db()
    device.throttle_reset()  # as if the delay had passed
    response = client.post(
        "/security/2fa/verify/?next=/accounts/users/",
        {"otp_token": good, "next": "/accounts/users/"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/users/"
    assert client.get("/accounts/users/").status_code == 200
    # The same code cannot be replayed in another session.
    thief = Client()
    thief.force_login(admin)
    assert thief.post("/security/2fa/verify/", {"otp_token": good}).status_code == 200
    assert thief.get("/accounts/users/").status_code == 302
    # An open redirect is not followed.
    other = Client()
    other.force_login(admin)
    for d in devices_for_user(admin):
        d.throttle_reset()  # the thief's failure slowed down every device
    response = other.post(
        "/security/2fa/verify/",
        {"otp_token": codes[0], "next": "https://evil.example/"},
    )
    assert response["Location"] == "/"


@pytest.mark.usefixtures("admins_must_verify")
def test_a_recovery_code_works_once(world: Any) -> None:
    admin = world.province_users["administrator"]
    setup_client = Client()
    setup_client.force_login(admin)
    _device, codes = _set_up(setup_client, admin)

    lost_phone = Client()
    lost_phone.force_login(admin)
    response = lost_phone.post("/security/2fa/verify/", {"otp_token": codes[3].upper()})
    assert response.status_code == 302
    assert lost_phone.get("/accounts/users/").status_code == 200
    assert StaticToken.objects.filter(device__user=admin).count() == 9
    assert AuditEvent.objects.filter(action="security.recovery_code_used").count() == 1

    again = Client()
    again.force_login(admin)
    response = again.post("/security/2fa/verify/", {"otp_token": codes[3]})
    assert response.status_code == 200  # used up
    assert again.get("/accounts/users/").status_code == 302

    # New codes replace the old ones.
    response = lost_phone.post("/security/2fa/recovery-codes/")
    new_codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", response.content.decode())
    assert len(new_codes) == 10 and not set(new_codes) & set(codes)
    assert StaticToken.objects.filter(device__user=admin).count() == 10


@pytest.mark.usefixtures("admins_must_verify")
def test_two_factor_is_optional_for_others_but_enforced_once_enabled(world: Any) -> None:
    editor = world.users_a["editor"]
    client = Client()
    client.force_login(editor)
    assert client.get("/units/07192/").status_code == 200  # not required
    _device, codes = _set_up(client, editor)

    later = Client()
    later.force_login(editor)
    assert later.get("/units/07192/").status_code == 302  # has a device: must verify
    later.post("/security/2fa/verify/", {"otp_token": codes[0]})
    assert later.get("/units/07192/").status_code == 200
    # An editor may turn it off (a verified session only); an administrator may not.
    assert later.post("/security/2fa/disable/").status_code == 302
    assert not TOTPDevice.objects.filter(user=editor).exists()
    assert AuditEvent.objects.filter(action="security.2fa_disable", actor=editor).exists()
    assert Client().get("/security/2fa/disable/").status_code == 302  # anonymous: login


@pytest.mark.usefixtures("admins_must_verify")
def test_an_administrator_cannot_turn_two_factor_off(world: Any) -> None:
    admin = world.users_a["administrator"]
    client = Client()
    client.force_login(admin)
    _set_up(client, admin)
    response = client.post("/security/2fa/disable/", follow=True)
    assert "bắt buộc" in response.content.decode()
    assert TOTPDevice.objects.filter(user=admin, confirmed=True).exists()


def test_unverified_sessions_cannot_make_recovery_codes(world: Any) -> None:
    editor = world.users_a["editor"]
    client = Client()
    client.force_login(editor)
    _set_up(client, editor)
    other = Client()
    other.force_login(editor)
    assert other.post("/security/2fa/recovery-codes/").status_code == 302  # to verify
    assert StaticToken.objects.filter(device__user=editor).count() == 10


def test_a_wrong_setup_code_names_the_field(world: Any) -> None:
    client = Client()
    client.force_login(world.users_a["viewer"])
    client.get("/security/2fa/setup/")
    response = client.post("/security/2fa/setup/", {"otp_token": "12345x"})
    assert response.status_code == 200
    assert "Mã không đúng" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=world.users_a["viewer"], confirmed=True).exists()


def test_with_the_setting_off_administrators_are_not_stopped(settings: Any, world: Any) -> None:
    settings.BANTIN_REQUIRE_2FA_FOR_ADMINS = False
    client = Client()
    client.force_login(world.users_a["administrator"])
    assert client.get("/accounts/users/").status_code == 200
