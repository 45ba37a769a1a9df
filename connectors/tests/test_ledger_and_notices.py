"""The connectors and the rest: the same post from an export and from the API, the reports'
freshness and followers, the editors' notices and e-mails, the metric-rename table."""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from connectors import metrics, notify, selectors, sync
from connectors.models import Connection
from connectors.tests.conftest import connect
from connectors.tests.factories import connected_of
from ledger.models import Post
from registry.tests.factories import make_channel

pytestmark = pytest.mark.django_db
SAMPLE = Path(__file__).resolve().parents[2] / "docs" / "samples" / "meta_business_suite_posts.csv"


def test_a_post_from_an_export_and_from_the_api_is_one_post(world: Any, fakes: Any) -> None:
    with SAMPLE.open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    page_id = rows[0]["Page ID"]
    channel = make_channel(
        world.commune_a, f"https://www.facebook.com/profile.php?id={page_id}", verified=True
    )
    call_command("import_data", str(SAMPLE), "--channel", str(channel.pk), "--json")
    exported = Post.objects.filter(channel=channel).count()
    assert exported == len(rows)
    account = fakes.world.add_account("facebook", page_id, posts=len(rows))
    for fake, row in zip(account.posts, rows, strict=True):
        fake.id = row["Post ID"]
        fake.created = datetime(2026, 2, 1, 5, tzinfo=UTC)
    token, _ = fakes.world.issue("facebook", [page_id], expires_in=None, refresh=False)
    call_command("connect_channel", "--channel", str(channel.pk), "--access-token", token)
    result = sync.run(channels=[channel], since=date(2026, 1, 1), until=date(2026, 12, 31))[0]
    assert result.status == "ok", result.errors
    assert result.posts_created == 0
    assert Post.objects.filter(channel=channel).count() == exported


@pytest.mark.parametrize("api_first", [True, False])
def test_api_and_export_figures_of_a_post_are_counted_once(
    world: Any, fakes: Any, api_first: bool
) -> None:
    """Matched by the platform's post id, whichever comes first: one post each, and the
    aggregate, the roll-up and the report count each once, with its latest figures."""
    from ledger.tests.test_import import assert_stats_match
    from reports.periods import parse_period
    from reports.selectors import summary

    with SAMPLE.open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    page_id = rows[0]["Page ID"]
    channel = make_channel(
        world.commune_a, f"https://www.facebook.com/profile.php?id={page_id}", verified=True
    )
    account = fakes.world.add_account("facebook", page_id, posts=len(rows))
    for fake, row in zip(account.posts, rows, strict=True):
        fake.id = row["Post ID"]
        fake.created = datetime(2026, 2, 1, 5, tzinfo=UTC)
        fake.reach += 7  # the API's figures differ from the export's
    token, _ = fakes.world.issue("facebook", [page_id], expires_in=None, refresh=False)
    call_command("connect_channel", "--channel", str(channel.pk), "--access-token", token)

    def by_api() -> None:
        result = sync.run(channels=[channel], since=date(2026, 1, 1), until=date(2026, 12, 31))
        assert result[0].status == "ok"

    def by_file() -> None:
        call_command("import_data", str(SAMPLE), "--channel", str(channel.pk), "--json")

    for step in (by_api, by_file) if api_first else (by_file, by_api):
        step()
    posts = Post.objects.filter(channel=channel)
    assert posts.count() == len(rows)
    assert_stats_match()
    totals = summary(world.province, parse_period("2026"))["totals"]
    assert totals["posts"] == len(rows)
    assert totals["reach"] == sum(p.reach or 0 for p in posts)
    # The later source's figures count: the API's reach ends in +7 for every post.
    api_reach = {p.id: p.reach for p in account.posts}
    assert all((p.reach == api_reach[p.post_id]) == (not api_first) for p in posts)


