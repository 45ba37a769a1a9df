from __future__ import annotations

import datetime as dt
import html
import json
import re
import xml.etree.ElementTree as ET  # noqa: S405 - parsing our own feed
from typing import Any

import extruct
import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from factchecks import services
from factchecks.models import FactCheck, Suggestion
from factchecks.tests.factories import draft, published, source

pytestmark = pytest.mark.urls("factchecks.tests.urls")


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    cache.clear()


def _pub(world: Any, **kw: Any) -> FactCheck:
    return published(world.users_a["editor"], world.users_a["administrator"], world.commune_a, **kw)


def _claimreviews(body: str, url: str) -> list[dict[str, Any]]:
    data = extruct.extract(body, base_url=url, syntaxes=["json-ld"], uniform=False)
    return [d for d in data["json-ld"] if d.get("@type") == "ClaimReview"]


def _text(body: str) -> str:
    """The page's visible text (tags dropped, entities decoded), for 'what the page shows'."""
    body = re.sub(r"<script.*?</script>", " ", body, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


def test_detail_jsonld_matches_the_visible_page(world: Any, client: Client) -> None:
    fc = _pub(world, verdict="mostly_false")
    url = f"/p/kiem-chung/{fc.pk}/"
    response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    reviews = _claimreviews(body, "http://testserver" + url)
    assert len(reviews) == 1
    assert body.count("application/ld+json") == 1
    review = reviews[0]
    visible = _text(body)
    assert review["claimReviewed"] == fc.claim_short and fc.claim_short in visible
    rating = review["reviewRating"]
    assert rating["alternateName"] == "Phần lớn sai"
    assert re.search(r"Kết luận:\s*Phần lớn sai", visible)
    assert (rating["ratingValue"], rating["worstRating"], rating["bestRating"]) == (2, 1, 5)
    assert rating["worstRating"] <= rating["ratingValue"] <= rating["bestRating"]
    assert review["url"] == "http://testserver" + url  # the page's own host
    # The unit speaks as its authority, on the page and in the markup alike.
    assert review["author"] == {"@type": "Organization", "name": "UBND đặc khu Cô Tô"}
    assert "UBND đặc khu Cô Tô" in visible
    published_on = timezone.localtime(fc.published_at).date()
    assert review["datePublished"] == published_on.isoformat()
    assert published_on.strftime("%d/%m/%Y") in visible
    item = review["itemReviewed"]
    assert item["@type"] == "Claim"
    assert "author" not in item and "appearance" not in item and "firstAppearance" not in item
    assert item["datePublished"] == "2026-01-02" and "02/01/2026" in visible


def test_off_scale_verdicts_have_no_numeric_rating(world: Any, client: Client) -> None:
    fc = _pub(world, verdict="unproven")
    body = client.get(f"/p/kiem-chung/{fc.pk}/").content.decode()
    rating = _claimreviews(body, "http://testserver/")[0]["reviewRating"]
    assert rating == {"@type": "Rating", "alternateName": "Chưa đủ căn cứ"}


def test_jsonld_follows_the_language(world: Any, client: Client) -> None:
    fc = _pub(world, verdict="half_true")
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    body = client.get(f"/p/kiem-chung/{fc.pk}/").content.decode()
    assert _claimreviews(body, "http://testserver/")[0]["reviewRating"]["alternateName"] == (
        "Half true"
    )
    assert "Half true" in _text(body)


PAYLOADS = [
    "</script><script>alert(1)</script>",
    '"><img src=x onerror=alert(2)>',
    "<svg/onload=alert(3)>",
    "\u2028</SCRIPT >&lt;b&gt;",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_xss_payloads_are_inert_everywhere(world: Any, client: Client, payload: str) -> None:
    author, reviewer = world.users_a["editor"], world.users_a["administrator"]
    fc = draft(
        author,
        world.commune_a,
        claim_short=payload[:75],
        claim_text=payload,
        explanation=payload + "\n\n[x](javascript:alert(4)) " + payload,
        sources=[source(title=payload, publisher=payload)],
        topics=[payload[:60]],
    )
    services.factcheck_submit(acting_user=author, factcheck=fc)
    services.factcheck_publish(acting_user=reviewer, factcheck=fc)
    services.factcheck_correct(
        acting_user=reviewer, factcheck=fc, what_changed=payload, reason=payload
    )
    for url in (f"/p/kiem-chung/{fc.pk}/", f"/factchecks/{fc.pk}/", "/p/kiem-chung/"):
        if url.startswith("/factchecks/"):
            client.force_login(author)
        body = client.get(url).content.decode()
        # Only our own script elements: htmx (and the one JSON-LD block on the public page).
        scripts = re.findall(r"<script\b[^>]*>", body, flags=re.I)
        assert all("src=" in s or "application/ld+json" in s for s in scripts), scripts
        assert "<img" not in body and "<svg" not in body.lower()
        assert "javascript:" not in body
        assert "alert(1)</script>" not in body
    fc.refresh_from_db()  # the short form is stored with its whitespace normalised
    body = client.get(f"/p/kiem-chung/{fc.pk}/").content.decode()
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', body, flags=re.S)
    assert block and "<" not in block.group(1) and ">" not in block.group(1)
    assert json.loads(block.group(1))["claimReviewed"] == fc.claim_short
    reviews = _claimreviews(body, "http://testserver/")
    assert len(reviews) == 1 and reviews[0]["claimReviewed"] == fc.claim_short
    assert fc.claim_short == " ".join(payload[:75].split())
    feed = client.get("/p/kiem-chung/feed/").content
    ET.fromstring(feed)  # noqa: S314 - still well-formed XML


def test_drafts_are_not_public(world: Any, client: Client) -> None:
    fc = draft(world.users_a["editor"], world.commune_a, claim_short="Bản nháp chưa đăng")
    assert client.get(f"/p/kiem-chung/{fc.pk}/").status_code == 404
    assert "Bản nháp chưa đăng" not in client.get("/p/kiem-chung/").content.decode()
    assert "Bản nháp chưa đăng" not in client.get("/p/kiem-chung/feed/").content.decode()


def test_withdrawn_page_shows_a_notice_and_no_claimreview(world: Any, client: Client) -> None:
    fc = _pub(world)
    services.factcheck_correct(
        acting_user=world.users_a["editor"],
        factcheck=fc,
        what_changed="Bổ sung nguồn.",
        reason="Bạn đọc góp ý.",
    )
    services.factcheck_withdraw(
        acting_user=world.users_a["editor"], factcheck=fc, reason="Văn bản đã bị thay thế."
    )
    body = client.get(f"/p/kiem-chung/{fc.pk}/").content.decode()
    assert "Bài kiểm chứng này đã được rút." in body
    assert "Văn bản đã bị thay thế." in body
    assert "Bổ sung nguồn." in body and "Bạn đọc góp ý." in body  # corrections log stays
    assert "application/ld+json" not in body
    assert client.get(f"/api/factchecks/{fc.pk}/claimreview").status_code == 404


def test_list_search_is_diacritics_insensitive_and_filters(world: Any, client: Client) -> None:
    a = _pub(world, claim_short="Hoàn tiền điện tháng 6", verdict="false", topics=["Điện"])
    b = _pub(
        world,
        claim_short="Phí cấp sổ đỏ tăng",
        claim_text="Phí tăng gấp đôi.",
        explanation="Mức phí do Hội đồng nhân dân tỉnh quyết định.",
        verdict="mostly_true",
        topics=["Đất đai"],
    )

    def shown(**params: str) -> set[int]:
        body = client.get("/p/kiem-chung/", params).content.decode()
        return {int(pk) for pk in re.findall(r'href="/p/kiem-chung/(\d+)/"', body)}

    assert shown() == {a.pk, b.pk}
    assert shown(q="hoan tien DIEN") == {a.pk}
    assert shown(q="sổ đỏ") == {b.pk}
    assert shown(q="so do") == {b.pk}
    assert shown(verdict="mostly_true") == {b.pk}
    assert shown(topic="dat dai") == {b.pk}
    today = timezone.localdate()
    assert shown(**{"from": (today + dt.timedelta(days=1)).isoformat()}) == set()
    assert shown(**{"from": today.isoformat(), "to": today.isoformat()}) == {a.pk, b.pk}
    assert shown(verdict="bogus", **{"from": "not-a-date"}) == {a.pk, b.pk}


def test_list_paginates(world: Any, client: Client) -> None:
    for n in range(23):
        _pub(world, claim_short=f"Thông tin số {n}")
    first = client.get("/p/kiem-chung/").content.decode()
    second = client.get("/p/kiem-chung/", {"page": 2}).content.decode()
    assert len(re.findall(r'<li class="fc-card', first)) == 20
    assert len(re.findall(r'<li class="fc-card', second)) == 3
    assert "Trang 2/2" in second


def test_atom_feed(world: Any, client: Client) -> None:
    fc = _pub(world, claim_short="Hoàn tiền điện")
    response = client.get("/p/kiem-chung/feed/")
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)  # noqa: S314
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entries = root.findall("a:entry", ns)
    assert len(entries) == 1
    assert entries[0].findtext("a:title", namespaces=ns) == "Sai: Hoàn tiền điện"
    link = entries[0].find("a:link", ns)
    assert link is not None and link.get("href") == f"http://testserver/p/kiem-chung/{fc.pk}/"


def test_policy_pages_have_defaults_and_follow_edits(world: Any, client: Client) -> None:
    body = client.get("/p/kiem-chung/phuong-phap/").content.decode()
    assert "Thang kết luận" in body and "biên tập viên <strong>khác</strong>" in body
    body = client.get("/p/kiem-chung/chinh-sach-dinh-chinh/").content.decode()
    assert "không bao giờ bị sửa âm thầm" in body
    services.policy_update(
        acting_user=world.province_users["administrator"],
        kind="corrections",
        body="Chính sách mới.",
    )
    assert "Chính sách mới." in client.get("/p/kiem-chung/chinh-sach-dinh-chinh/").content.decode()


def _suggest(client: Client, ip: str = "10.0.0.1", **kw: str) -> Any:
    data = {"claim_text": "Nghe nói phải nộp phí giữ chỗ lớp 1", "platform": "zalo", **kw}
    return client.post("/p/kiem-chung/de-nghi/", data, REMOTE_ADDR=ip)


def test_a_suggestion_reaches_the_unit_queue(world: Any, client: Client) -> None:
    form = client.get(f"/p/kiem-chung/de-nghi/?don-vi={world.commune_a.code}").content.decode()
    assert world.commune_a.name in form
    response = _suggest(client, unit=world.commune_a.code, contact="me@example.org")
    assert response.status_code == 302
    s = Suggestion.objects.get()
    assert (s.unit, s.platform, s.contact) == (world.commune_a, "zalo", "me@example.org")
    # The province (top-level unit) receives suggestions that name no unit.
    _suggest(client, claim_text="Tin đồn khác")
    assert Suggestion.objects.get(claim_text="Tin đồn khác").unit == world.province
    editor = Client()
    editor.force_login(world.users_a["editor"])
    queue = editor.get("/factchecks/suggestions/").content.decode()
    assert "phí giữ chỗ lớp 1" in queue and "Tin đồn khác" not in queue
    editor.force_login(world.users_b["editor"])
    assert "phí giữ chỗ" not in editor.get("/factchecks/suggestions/").content.decode()
    editor.force_login(world.province_users["editor"])
    queue = editor.get("/factchecks/suggestions/").content.decode()
    assert "phí giữ chỗ lớp 1" in queue and "Tin đồn khác" in queue


def test_the_honeypot_stores_nothing(client: Client, world: Any) -> None:
    response = _suggest(client, website="http://spam.example")
    assert response.status_code == 302
    assert not Suggestion.objects.exists()


def test_suggestions_refuse_links_to_posts(client: Client, world: Any) -> None:
    response = _suggest(client, claim_text="https://facebook.com/nguoi.nao.do/posts/123")
    assert response.status_code == 200
    assert "đừng dán đường dẫn" in response.content.decode()
    assert not Suggestion.objects.exists()


def test_suggestions_are_rate_limited(client: Client, world: Any, settings: Any) -> None:
    settings.BANTIN_SUGGEST_RATE = "2/h"
    assert _suggest(client, claim_text="một").status_code == 302
    assert _suggest(client, claim_text="hai").status_code == 302
    response = _suggest(client, claim_text="ba")
    assert response.status_code == 429
    assert "Xin thử lại sau" in response.content.decode()
    assert _suggest(client, claim_text="bốn", ip="10.0.0.2").status_code == 302
    assert Suggestion.objects.count() == 3


def test_the_default_rate_is_five_an_hour(client: Client, world: Any) -> None:
    for n in range(5):
        assert _suggest(client, claim_text=f"tin {n}").status_code == 302
    assert _suggest(client, claim_text="tin 6").status_code == 429


def test_the_public_navigation_links_to_the_list(client: Client, world: Any) -> None:
    body = client.get("/").content.decode()
    assert 'href="/p/kiem-chung/"' in body
