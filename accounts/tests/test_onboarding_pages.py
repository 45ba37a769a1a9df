"""Invitation, password reset and change, and the error pages are Bantin's own pages."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client, RequestFactory
from django.utils import translation

from accounts.services import password_set_link

ADMIN_LOOK = ("Django", "/admin/", "Toggle theme", 'id="site-name"', "Trang quản trị")


def _brand(body: str) -> str:
    match = re.search(r'<a class="brand"[^>]*>([^<]*)</a>', body)
    assert match, "no Bantin header"
    return match.group(1)


def _assert_bantin_page(body: str) -> None:
    assert _brand(body) == "Bantin"
    assert 'class="main-nav"' in body
    for text in ADMIN_LOOK:
        assert text not in body, text


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/accounts/login/",
        "/accounts/password_reset/",
        "/accounts/password_reset/done/",
        "/accounts/reset/MQ/bad-token/",
        "/accounts/reset/done/",
    ],
)
def test_public_account_pages_are_bantin_pages(client: Client, url: str) -> None:
    response = client.get(url, follow=True)
    assert response.status_code == 200
    _assert_bantin_page(response.content.decode())


def test_invitation_link_opens_a_bantin_page(world: Any, client: Client) -> None:
    user = world.users_a["reporter"]
    link = password_set_link(user, base_url="http://testserver")
    response = client.get(link, follow=True)
    body = response.content.decode()
    _assert_bantin_page(body)
    assert "Đặt mật khẩu mới" in body
    assert 'type="password"' in body


def test_password_change_is_a_bantin_page(world: Any, client: Client) -> None:
    client.force_login(world.users_a["reporter"])
    for url in ("/accounts/password_change/", "/accounts/password_change/done/"):
        body = client.get(url).content.decode()
        _assert_bantin_page(body)


def test_reset_mail_is_bantin_wording(world: Any, client: Client) -> None:
    user = world.users_a["reporter"]
    user.email = "a@example.org"
    user.save(update_fields=["email"])
    client.post("/accounts/password_reset/", {"email": "a@example.org"})
    assert len(mail.outbox) == 1
    assert "Bantin" in mail.outbox[0].body and "Django" not in mail.outbox[0].body


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("lang", "heading"), [("vi", "Không tìm thấy trang"), ("en", "Page not found")]
)
def test_404_is_a_bantin_page_in_the_chosen_language(
    client: Client, lang: str, heading: str
) -> None:
    client.cookies["django_language"] = lang
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    body = response.content.decode()
    _assert_bantin_page(body)
    assert heading in body


def test_403_is_a_bantin_page(world: Any, client: Client) -> None:
    client.force_login(world.users_a["viewer"])
    response = client.get("/accounts/users/")
    assert response.status_code == 403
    body = response.content.decode()
    _assert_bantin_page(body)
    assert "Không có quyền truy cập" in body


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("lang", "heading"), [("vi", "Có lỗi xảy ra"), ("en", "Something went wrong")]
)
def test_500_is_a_bantin_page(lang: str, heading: str) -> None:
    from core import views as core_views

    request = RequestFactory().get("/")
    with translation.override(lang):
        body = core_views.server_error(request).content.decode()
    _assert_bantin_page(body)
    assert heading in body
