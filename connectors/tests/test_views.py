"""Connecting through the UI: the OAuth dance against the fake authorization servers, the
account check, the health page, disconnecting, and commune A against commune B."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from conftest import PASSWORD
from connectors import crypto
from connectors.models import Connection
from connectors.tests.conftest import CHANNELS, PLATFORMS
from connectors.tests.factories import SECRET_TOKENS, connected_of
from registry.tests.factories import make_channel

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    c = Client()
    assert c.login(username=user.username, password=PASSWORD)
    return c


def _register(unit: Any, platform: str, n: int) -> tuple[Any, str, str]:
    url, account_id, handle = (p.format(n=n) for p in CHANNELS[platform])
    return make_channel(unit, url, name=f"Kênh {platform}", verified=True), account_id, handle


def _dance(client: Client, channel: Any) -> Any:
    """Press "connect", follow the fake consent screen back to Bantin's callback."""
    response = client.post(f"/connectors/{channel.pk}/connect/")
    assert response.status_code == 302
    consent = httpx.get(response["Location"], follow_redirects=False)
    assert consent.status_code == 302
    back = urlsplit(consent.headers["location"])
    assert back.path == "/connectors/callback/"
    return client.get(f"{back.path}?{back.query}", follow=True)


@pytest.mark.parametrize("platform", PLATFORMS)
def test_an_editor_connects_with_oauth_and_the_sync_then_works(
    world: Any, fakes: Any, platform: str
) -> None:
    from connectors import sync

    channel, account_id, handle = _register(world.commune_a, platform, 5)
    fakes.world.add_account(platform, account_id, name="UBND", handle=handle, posts=3)
    fakes.world.consent[platform] = [account_id]
    page = _dance(_client(world.users_a["editor"]), channel)
    text = page.content.decode()
    assert "Đã kết nối kênh" in text, text[text.find("<main") :][:1500]
    connection = Connection.objects.get(channel=channel)
    assert connection.status == "active" and connection.account_id == account_id
    assert connection.connected_by == world.users_a["editor"]
    assert sync.run(channels=[channel])[0].posts_created == 3


@pytest.mark.parametrize("platform", PLATFORMS)
def test_an_account_that_is_not_the_registered_channel_is_refused_naming_both(
    world: Any, fakes: Any, platform: str
) -> None:
    channel, _account_id, _handle = _register(world.commune_a, platform, 6)
    _o, other_id, other_handle = (p.format(n=7) for p in CHANNELS[platform])
    fakes.world.add_account(platform, other_id, name="Trang khác", handle=other_handle, posts=1)
    fakes.world.consent[platform] = [other_id]
    page = _dance(_client(world.users_a["editor"]), channel).content.decode()
    assert other_id in page and channel.url in page
    assert not Connection.objects.filter(channel=channel).exists()
    # The command line says the same and stores nothing.
    token, _ = fakes.world.issue(platform, [other_id], refresh=False)
    with pytest.raises(CommandError, match=other_id):
        call_command("connect_channel", "--channel", str(channel.pk), "--access-token", token)
    assert not Connection.objects.filter(channel=channel).exists()


def test_connect_channel_command_stores_a_checked_long_lived_token(
    world: Any, fakes: Any, capsys: Any
) -> None:
    # A Page registered by its vanity name; the Page's id is recorded on the channel.
    channel = make_channel(world.commune_a, "https://www.facebook.com/ubnd.test8", verified=True)
    account_id = "100008"
    fakes.world.add_account("facebook", account_id, handle="ubnd.test8", posts=1)
    person, _ = fakes.world.issue(
        "facebook", [account_id], expires_in=None, user=True, refresh=False
    )
    token = person
    call_command("connect_channel", "--channel", channel.url, "--access-token", token, "--json")
    out = capsys.readouterr().out
    assert account_id in out and token not in out
    connection = Connection.objects.get(channel=channel)
    # The Page's own token read with the person's token is what is kept (it does not expire).
    stored = crypto.decrypt(connection.access_token)
    assert stored != token and fakes.world.tokens[stored].accounts == [account_id]
    assert connection.access_expires_at is None
    channel.refresh_from_db()
    assert channel.external_id == account_id


def test_disconnect_revokes_at_the_platform(world: Any, fakes: Any) -> None:
    channel, account_id, _ = _register(world.commune_a, "tiktok", 9)
    fakes.world.add_account("tiktok", account_id, handle="ubndtest9", posts=1)
    fakes.world.consent["tiktok"] = [account_id]
    client = _client(world.users_a["editor"])
    _dance(client, channel)
    token = crypto.decrypt(Connection.objects.get(channel=channel).access_token)
    client.post(f"/connectors/{channel.pk}/disconnect/")
    connection = Connection.objects.get(channel=channel)
    assert connection.status == "disconnected" and connection.access_token == ""
    assert fakes.world.tokens[token].revoked


def test_health_page_says_who_scopes_last_error_and_expiry(world: Any) -> None:
    connection = connected_of(world, "a")
    connection.last_error = "Nền tảng báo lỗi"
    connection.scopes = "pages_read_engagement"
    connection.save()
    page = _client(world.users_a["viewer"]).get(f"/connectors/{connection.channel_id}/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "pages_read_engagement" in text and "Nền tảng báo lỗi" in text
    assert "không hết hạn" in text
    assert SECRET_TOKENS["a"] not in text


def test_without_credentials_connections_show_not_configured(world: Any) -> None:
    connection = connected_of(world, "a")
    page = _client(world.users_a["editor"]).get("/connectors/").content.decode()
    assert "chưa cấu hình" in page
    response = _client(world.users_a["editor"]).post(
        f"/connectors/{connection.channel_id}/connect/"
    )
    assert response.status_code == 302 and "/connectors/" in response["Location"]


def test_commune_a_cannot_see_use_or_disconnect_commune_b(world: Any) -> None:
    b = connected_of(world, "b")
    for role in ("administrator", "editor"):
        client = _client(world.users_a[role])
        assert client.get(f"/connectors/{b.channel_id}/").status_code == 404
        assert client.post(f"/connectors/{b.channel_id}/disconnect/").status_code == 404
        assert client.post(f"/connectors/{b.channel_id}/sync/").status_code == 404
        assert client.post(f"/connectors/{b.channel_id}/connect/").status_code == 404
        assert b.account_name not in client.get("/connectors/").content.decode()
    assert Connection.objects.get(pk=b.pk).status == "active"
    # The province above both sees it.
    assert (
        _client(world.province_users["viewer"]).get(f"/connectors/{b.channel_id}/").status_code
        == 200
    )


def test_a_reporter_cannot_connect_or_disconnect_own_unit(world: Any) -> None:
    a = connected_of(world, "a")
    client = _client(world.users_a["reporter"])
    assert client.post(f"/connectors/{a.channel_id}/disconnect/").status_code == 403
    assert Connection.objects.get(pk=a.pk).status == "active"
