"""Look-alikes are caught at the door: registering or verifying a channel that resembles
another unit's channel, or a verified channel of the same unit, needs a reason."""

from __future__ import annotations

import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from accounts.services import api_token_create
from core.models import AuditEvent
from registry.models import Channel, LookalikeAcknowledgement
from registry.tests.factories import make_channel


@pytest.fixture
def coto(world: Any) -> Any:
    world.cache["fb"] = make_channel(
        world.commune_a,
        "https://www.facebook.com/ubndcoto",
        name="UBND đặc khu Cô Tô",
        verified=True,
    )
    return world


def test_command_refuses_a_lookalike_naming_it_and_takes_an_acknowledgement(coto: Any) -> None:
    with pytest.raises(CommandError) as refused:
        call_command("register_channel", "--unit", "07192", "m.facebook.com/ubndcot0?mibextid=x")
    assert "https://www.facebook.com/ubndcoto" in str(refused.value)
    assert not Channel.objects.filter(identifier="ubndcot0").exists()

    out = StringIO()
    call_command(
        "register_channel",
        "--unit",
        "07192",
        "m.facebook.com/ubndcot0?mibextid=x",
        "--acknowledge-lookalike",
        "Trang cũ của đặc khu, đã gọi điện xác nhận",
        stdout=out,
    )
    assert json.loads(out.getvalue())["status"] == "pending"
    ack = LookalikeAcknowledgement.objects.get()
    assert ack.reason == "Trang cũ của đặc khu, đã gọi điện xác nhận"
    assert [s["identifier"] for s in ack.similar] == ["ubndcoto"]
    event = AuditEvent.objects.get(action="channel.acknowledge_lookalike")
    assert event.unit_path == coto.commune_a.path
    assert (event.after or {})["reason"] == ack.reason
    # while pending, the public check keeps the warning
    body = Client().get("/api/registry/lookup", {"q": "facebook.com/ubndcot0"}).json()
    assert body["status"] == "pending"
    assert [s["channel"]["identifier"] for s in body["lookalike_of"]] == ["ubndcoto"]


@pytest.mark.parametrize(
    ("unit", "url"),
    [
        ("commune_b", "facebook.com/ubnd.coto"),  # another unit: dots added
        ("commune_b", "tiktok.com/@ubndcoto"),  # another unit: the same handle elsewhere
        ("commune_a", "facebook.com/ubnd.co.to"),  # the same unit, a verified channel
        ("department", "facebook.com/ubndc0t0"),
    ],
)
def test_lookalikes_need_a_reason(coto: Any, unit: str, url: str) -> None:
    from django.core.exceptions import ValidationError

    from registry import services

    with pytest.raises(ValidationError) as refused:
        services.channel_register(acting_user=None, unit=getattr(coto, unit), url=url)
    assert "ubndcoto" in str(refused.value)


def test_a_units_other_platform_with_the_same_name_is_no_lookalike(coto: Any) -> None:
    channel = make_channel(
        coto.commune_a, "https://www.youtube.com/@cototv", name="UBND đặc khu Cô Tô"
    )
    assert channel.status == "pending" and not LookalikeAcknowledgement.objects.exists()


def test_register_page_shows_the_similar_channel_side_by_side(coto: Any, login: Any) -> None:
    client = login(coto.users_b["editor"])
    data = {"unit": "06688", "url": "facebook.com/ubnd.coto", "display_name": "UBND Cô Tô"}
    refused = client.post("/registry/register/", data)
    html = refused.content.decode()
    assert refused.status_code == 200
    assert "Kênh này giống kênh đã có trong danh bạ" in html
    assert "https://www.facebook.com/ubnd.coto" in html  # this one ...
    assert 'href="https://www.facebook.com/ubndcoto"' in html  # ... beside the similar one
    assert "Đặc khu Cô Tô" in html and "Lý do vẫn tiếp tục" in html
    assert not Channel.objects.filter(identifier="ubnd.coto").exists()

    done = client.post("/registry/register/", {**data, "acknowledge_lookalike": "Trùng tên"})
    channel = Channel.objects.get(identifier="ubnd.coto")
    assert done.status_code == 302
    detail = client.get(f"/registry/{channel.pk}/").content.decode()
    assert "Xác nhận kênh gần giống" in detail and "Trùng tên" in detail


def test_verifying_a_lookalike_needs_its_own_reason(coto: Any, login: Any) -> None:
    from registry import services

    channel = services.channel_register(
        acting_user=None,
        unit=coto.commune_b,
        url="facebook.com/ubnd.coto",
        acknowledge_lookalike="Trùng tên",
    )
    admin = login(coto.users_b["administrator"])
    page = admin.get(f"/registry/{channel.pk}/").content.decode()
    assert "Kênh gần giống" in page and 'href="https://www.facebook.com/ubndcoto"' in page
    refused = admin.post(f"/registry/{channel.pk}/verify/", {"method": "Công văn 7"})
    assert refused.status_code == 400
    channel.refresh_from_db()
    assert channel.status == "pending"
    admin.post(
        f"/registry/{channel.pk}/verify/",
        {"method": "Công văn 7", "acknowledge_lookalike": "Đã đối chiếu với quản trị trang"},
    )
    channel.refresh_from_db()
    assert channel.status == "verified"
    steps = list(channel.lookalike_acknowledgements.values_list("step", "reason"))
    assert steps == [("register", "Trùng tên"), ("verify", "Đã đối chiếu với quản trị trang")]


def test_api_refuses_a_lookalike_with_400_and_takes_the_reason(coto: Any) -> None:
    headers = {"Authorization": f"Bearer {api_token_create(user=coto.users_b['editor'])[1]}"}
    client = Client()
    payload = {"unit": "06688", "url": "facebook.com/ubnd.coto"}
    refused = client.post(
        "/api/registry/channels", payload, content_type="application/json", headers=headers
    )
    assert refused.status_code == 400
    assert "ubndcoto" in refused.json()["detail"]["acknowledge_lookalike"][0]
    created = client.post(
        "/api/registry/channels",
        {**payload, "acknowledge_lookalike": "Trùng tên"},
        content_type="application/json",
        headers=headers,
    )
    assert created.status_code == 201
