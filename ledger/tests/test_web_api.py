"""The upload page (queued import, progress, result), the API, monthly forms."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Sum

from core.models import AuditEvent
from ledger import selectors, services
from ledger.models import ImportBatch, MonthlyForm, Post, UnitMonthReport, UnitMonthStat
from ledger.selectors import month_totals
from ledger.tests.factories import SHARED, make_channel
from ledger.tests.test_import import assert_stats_match
from reports.periods import parse_period
from reports.selectors import summary as report_summary

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
META = SHARED / "meta_posts_en.csv"


@pytest.fixture(autouse=True)
def _tasks(settings: Any, tmp_path: Path) -> None:
    settings.TASKS = IMMEDIATE
    settings.MEDIA_ROOT = tmp_path / "media"


def upload(client: Any, path: Path, channel: Any = None) -> Any:
    data: dict[str, Any] = {"file": SimpleUploadedFile(path.name, path.read_bytes())}
    if channel is not None:
        data["channel"] = channel.pk
    return client.post("/ledger/imports/new/", data)


def test_upload_page_imports_and_shows_the_result(world: Any, login: Any) -> None:
    make_channel(world.commune_a, "facebook", "minhchau", external_id="100064812345678")
    client = login(world.users_a["reporter"])
    assert client.get("/ledger/").status_code == 200
    response = upload(client, META)
    assert response.status_code == 302
    batch = ImportBatch.objects.get()
    assert response["Location"] == f"/ledger/imports/{batch.pk}/"
    assert batch.status == "done" and batch.accepted == 10
    assert batch.original and (Path(batch.original.path)).read_bytes() == META.read_bytes()
    page = client.get(response["Location"]).content.decode()
    assert "Không có dòng nào bị loại" in page
    progress = client.get(f"/ledger/imports/{batch.pk}/progress/")
    assert progress["HX-Refresh"] == "true"
    # Uploading the same file again: a duplicate batch pointing at the first.
    upload(client, META)
    again = ImportBatch.objects.exclude(pk=batch.pk).get()
    assert again.status == "duplicate" and again.duplicate_of_id == batch.pk
    assert Post.objects.count() == 10


def test_upload_asks_to_confirm_the_page_id_once(world: Any, login: Any) -> None:
    channel = make_channel(world.commune_a, "facebook", "minhchau")
    client = login(world.users_a["reporter"])
    upload(client, META, channel)
    batch = ImportBatch.objects.get()
    assert batch.status == "needs_channel"
    assert batch.file_channel_ref == "100064812345678"
    assert not Post.objects.exists()
    page = client.get(f"/ledger/imports/{batch.pk}/").content.decode()
    # The file's page and the channel side by side, the differing ID highlighted.
    assert "Trang trong file và kênh đã chọn" in page
    assert 'class="ledger-differs"' in page and "100064812345678" in page
    assert "(?)" not in page
    # A reporter may not write the registry: they ask an editor, who finds it queued.
    assert 'name="confirm"' not in page
    assert "Nhờ biên tập viên xác nhận" in page
    assert (
        client.post(f"/ledger/imports/{batch.pk}/confirm/", {"confirm": "yes"}).status_code == 403
    )
    editor = world.users_a["editor"]
    assert not selectors.pending_page_confirmations_for(editor).exists()
    client.post(f"/ledger/imports/{batch.pk}/request-confirmation/")
    assert list(selectors.pending_page_confirmations_for(editor)) == [batch]
    assert not selectors.pending_page_confirmations_for(world.users_b["editor"]).exists()
    assert not selectors.pending_page_confirmations_for(world.users_a["reporter"]).exists()
    assert AuditEvent.objects.filter(
        action="ledger.confirm_request", unit_path=world.commune_a.path
    ).exists()
    page = client.get(f"/ledger/imports/{batch.pk}/").content.decode()
    assert "Đã nhờ biên tập viên xác nhận" in page
    client = login(editor)
    assert batch.filename in client.get("/ledger/confirmations/").content.decode()
    page = client.get(f"/ledger/imports/{batch.pk}/").content.decode()
    assert 'name="confirm"' in page
    # Binding the ID takes the explicit tick.
    client.post(f"/ledger/imports/{batch.pk}/confirm/")
    channel.refresh_from_db()
    assert channel.external_id == "" and not Post.objects.exists()
    client.post(f"/ledger/imports/{batch.pk}/confirm/", {"confirm": "yes"})
    batch.refresh_from_db()
    channel.refresh_from_db()
    assert batch.status == "done" and channel.external_id == "100064812345678"
    assert Post.objects.filter(channel=channel).count() == 10
    assert not selectors.pending_page_confirmations_for(editor).exists()


def test_editor_declines_a_page_and_the_reporter_is_told_what_next(world: Any, login: Any) -> None:
    channel = make_channel(world.commune_a, "facebook", "minhchau")
    reporter = login(world.users_a["reporter"])
    upload(reporter, META, channel)
    batch = ImportBatch.objects.get()
    reporter.post(f"/ledger/imports/{batch.pk}/request-confirmation/")
    assert reporter.post(f"/ledger/imports/{batch.pk}/decline/").status_code == 403
    login(world.users_a["editor"]).post(f"/ledger/imports/{batch.pk}/decline/")
    batch.refresh_from_db()
    channel.refresh_from_db()
    assert batch.status == "refused" and channel.external_id == ""
    page = reporter.get(f"/ledger/imports/{batch.pk}/").content.decode()
    assert "Làm gì tiếp" in page and "không phải của kênh" in page
    assert AuditEvent.objects.filter(
        action="ledger.confirm_decline", unit_path=world.commune_a.path
    ).exists()


def test_refused_upload_says_why_and_writes_nothing(world: Any, login: Any, tmp_path: Path) -> None:
    make_channel(world.commune_a, "youtube", "@halong")
    bad = tmp_path / "hong.zip"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    client = login(world.users_a["reporter"])
    upload(client, bad)
    batch = ImportBatch.objects.get()
    assert batch.status == "refused" and batch.message
    assert not Post.objects.exists() and not UnitMonthStat.objects.exists()
    assert batch.message in client.get(f"/ledger/imports/{batch.pk}/").content.decode()


def test_viewer_cannot_upload(world: Any, login: Any) -> None:
    make_channel(world.commune_a, "facebook", "minhchau", external_id="100064812345678")
    assert upload(login(world.users_a["viewer"]), META).status_code == 403
    assert not ImportBatch.objects.exists()


def test_template_downloads(world: Any, login: Any, tmp_path: Any) -> None:
    import tempfile

    client = login(world.users_a["viewer"])
    tempfile.tempdir = str(tmp_path)  # each download's scratch folder lands here
    try:
        for kind in ("xlsx", "csv"):
            response = client.get(f"/ledger/template.{kind}")
            assert response.status_code == 200
            body = b"".join(response.streaming_content)
            assert len(body) > 100
    finally:
        tempfile.tempdir = None
    assert b"N\xe1\xbb\x81n t\xe1\xba\xa3ng" in body  # "Nền tảng" in the CSV header
    assert list(tmp_path.iterdir()) == []  # no scratch folder left behind


def _token(user: Any) -> str:
    from accounts.services import api_token_create

    return api_token_create(user=user)[1]


def test_api_import_and_get(world: Any, client: Any) -> None:
    channel = make_channel(world.commune_a, "tiktok", "xacoto.official")
    headers = {"Authorization": f"Bearer {_token(world.users_a['reporter'])}"}
    path = SHARED / "tiktok_content.csv"
    response = client.post(
        "/api/imports", {"file": SimpleUploadedFile(path.name, path.read_bytes())}, headers=headers
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["channel"] == channel.pk and body["posts_created"] == 5
    got = client.get(f"/api/imports/{body['batch']}", headers=headers).json()
    assert got["status"] == "done" and got["accepted"] == 5 and got["sha256"]
    again = client.post(
        "/api/imports", {"file": SimpleUploadedFile(path.name, path.read_bytes())}, headers=headers
    )
    assert again.status_code == 200 and again.json()["duplicate"] is True
    other = {"Authorization": f"Bearer {_token(world.users_b['administrator'])}"}
    assert client.get(f"/api/imports/{body['batch']}", headers=other).status_code == 404


def test_api_refused_file(world: Any, client: Any) -> None:
    channel = make_channel(world.commune_a, "youtube", "@halong")
    headers = {"Authorization": f"Bearer {_token(world.users_a['reporter'])}"}
    response = client.post(
        f"/api/imports?channel={channel.pk}",
        {"file": SimpleUploadedFile("x.csv", b"a,b\n1,2\n")},
        headers=headers,
    )
    assert response.status_code == 400
    assert response.json()["code"] == "unknown_header"
    assert not ImportBatch.objects.exists()


def test_api_posts_upsert(world: Any, client: Any) -> None:
    channel = make_channel(world.commune_a, "zalo", "1234567890")
    headers = {"Authorization": f"Bearer {_token(world.users_a['reporter'])}"}
    payload: dict[str, Any] = {
        "channel": channel.pk,
        "posts": [
            {
                "post_id": "z1",
                "content_type": "article",
                "published_at": "2026-02-03T08:00:00+07:00",
                "reach": 120,
                "views": 300,
            },
            {"post_id": "z2", "content_type": "photo", "published_at": "2026-02-04T08:00:00+07:00"},
            {"post_id": "z3", "content_type": "podcast"},
            {"post_id": "z4", "content_type": "video", "reach": -5},
        ],
    }
    response = client.post("/api/posts", payload, content_type="application/json", headers=headers)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["rows_read"], body["accepted"], body["rejected"]) == (4, 2, 2)
    assert {e["field"] for e in body["errors"]} == {"content_type", "reach"}
    assert Post.objects.get(post_id="z2").reach is None  # unknown, not 0
    stat = UnitMonthStat.objects.filter(unit=world.commune_a, month=date(2026, 2, 1))
    assert stat.aggregate(p=Sum("posts"), r=Sum("reach"), k=Sum("posts_with_reach")) == {
        "p": 2,
        "r": 120,
        "k": 1,
    }
    viewer = {"Authorization": f"Bearer {_token(world.users_a['viewer'])}"}
    refused = client.post("/api/posts", payload, content_type="application/json", headers=viewer)
    assert refused.status_code == 403
    payload["posts"][0]["reach"] = 150
    response = client.post("/api/posts", payload, content_type="application/json", headers=headers)
    assert response.json()["posts_updated"] == 1 and response.json()["unchanged"] == 1
    assert_stats_match()


def _form_flow(world: Any, client_for: Any, **values: Any) -> MonthlyForm:
    reporter = client_for(world.users_a["reporter"])
    data = {
        "unit": world.commune_a.pk,
        "month": "2026-02",
        "action": "save",
        **{f"facebook-{k}": v for k, v in values.items()},
    }
    response = reporter.post("/ledger/forms/new/", data)
    assert response.status_code == 302, response.content.decode()
    form = MonthlyForm.objects.get(unit=world.commune_a, platform="facebook")
    reporter.post(f"/ledger/forms/{form.pk}/submit/")
    return form


def test_monthly_form_flow_and_double_counting_rule(world: Any, client: Any) -> None:
    def as_user(user: Any) -> Any:
        client.force_login(user)
        return client

    form = _form_flow(world, as_user, articles=4, photos=2, reach=900)
    form.refresh_from_db()
    assert form.status == "submitted"
    # A commune's own administrator cannot approve it; the province's can.
    as_user(world.users_a["administrator"]).post(
        f"/ledger/forms/{form.pk}/review/", {"action": "approve"}
    )
    form.refresh_from_db()
    assert form.status == "submitted"
    as_user(world.province_users["administrator"]).post(
        f"/ledger/forms/{form.pk}/review/", {"action": "approve"}
    )
    form.refresh_from_db()
    assert form.status == "approved"
    feb = date(2026, 2, 1)
    assert month_totals(world.commune_a, feb)["posts"] == 6
    assert month_totals(world.commune_a, feb)["reach"] == 900
    assert UnitMonthReport.objects.get(unit=world.commune_a, month=feb).by_form
    # The province's reports read the form through the roll-up, in either convention.
    for code, convention in (("2026-02", "calendar"), ("2026-H1", "administrative")):
        totals = report_summary(world.province, parse_period(code, convention))["totals"]
        assert (totals["posts"], totals["reach"]) == (6, 900)
    # Locked: the unit cannot edit; the parent unlocks, audited.
    as_user(world.province_users["administrator"]).post(
        f"/ledger/forms/{form.pk}/review/", {"action": "lock"}
    )
    reporter = as_user(world.users_a["reporter"])
    assert reporter.post(f"/ledger/forms/{form.pk}/", {"articles": 99}).status_code == 403
    # An import for the same unit, month and platform wins over the form.
    channel = make_channel(world.commune_a, "facebook", "minhchau")
    services.posts_upsert(
        acting_user=world.users_a["reporter"],
        channel=channel,
        posts=[
            services.PostInput(
                post_id="p1",
                content_type="video",
                reach=50,
                published_at=__import__("datetime").datetime(2026, 2, 9, tzinfo=services.TZ),
            )
        ],
    )
    totals = month_totals(world.commune_a, feb)
    assert totals["posts"] == 1 and totals["reach"] == 50
    totals = report_summary(world.province, parse_period("2026-02"))["totals"]
    assert (totals["posts"], totals["reach"]) == (1, 50)
    assert_stats_match()
    as_user(world.province_users["administrator"]).post(
        f"/ledger/forms/{form.pk}/review/", {"action": "unlock"}
    )
    form.refresh_from_db()
    assert form.status == "draft"
    assert not UnitMonthStat.objects.filter(source="form").exists()
    from core.models import AuditEvent

    assert AuditEvent.objects.filter(action="ledger.form_unlock", object_id=str(form.pk)).exists()
    assert_stats_match()


def test_form_validation_and_flag(world: Any, client: Any) -> None:
    client.force_login(world.users_a["reporter"])
    data = {"unit": world.commune_a.pk, "month": "2026-02", "zalo-articles": -1}
    response = client.post("/ledger/forms/new/", data)
    assert response.status_code == 200 and "Không được nhỏ hơn 0." in response.content.decode()
    assert not MonthlyForm.objects.exists()
    data.update({"zalo-articles": 0, "zalo-reach": 500})
    client.post("/ledger/forms/new/", data)
    form = MonthlyForm.objects.get()
    assert form.flagged
    assert (
        "Có lượt tiếp cận nhưng không có tin bài" in client.get("/ledger/forms/").content.decode()
    )


def test_posts_with_a_nul_character_are_rejected_not_stored(world: Any) -> None:
    channel = make_channel(world.commune_a, "facebook", "nulpage")
    result = services.posts_upsert(
        acting_user=world.users_a["reporter"],
        channel=channel,
        posts=[
            services.PostInput(post_id="ok", content_type="article", reach=5),
            services.PostInput(post_id="bad\x00id", content_type="article"),
            services.PostInput(post_id="cap", content_type="article", caption="a\x00b"),
            services.PostInput(post_id="ext", content_type="article", extras={"k": "\x00"}),
        ],
    )
    assert (result.accepted, result.rejected) == (1, 3)
    assert [e["field"] for e in result.errors] == ["post_id", "caption", "extras"]
    assert list(Post.objects.filter(channel=channel).values_list("post_id", flat=True)) == ["ok"]


@pytest.mark.parametrize(
    ("rows_read", "accepted", "tone", "label"),
    [
        (4, 4, "ok", "Đã nhập"),
        (4, 1, "warn", "Đã nhập, 3 dòng bị loại"),
        (4, 0, "danger", "Không nhận dòng nào"),
    ],
)
def test_status_badge_follows_the_rows(
    world: Any, login: Any, rows_read: int, accepted: int, tone: str, label: str
) -> None:
    channel = make_channel(world.commune_a, "facebook", "minhchau", external_id="1")
    batch = ImportBatch.objects.create(
        channel=channel,
        unit=channel.unit,
        filename="f.csv",
        status="done",
        rows_read=rows_read,
        accepted=accepted,
        rejected=rows_read - accepted,
    )
    client = login(world.users_a["reporter"])
    badge = f'<span class="badge {tone}">{label}</span>'
    assert badge in client.get(f"/ledger/imports/{batch.pk}/").content.decode()
    assert badge in client.get("/ledger/").content.decode()


def test_a_rejected_rows_column_is_named_for_people(world: Any, login: Any) -> None:
    channel = make_channel(world.commune_a, "facebook", "minhchau", external_id="1")
    result = services.posts_upsert(
        acting_user=world.users_a["reporter"],
        channel=channel,
        posts=[services.PostInput(post_id="bad id", content_type="photo")],
    )
    assert result.rejected == 1
    page = login(world.users_a["reporter"]).get(f"/ledger/imports/{result.batch}/")
    html = page.content.decode()
    assert "<td>Mã bài viết</td>" in html and "<td>post_id</td>" not in html
