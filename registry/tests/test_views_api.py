from __future__ import annotations

import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from accounts.services import api_token_create
from registry.models import Channel
from registry.tests.factories import make_channel


def _token(user: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {api_token_create(user=user)[1]}"}


def test_register_form_verify_and_retire_pages(world: Any, login: Any) -> None:
    client = login(world.users_a["editor"])
    page = client.get("/registry/register/")
    assert page.status_code == 200 and "Đặc khu Cô Tô" in page.content.decode()
    assert "Phường Hạ Long" not in page.content.decode()
    response = client.post(
        "/registry/register/",
        {"unit": "07192", "url": "facebook.com/groups/1", "display_name": ""},
    )
    assert response.status_code == 200 and "nhóm" in response.content.decode()
    response = client.post(
        "/registry/register/",
        {"unit": "07192", "url": "https://m.facebook.com/ubndcoto?ref=x", "display_name": "Cô Tô"},
    )
    channel = Channel.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/registry/{channel.pk}/"
    detail = client.get(f"/registry/{channel.pk}/").content.decode()
    assert "ubndcoto" in detail and "Xác minh kênh" not in detail  # editors do not verify
    admin = Client()
    admin.force_login(world.users_a["administrator"])
    assert "Xác minh kênh" in admin.get(f"/registry/{channel.pk}/").content.decode()
    assert admin.post(f"/registry/{channel.pk}/verify/", {"method": ""}).status_code == 400
    admin.post(f"/registry/{channel.pk}/verify/", {"method": "Công văn 5"})
    channel.refresh_from_db()
    assert channel.status == "verified" and channel.verification_method == "Công văn 5"
    admin.post(f"/registry/{channel.pk}/retire/", {"reason": ""})
    channel.refresh_from_db()
    assert channel.status == "retired"


def test_list_is_scoped_and_searchable(world: Any, login: Any) -> None:
    make_channel(world.commune_a, "facebook.com/ubndcoto", name="UBND Đặc khu Cô Tô")
    make_channel(world.commune_b, "facebook.com/halong", name="Phường Hạ Long")
    client = login(world.users_a["viewer"])
    body = client.get("/registry/").content.decode()
    assert "ubndcoto" in body and "halong" not in body
    assert "Đăng ký kênh" not in body  # a viewer may not register
    province = login(world.province_users["viewer"])
    assert "ubndcoto" not in province.get("/registry/?q=ha long").content.decode()
    assert "halong" in province.get("/registry/?q=HA LONG").content.decode()


def test_api_lookup_is_public_with_the_documented_json(world: Any) -> None:
    make_channel(world.commune_a, "facebook.com/ubndcoto", name="Cô Tô", verified=True)
    client = Client()
    body = client.get("/api/registry/lookup", {"q": "https://fb.com/ubndcoto/?mibextid=1"}).json()
    assert set(body) == {
        "status", "channel", "unit", "similar", "lookalike_of", "imitates", "warnings",
    }  # fmt: skip
    assert body["status"] == "official"
    assert set(body["channel"]) == {
        "id", "platform", "platform_label", "identifier", "url", "display_name", "status",
        "verified_at",
    }  # fmt: skip
    assert body["unit"] == {"code": "07192", "name": "Đặc khu Cô Tô", "path": "22/07192/"}
    lookalike = client.get("/api/registry/lookup", {"q": "facebook.com/ubndc0to"}).json()
    assert lookalike["status"] == "lookalike"
    assert lookalike["similar"][0]["channel"]["identifier"] == "ubndcoto"
    assert lookalike["similar"][0]["unit"]["code"] == "07192"
    bad = client.get("/api/registry/lookup", {"q": "javascript:alert(1)"})
    assert bad.status_code == 400 and bad.json()["detail"]["q"]
    assert client.get("/api/registry/lookup").status_code == 400


def test_api_register_verify_retire(world: Any) -> None:
    client = Client()
    editor = _token(world.users_a["editor"])
    r = client.post(
        "/api/registry/channels",
        {"unit": "07192", "url": "https://www.youtube.com/@cotoTV/videos"},
        content_type="application/json",
        headers=editor,
    )
    assert r.status_code == 201, r.content
    channel = r.json()
    assert (channel["platform"], channel["identifier"], channel["status"]) == (
        "youtube", "@cototv", "pending",
    )  # fmt: skip
    again = client.post(
        "/api/registry/channels",
        {"unit": "07192", "url": "m.youtube.com/@CotoTV"},
        content_type="application/json",
        headers=editor,
    )
    assert again.status_code == 400 and "Đặc khu Cô Tô" in json.dumps(
        again.json(), ensure_ascii=False
    )
    url = f"/api/registry/channels/{channel['id']}"
    assert (
        client.post(
            url + "/verify", {"method": "x"}, content_type="application/json", headers=editor
        ).status_code
        == 403
    )
    admin = _token(world.users_a["administrator"])
    r = client.post(
        url + "/verify", {"method": "Công văn"}, content_type="application/json", headers=admin
    )
    assert r.status_code == 200 and r.json()["verified_by"] == "a_administrator"
    r = client.post(url + "/retire", {}, content_type="application/json", headers=admin)
    assert r.json()["status"] == "retired"
    listed = client.get("/api/registry/channels?status=retired", headers=editor).json()
    assert [c["id"] for c in listed] == [channel["id"]]


def test_register_channel_command(world: Any) -> None:
    out = StringIO()
    call_command(
        "register_channel",
        "--unit",
        "07192",
        "https://m.facebook.com/ubndcoto/",
        "--verify",
        stdout=out,
    )
    body = json.loads(out.getvalue())
    assert body["platform"] == "facebook" and body["identifier"] == "ubndcoto"
    assert body["status"] == "verified"
    assert body["unit"] == {"code": "07192", "name": "Đặc khu Cô Tô"}
    assert set(body) == {"id", "platform", "identifier", "url", "display_name", "status", "unit"}
    with pytest.raises(CommandError, match="Đặc khu Cô Tô"):
        call_command("register_channel", "--unit", "06688", "fb.com/ubndcoto")
    with pytest.raises(CommandError, match="99999"):
        call_command("register_channel", "--unit", "99999", "fb.com/x.y.z")
    with pytest.raises(CommandError):
        call_command("register_channel", "--unit", "06688", "not a link at all")
    assert Channel.objects.count() == 1


def test_lookup_channel_command_prints_the_api_json(world: Any) -> None:
    call_command(
        "register_channel", "--unit", "07192", "fb.com/ubndcoto", "--verify", stdout=StringIO()
    )
    for query in ("facebook.com/ubndcoto", "facebook.com/ubndc0to", "example.org"):
        out = StringIO()
        call_command("lookup_channel", query, stdout=out)
        assert (
            json.loads(out.getvalue()) == Client().get("/api/registry/lookup", {"q": query}).json()
        )
    with pytest.raises(CommandError, match="nhóm"):
        call_command("lookup_channel", "https://facebook.com/groups/1")


def test_demo_step_is_deterministic_and_idempotent(world: Any) -> None:
    import random

    from core.demo import DemoContext
    from registry.demo import step_registry

    ctx = DemoContext(province_code="22", months=1, scale="province", rng=random.Random(1))
    ctx.data["province"] = world.province
    step_registry(ctx)
    counts = ctx.summary["channels"]
    assert counts["created"] >= 4
    per_unit = Channel.objects.values_list("unit_id", flat=True)
    assert set(per_unit) == {
        world.province.pk,
        world.commune_a.pk,
        world.commune_b.pk,
        world.department.pk,
    }
    assert Channel.objects.filter(status="retired").count() == 1
    assert Channel.objects.filter(status="verified").exists()
    step_registry(ctx)
    assert ctx.summary["channels"]["created"] == 0
