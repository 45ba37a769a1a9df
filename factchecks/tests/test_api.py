from __future__ import annotations

import re
from typing import Any

import extruct
import pytest
from django.test import Client

from accounts.services import api_token_create
from factchecks.tests.factories import draft, published

pytestmark = pytest.mark.urls("factchecks.tests.urls")


def test_list_and_detail(world: Any, client: Client) -> None:
    fc = published(world.users_a["editor"], world.users_a["administrator"], world.commune_a)
    hidden = draft(world.users_a["editor"], world.commune_a, claim_short="Bản nháp xã A")
    items = client.get("/api/factchecks").json()
    assert [i["id"] for i in items] == [fc.pk]
    item = items[0]
    assert item["url"] == f"http://testserver/p/kiem-chung/{fc.pk}/"
    assert (item["verdict"], item["status"], item["verdict_label"]) == ("false", "published", "Sai")
    assert item["published_at"] and item["first_seen"] == "2026-01-02" and item["updated_at"]
    detail = client.get(f"/api/factchecks/{fc.pk}").json()
    assert detail["sources"][0]["url"] == "https://quangninh.gov.vn/thong-bao"
    assert detail["corrections"] == []
    assert client.get(f"/api/factchecks/{hidden.pk}").status_code == 404
    token = api_token_create(user=world.users_a["viewer"])[1]
    auth = {"Authorization": f"Bearer {token}"}
    ids = {i["id"] for i in client.get("/api/factchecks", headers=auth).json()}
    assert ids == {fc.pk, hidden.pk}
    token_b = api_token_create(user=world.users_b["editor"])[1]
    response = client.get(
        f"/api/factchecks/{hidden.pk}", headers={"Authorization": f"Bearer {token_b}"}
    )
    assert response.status_code == 404
    assert client.get("/api/factchecks", {"q": "dien"}).json()[0]["id"] == fc.pk


def test_claimreview_endpoint_equals_the_page_markup(world: Any, client: Client) -> None:
    fc = published(world.users_a["editor"], world.users_a["administrator"], world.commune_a)
    api = client.get(f"/api/factchecks/{fc.pk}/claimreview").json()
    body = client.get(f"/p/kiem-chung/{fc.pk}/").content.decode()
    page = extruct.extract(body, syntaxes=["json-ld"], uniform=False)["json-ld"]
    assert page == [api]
    assert re.match(r"^http://testserver/p/kiem-chung/\d+/$", api["url"])
    draft_fc = draft(world.users_a["editor"], world.commune_a)
    assert client.get(f"/api/factchecks/{draft_fc.pk}/claimreview").status_code == 404
