"""The editor's pages, end to end through the test client."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from factchecks.models import Correction, FactCheck
from factchecks.tests.factories import published

pytestmark = pytest.mark.urls("factchecks.tests.urls")

FORM = {
    "claim_short": "Phí sao lục sổ đỏ tăng lên 500.000 đồng",
    "claim_text": "Bài chia sẻ nói phí sao lục tăng mạnh.",
    "first_seen": "2026-01-03",
    "platforms": ["facebook", "word_of_mouth"],
    "verdict": "mostly_false",
    "explanation": "Mức phí do HĐND tỉnh quyết định.",
    "sources": "Nghị quyết về phí | HĐND tỉnh | https://quangninh.gov.vn/nq | 04/01/2026",
    "topics": "Đất đai, Phí",
}


def test_draft_review_publish_through_the_pages(world: Any) -> None:
    author, second = Client(), Client()
    author.force_login(world.users_a["editor"])
    second.force_login(world.province_users["editor"])
    response = author.post("/factchecks/new/", {**FORM, "unit": world.commune_a.code})
    assert response.status_code == 302
    fc = FactCheck.objects.get()
    assert (fc.unit, fc.platforms, fc.status) == (
        world.commune_a,
        ["facebook", "word_of_mouth"],
        "draft",
    )
    assert [s.publisher for s in fc.sources.all()] == ["HĐND tỉnh"]
    assert sorted(fc.topics.values_list("name", flat=True)) == ["Phí", "Đất đai"]
    author.post(f"/factchecks/{fc.pk}/submit/")
    page = author.get(f"/factchecks/{fc.pk}/").content.decode()
    assert "Duyệt và đăng" not in page and "Một biên tập viên khác" in page
    response = author.post(f"/factchecks/{fc.pk}/publish/", follow=True)
    assert "biên tập viên khác phải duyệt" in response.content.decode()
    fc.refresh_from_db()
    assert fc.status == "in_review"
    assert "Duyệt và đăng" in second.get(f"/factchecks/{fc.pk}/").content.decode()
    second.post(f"/factchecks/{fc.pk}/publish/")
    fc.refresh_from_db()
    assert (fc.status, fc.reviewer) == ("published", world.province_users["editor"])
    # Published: editing leads to the correction form instead.
    assert author.get(f"/factchecks/{fc.pk}/edit/")["Location"] == f"/factchecks/{fc.pk}/correct/"
    changed = {**FORM, "claim_short": "Lén sửa sau khi đăng"}
    assert author.post(f"/factchecks/{fc.pk}/edit/", changed).status_code == 302
    fc.refresh_from_db()
    assert fc.claim_short == FORM["claim_short"]


def test_bad_form_input_names_the_field_and_line(world: Any, client: Client) -> None:
    client.force_login(world.users_a["editor"])
    data = {
        **FORM,
        "unit": world.commune_a.code,
        "sources": "a | b | https://x.vn | 1/1/2026\nchỉ một phần",
    }
    body = client.post("/factchecks/new/", data).content.decode()
    assert "Dòng 2: cần 4 hoặc 5 phần" in body
    data["sources"] = "a | b | https://x.vn | 31/02/2026"
    assert "Dòng 1: ngày truy cập" in client.post("/factchecks/new/", data).content.decode()
    data["sources"] = "a | b | ftp://x.vn | 01/01/2026"
    assert (
        "Nguồn dòng 1: đường dẫn không hợp lệ"
        in client.post("/factchecks/new/", data).content.decode()
    )
    data["sources"] = ""
    data["claim_text"] = "https://www.facebook.com/ten.nguoi/posts/1"
    assert "Không ghi đường dẫn bài đăng" in client.post("/factchecks/new/", data).content.decode()
    assert not FactCheck.objects.exists()


def test_correction_and_withdrawal_pages(world: Any, client: Client) -> None:
    fc = published(world.users_a["editor"], world.users_a["administrator"], world.commune_a)
    client.force_login(world.users_a["editor"])
    form = client.get(f"/factchecks/{fc.pk}/correct/").content.decode()
    assert fc.claim_short in form
    response = client.post(
        f"/factchecks/{fc.pk}/correct/",
        {
            "what_changed": "Đổi kết luận.",
            "reason": "Có văn bản mới.",
            "claim_short": fc.claim_short,
            "claim_text": fc.claim_text,
            "verdict": "misleading",
            "explanation": fc.explanation,
            "sources": "Văn bản mới | UBND | https://gov.vn/moi | 05/01/2026",
        },
    )
    assert response.status_code == 302
    second = Client()  # a new verdict waits for a second editor
    second.force_login(world.users_a["administrator"])
    pending = fc.pending_corrections.get()
    second.post(f"/factchecks/{fc.pk}/corrections/{pending.pk}/approve/")
    c = Correction.objects.get()
    assert sorted(c.changed_fields) == ["sources", "verdict"]
    public = client.get(f"/p/kiem-chung/{fc.pk}/").content.decode()
    assert "Đổi kết luận." in public and "Gây hiểu lầm" in public and "Văn bản mới" in public
    assert client.post(f"/factchecks/{fc.pk}/withdraw/", {"reason": ""}).status_code == 200
    client.post(f"/factchecks/{fc.pk}/withdraw/", {"reason": "Sai nguồn."})
    fc.refresh_from_db()
    assert fc.status == "withdrawn"
    assert "Sai nguồn." in client.get(f"/p/kiem-chung/{fc.pk}/").content.decode()


def test_list_shows_only_the_subtree(world: Any, client: Client) -> None:
    published(
        world.users_b["editor"],
        world.users_b["administrator"],
        world.commune_b,
        claim_short="Của xã B",
    )
    published(
        world.users_a["editor"],
        world.users_a["administrator"],
        world.commune_a,
        claim_short="Của xã A",
    )
    client.force_login(world.users_a["viewer"])
    body = client.get("/factchecks/").content.decode()
    assert "Của xã A" in body and "Của xã B" not in body
    assert "Viết bài kiểm chứng" not in body
    client.force_login(world.province_users["editor"])
    body = client.get("/factchecks/").content.decode()
    assert "Của xã A" in body and "Của xã B" in body and "Viết bài kiểm chứng" in body
