"""The demo has no platform credentials: after `seed_demo`, every connectable channel shows
"chưa cấu hình", the daily sync has nothing to do and says so without failing, and the
reports (with their "Nguồn số liệu" section) work."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_demo_without_credentials_shows_not_configured_and_works(settings: Any) -> None:
    from django.contrib.auth import get_user_model

    from connectors.models import Connection
    from connectors.selectors import channels_visible_to

    settings.BANTIN_CONNECTORS = {
        **settings.BANTIN_CONNECTORS,
        **{k: "" for k in settings.BANTIN_CONNECTORS if k.endswith(("_ID", "_SECRET", "_KEY"))},
    }
    call_command("seed_demo", "--province", "22", "--months", "1", stdout=io.StringIO())
    editor = get_user_model().objects.get(username="bientap")
    client = Client()
    client.force_login(editor)

    page = client.get("/connectors/")
    assert page.status_code == 200
    text = page.content.decode()
    visible = channels_visible_to(editor).count()
    assert visible > 20
    assert text.count("chưa cấu hình") >= visible  # every connectable channel
    assert not Connection.objects.exists()  # no demo step pretends to have a token
    channel = channels_visible_to(editor).first()
    assert channel is not None
    assert "chưa cấu hình" in client.get(f"/connectors/{channel.pk}/").content.decode()

    out = io.StringIO()
    call_command("sync_channels", "--json", stdout=out)  # nothing connected: nothing to do
    assert out.getvalue().strip() == ""

    # The province's sources section is one row per child unit; a commune's lists its
    # channels with where their figures came from (the demo's own generated posts).
    report = client.get("/reports/22/", {"period": "2026-11"})
    assert report.status_code == 200
    assert 'data-section="sources"' in report.content.decode()
    from django.utils import timezone

    from ledger.models import Post

    post = Post.objects.filter(channel__unit__children__isnull=True).latest("published_at")
    month = f"{timezone.localtime(post.published_at):%Y-%m}"  # the demo seeds up to today
    commune = client.get(f"/reports/{post.channel.unit.code}/", {"period": month})
    assert commune.status_code == 200
    assert "Dữ liệu mẫu" in commune.content.decode()
    assert client.get("/").status_code == 200