def test_freshness_says_the_source_and_marks_data_older_than_two_days_stale(world: Any) -> None:
    connected = connected_of(world, "a")
    by_import = make_channel(world.commune_a, "https://www.facebook.com/chixuat", verified=True)
    rows = {f.channel.pk: f for f in selectors.freshness(world.commune_a)}
    assert rows[connected.channel_id].source == "api" and rows[connected.channel_id].stale
    assert rows[by_import.pk].source == "import" and rows[by_import.pk].stale
    connected.last_success_at = timezone.now() - timedelta(days=1)
    connected.save()
    assert not {f.channel.pk: f for f in selectors.freshness(world.commune_a)}[
        connected.channel_id
    ].stale
    connected.last_success_at = timezone.now() - timedelta(days=3)
    connected.save()
    assert {f.channel.pk: f for f in selectors.freshness(world.commune_a)}[
        connected.channel_id
    ].stale
    # Commune B's channels are not in commune A's report.
    connected_of(world, "b")
    assert len(selectors.freshness(world.commune_a)) == 2


def test_followers_over_time(world: Any, fakes: Any) -> None:
    c = connect(fakes, world.commune_a, "youtube")
    sync.run(channels=[c.channel], today=date(2026, 11, 1))
    c.account.followers += 50
    sync.run(channels=[c.channel], today=date(2026, 11, 2))
    series = selectors.followers_series(
        world.province, since=date(2026, 11, 1), until=date(2026, 11, 30)
    )
    assert [v for _d, v in series[c.channel.pk]] == [c.account.followers - 50, c.account.followers]


def test_editors_are_told_14_days_before_the_refresh_token_expires(world: Any) -> None:
    editor = world.users_a["editor"]
    editor.email = "bientap@coto.example"
    editor.save()
    connection = connected_of(world, "a")
    connection.refresh_token = "x"
    connection.refresh_expires_at = timezone.now() + timedelta(days=20)
    connection.save()
    assert notify.expiring() == 0 and selectors.notices_for(editor) == []
    connection.refresh_expires_at = timezone.now() + timedelta(days=13)
    connection.save()
    assert notify.expiring() == 1
    assert mail.outbox[0].to == ["bientap@coto.example"]
    assert notify.expiring() == 0  # once
    notices = selectors.notices_for(editor)
    assert [n.kind for n in notices] == ["expiring"]
    # Not a reporter's home, not another unit's editor.
    assert selectors.notices_for(world.users_a["reporter"]) == []
    assert selectors.notices_for(world.users_b["editor"]) == []


def test_a_connection_needing_a_person_is_on_the_editors_home_notices(world: Any) -> None:
    connection = connected_of(world, "a")
    connection.status = Connection.Status.RECONNECT
    connection.save()
    assert [n.kind for n in selectors.notices_for(world.users_a["administrator"])] == ["reconnect"]


def test_the_rename_table_picks_the_name_valid_on_the_day() -> None:
    before = metrics.names("facebook", date(2025, 1, 10), fields=("views", "reach"))
    after = metrics.names("facebook", date(2025, 11, 15), fields=("views", "reach"))
    assert before == {"post_impressions": "views", "post_impressions_unique": "reach"}
    assert after == {"post_media_view": "views", "post_total_media_view_unique": "reach"}
    assert metrics.names("facebook", date(2025, 11, 15), fields=("followers",)) == {
        "page_follows": "followers"
    }
    assert "views" in metrics.names("instagram", date(2025, 4, 21))
    assert "impressions" not in metrics.names("instagram", date(2025, 4, 21))


def test_sync_channels_json_prints_one_object_per_channel(
    world: Any, fakes: Any, capsys: Any
) -> None:
    import json

    c = connect(fakes, world.commune_a, "tiktok")
    call_command("sync_channels", "--channel", c.channel.url, "--json")
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert lines == [
        {
            "channel": c.channel.pk,
            "status": "ok",
            "posts_created": 12,
            "posts_updated": 0,
            "unchanged": 0,
            "requests": lines[0]["requests"],
            "errors": [],
        }
    ]
