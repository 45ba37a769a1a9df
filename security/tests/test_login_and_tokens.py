"""Login and tokens, round two (issue 18, finding 11): X-Forwarded-For only from trusted
proxies, a username locked after failures from many addresses, API tokens of
administrators only with two-factor, password reset throttled."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.test import Client, RequestFactory

from conftest import PASSWORD
from security.middleware import ProxiedClientIPMiddleware
from security.ratelimit import client_ip

WRONG = "not-the-password"


def _seen(remote: str, forwarded: str) -> str:
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    seen: list[str] = []

    def view(r: Any) -> HttpResponse:
        seen.append(client_ip(r))
        return HttpResponse()

    ProxiedClientIPMiddleware(view)(request)
    return seen[0]


def test_forwarded_for_is_believed_only_from_a_trusted_proxy(settings: Any) -> None:
    settings.BANTIN_BEHIND_PROXY = True  # what the production profile used to say
    settings.BANTIN_TRUSTED_PROXIES = ["127.0.0.1", "::1", "10.0.0.0/8", "unix"]
    # Straight to gunicorn from the internet: the header is the attacker's, ignored.
    assert _seen("203.0.113.9", "198.51.100.1") == "203.0.113.9"
    # Through nginx (loopback or its Unix socket): the address nginx appended.
    assert _seen("127.0.0.1", "6.6.6.6, 198.51.100.7") == "198.51.100.7"
    assert _seen("", "198.51.100.7") == "198.51.100.7"
    # A load balancer in the trusted network before nginx: skipped, the client is left of it.
    assert _seen("127.0.0.1", "6.6.6.6, 198.51.100.7, 10.1.2.3") == "198.51.100.7"
    assert _seen("127.0.0.1", "6.6.6.6, nonsense, 10.1.2.3") == "10.1.2.3"


def test_no_proxy_is_trusted_by_default(settings: Any) -> None:
    settings.BANTIN_BEHIND_PROXY = True
    if hasattr(settings, "BANTIN_TRUSTED_PROXIES"):
        del settings.BANTIN_TRUSTED_PROXIES
    assert _seen("127.0.0.1", "198.51.100.7") == "127.0.0.1"


def test_a_rotated_header_does_not_escape_the_lockout(world: Any, settings: Any) -> None:
    """The probe: 30 guesses with a new X-Forwarded-For each, straight to gunicorn."""
    settings.BANTIN_BEHIND_PROXY = True
    settings.BANTIN_TRUSTED_PROXIES = ["127.0.0.1", "::1", "unix"]
    attacker = Client()
    codes = [
        attacker.post(
            "/accounts/login/",
            {"username": "a_editor", "password": WRONG},
            REMOTE_ADDR="203.0.113.66",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        ).status_code
        for n in range(8)
    ]
    assert codes[:4] == [200] * 4 and set(codes[4:]) == {429}


def test_an_administrator_token_needs_two_factor(world: Any, settings: Any) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.services import api_token_create

    settings.BANTIN_REQUIRE_2FA_FOR_ADMINS = True
    admin = world.users_a["administrator"]
    with pytest.raises(ValidationError, match="hai bước"):
        api_token_create(user=admin, name="máy chủ")
    assert api_token_create(user=world.users_a["editor"])  # other roles: as before
    device = TOTPDevice.objects.create(user=admin, name="totp", confirmed=True)
    _token, key = api_token_create(user=admin, name="máy chủ")
    api = Client(headers={"Authorization": f"Bearer {key}"})
    assert api.get("/api/registry/channels").status_code == 200
    device.delete()  # two-factor turned off later: the token stops working
    assert api.get("/api/registry/channels").status_code == 401


def test_password_reset_is_throttled_per_address_and_per_email(world: Any) -> None:
    user = world.users_a["editor"]
    user.email = "bien.tap@example.gov.vn"
    user.save(update_fields=["email"])
    flood = Client()
    codes = [
        flood.post(
            "/accounts/password_reset/", {"email": user.email}, REMOTE_ADDR=f"198.51.100.{n}"
        ).status_code
        for n in range(6)
    ]
    # Every answer looks the same (no hint whether the address has an account) ...
    assert codes == [302] * 6
    # ... but one inbox gets at most 3 mails an hour, whoever asks.
    assert len(mail.outbox) == 3
    mail.outbox.clear()
    codes = [
        flood.post(
            "/accounts/password_reset/", {"email": f"x{n}@example.org"}, REMOTE_ADDR="203.0.113.5"
        ).status_code
        for n in range(12)
    ]
    assert codes == [302] * 10 + [429] * 2  # one address: 10 requests an hour
    assert (
        flood.post(
            "/accounts/password_reset/", {"email": user.email}, REMOTE_ADDR="203.0.113.5"
        ).status_code
        == 429
    )
    assert mail.outbox == []


def test_a_username_is_locked_after_failures_from_many_addresses(world: Any, settings: Any) -> None:
    from core.models import AuditEvent

    settings.BANTIN_LOGIN_USER_FAILURE_RATE = "20/h"
    spray = Client()

    def attempt(password: str, n: int) -> int:
        return spray.post(
            "/accounts/login/",
            {"username": "a_editor", "password": password},
            REMOTE_ADDR=f"198.51.{n // 250}.{n % 250 + 1}",
        ).status_code

    # Four failures per address never trip axes' per-address lock (5) ...
    assert [attempt(WRONG, n // 4) for n in range(20)] == [200] * 20
    # ... but the name is now locked from everywhere, the right password included.
    assert attempt(WRONG, 900) == 429
    assert attempt(PASSWORD, 901) == 429
    event = AuditEvent.objects.get(action="security.lockout")
    assert event.after == {"username": "a_editor", "ip": "*"}
    # Another user is not concerned.
    assert (
        spray.post(
            "/accounts/login/",
            {"username": "a_viewer", "password": PASSWORD},
            REMOTE_ADDR="192.0.2.1",
        ).status_code
        == 302
    )
