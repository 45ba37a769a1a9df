"""Services: the item workflow, the two-person rule, republication refusals, link_posts,
coverage numbers and top_items."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from core.models import AuditEvent
from hub import selectors, services
from hub.models import Item, Republication
from hub.tests.factories import make_item
from ledger.models import Post
from ledger.services import PostInput, posts_upsert
from registry.tests.factories import make_channel

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(world: Any) -> Item:
    return make_item(
        world.province, world.province_users["editor"], world.province_users["administrator"]
    )


@pytest.fixture
def fb_a(world: Any) -> Any:
    return make_channel(world.commune_a, "https://www.facebook.com/ubndcoto", verified=True)


@pytest.fixture
def fb_b(world: Any) -> Any:
    return make_channel(world.commune_b, "https://www.facebook.com/phuonghalong", verified=True)


def _post(
    channel: Any,
    post_id: str,
    *,
    permalink: str = "",
    caption: str = "",
    reach: int | None = 100,
    views: int | None = 150,
    when: Any = None,
) -> Post:
    posts_upsert(
        acting_user=None,
        channel=channel,
        posts=[
            PostInput(
                post_id=post_id,
                content_type="article",
                published_at=when or timezone.now() - timedelta(hours=2),
                permalink=permalink,
                caption=caption,
                reach=reach,
                views=views,
            )
        ],
    )
    return Post.objects.get(channel=channel, post_id=post_id)


# --------------------------------------------------------------------------- items


def test_create_is_a_draft_with_a_short_code_and_sanitised_body(world: Any) -> None:
    item = make_item(
        world.province,
        world.province_users["editor"],
        body="Xin chào <script>alert(1)</script> [x](javascript:alert(1)) **đậm**",
        tags="Thuế, thuế , Chuyển đổi số",
    )
    assert item.status == Item.Status.DRAFT and item.state() == Item.DRAFT
    assert len(item.code) == 6 and item.code.isalnum()
    assert "<script" not in item.body_html and "javascript:" not in item.body_html
    assert "<strong>đậm</strong>" in item.body_html
    assert sorted(item.tags.values_list("name", flat=True)) == ["chuyển đổi số", "thuế"]
    event = AuditEvent.objects.get(action="hub.item.create")
    assert event.object_id == str(item.pk) and event.unit_path == world.province.path


def test_create_refuses_bad_fields_and_writes_nothing(world: Any) -> None:
    editor = world.province_users["editor"]
    with pytest.raises(ValidationError) as exc:
        services.item_create(
            acting_user=editor,
            issuing_unit=world.province,
            title=" ",
            summary="",
            kind="gossip",
            audience="chosen",
            audience_units=[],
            publish_start=timezone.now(),
            publish_end=timezone.now() - timedelta(days=1),
        )
    assert set(exc.value.message_dict) == {
        "title",
        "summary",
        "kind",
        "audience_units",
        "publish_end",
    }
    assert (
        not Item.objects.exists()
        and not AuditEvent.objects.filter(action__startswith="hub").exists()
    )


def test_chosen_audience_must_be_child_units(world: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        make_item(
            world.commune_a,
            world.users_a["editor"],
            audience="chosen",
            audience_units=[world.commune_b],
        )
    assert world.commune_b.name in exc.value.message_dict["audience_units"][0]


def test_only_editors_of_the_issuing_unit_create(world: Any) -> None:
    with pytest.raises(PermissionDenied):
        make_item(world.province, world.users_a["editor"])  # editor below, not over
    with pytest.raises(PermissionDenied):
        make_item(world.commune_a, world.users_a["reporter"])


# --------------------------------------------------------------------------- two-person rule


def test_author_cannot_approve_own_item(world: Any) -> None:
    draft = make_item(world.province, world.province_users["editor"])
    with pytest.raises(PermissionDenied):
        services.item_approve(acting_user=world.province_users["editor"], item=draft)
    draft.refresh_from_db()
    assert draft.status == Item.Status.DRAFT


def test_last_editor_cannot_approve_either(world: Any) -> None:
    draft = make_item(world.province, world.province_users["editor"])
    admin = world.province_users["administrator"]
    services.item_update(
        acting_user=admin,
        item=draft,
        title="Sửa",
        summary="s",
        kind="news",
        publish_start=draft.publish_start,
    )
    with pytest.raises(PermissionDenied):
        services.item_approve(acting_user=admin, item=draft)


def test_second_editor_approves_and_reporter_cannot(world: Any) -> None:
    draft = make_item(world.province, world.province_users["editor"])
    with pytest.raises(PermissionDenied):
        services.item_approve(acting_user=world.province_users["reporter"], item=draft)
    with pytest.raises(PermissionDenied):  # an editor of a commune below is not over the issuer
        services.item_approve(acting_user=world.users_a["editor"], item=draft)
    with pytest.raises(PermissionDenied):  # the command line is nobody: no approval
        services.item_approve(acting_user=None, item=draft)
    approved = services.item_approve(acting_user=world.province_users["administrator"], item=draft)
    assert approved.status == Item.Status.APPROVED
    assert approved.approved_by == world.province_users["administrator"]
    assert approved.state() == Item.PUBLISHED
    assert AuditEvent.objects.filter(action="hub.item.approve", object_id=str(draft.pk)).exists()


def test_window_decides_the_state(world: Any) -> None:
    p = world.province_users
    later = make_item(
        world.province,
        p["editor"],
        p["administrator"],
        publish_start=timezone.now() + timedelta(days=2),
    )
    assert later.state() == Item.SCHEDULED and not later.is_public
    over = make_item(
        world.province,
        p["editor"],
        p["administrator"],
        publish_start=timezone.now() - timedelta(days=5),
        publish_end=timezone.now() - timedelta(days=1),
    )
    assert over.state() == Item.ENDED and over.is_public


def test_approved_items_are_not_edited_until_reopened(world: Any, item: Item) -> None:
    editor = world.province_users["editor"]
    with pytest.raises(ValidationError):
        services.item_update(
            acting_user=editor,
            item=item,
            title="x",
            summary="y",
            kind="news",
            publish_start=item.publish_start,
        )
    services.item_reopen(acting_user=editor, item=item, reason="sửa lỗi chính tả")
    item.refresh_from_db()
    assert item.status == Item.Status.DRAFT and item.approved_by is None
    services.item_update(
        acting_user=editor,
        item=item,
        title="Mới",
        summary="y",
        kind="news",
        publish_start=item.publish_start,
    )
    item.refresh_from_db()
    assert item.title == "Mới"


# --------------------------------------------------------------------------- republications


def test_record_on_own_channel(world: Any, item: Item, fb_a: Any) -> None:
    rep = services.republication_record(
        acting_user=world.users_a["reporter"],
        item=item,
        unit=world.commune_a,
        url="https://m.facebook.com/ubndcoto/posts/123456789/?utm_source=zalo#c",
    )
    assert rep.channel == fb_a
    assert rep.url == "https://facebook.com/ubndcoto/posts/123456789"
    assert rep.recorded_by == world.users_a["reporter"]
    assert AuditEvent.objects.filter(action="hub.republication.record").count() == 1


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("không phải link", "Không phải địa chỉ bài đăng"),
        ("https://www.facebook.com/share/p/abc/", "Không phải địa chỉ bài đăng"),
        ("https://www.facebook.com/phuonghalong/posts/1", "Phường Hạ Long"),  # B's channel
        ("https://www.facebook.com/trangla/posts/1", "chưa được đăng ký"),
        ("https://www.facebook.com/ubndcoto", "địa chỉ của kênh"),
    ],
)
def test_refused_urls_say_why(
    world: Any, item: Item, fb_a: Any, fb_b: Any, url: str, why: str
) -> None:
    with pytest.raises(ValidationError) as exc:
        services.republication_record(
            acting_user=world.users_a["reporter"], item=item, unit=world.commune_a, url=url
        )
    assert why in exc.value.message_dict["url"][0]
    assert not Republication.objects.exists()


def test_retired_channel_is_refused(world: Any, item: Item) -> None:
    make_channel(world.commune_a, "https://www.facebook.com/cuCoto", verified=True, retired=True)
    with pytest.raises(ValidationError) as exc:
        services.republication_record(
            acting_user=world.users_a["reporter"],
            item=item,
            unit=world.commune_a,
            url="https://www.facebook.com/cucoto/posts/5",
        )
    assert "ngừng sử dụng" in exc.value.message_dict["url"][0]


def test_same_post_twice_and_unaddressed_unit_and_draft(world: Any, item: Item, fb_a: Any) -> None:
    reporter = world.users_a["reporter"]
    url = "https://www.facebook.com/ubndcoto/posts/42"
    services.republication_record(acting_user=reporter, item=item, unit=world.commune_a, url=url)
    with pytest.raises(ValidationError, match="đã được ghi nhận"):
        services.republication_record(
            acting_user=reporter, item=item, unit=world.commune_a, url=url + "/"
        )
    own = make_item(world.commune_b, world.users_b["editor"], world.users_b["administrator"])
    with pytest.raises(PermissionDenied):
        services.republication_record(acting_user=reporter, item=own, unit=world.commune_b, url=url)
    with pytest.raises(ValidationError, match="không gửi tới"):
        services.republication_record(acting_user=None, item=own, unit=world.commune_a, url=url)
    draft = make_item(world.province, world.province_users["editor"])
    with pytest.raises(ValidationError, match="chưa được đăng"):
        services.republication_record(
            acting_user=reporter, item=draft, unit=world.commune_a, url=url + "1"
        )
    with pytest.raises(PermissionDenied):
        services.republication_record(
            acting_user=world.users_a["viewer"], item=item, unit=world.commune_a, url=url + "2"
        )


def test_youtube_video_link_is_accepted_when_the_ledger_has_it(world: Any, item: Item) -> None:
    yt = make_channel(world.commune_a, "https://www.youtube.com/@ubndcoto", verified=True)
    url = "https://www.youtube.com/watch?v=abcDEF12345"
    with pytest.raises(ValidationError, match="YouTube"):
        services.republication_record(acting_user=None, item=item, unit=world.commune_a, url=url)
    post = _post(yt, "abcDEF12345", permalink=url)
    rep = services.republication_record(
        acting_user=None, item=item, unit=world.commune_a, url=url + "&t=3"
    )
    assert rep.channel == yt and rep.post == post
    post.refresh_from_db()
    assert post.hub_item_id == item.pk


# --------------------------------------------------------------------------- link_posts


def test_link_by_permalink_after_import(world: Any, item: Item, fb_a: Any) -> None:
    services.republication_record(
        acting_user=None,
        item=item,
        unit=world.commune_a,
        url="https://www.facebook.com/ubndcoto/posts/777",
    )
    # The import links it in its own transaction (ledger ingest -> LinkCandidates).
    post = _post(
        fb_a, "777", permalink="https://www.facebook.com/ubndcoto/posts/777?__cft__=x", reach=900
    )
    assert post.hub_item_id == item.pk
    assert services.link_posts(posts=[post]) == 0  # idempotent
    rep = Republication.objects.get()
    assert rep.post == post
    # Linking by hand does the same for posts imported before the republication was recorded.
    Post.objects.filter(pk=post.pk).update(hub_item_id=None)
    Republication.objects.filter(pk=rep.pk).update(post=None)
    post.refresh_from_db()
    assert services.link_posts(posts=[post]) == 1
    post.refresh_from_db()
    assert post.hub_item_id == item.pk


def test_link_by_short_link_in_caption(world: Any, item: Item, fb_a: Any, fb_b: Any) -> None:
    caption = f"Mời bà con đọc: https://bantin.example/p/noi-dung/{item.code.upper()}/ nhé"
    post = _post(
        fb_a,
        "888",
        permalink="https://www.facebook.com/ubndcoto/posts/888",
        caption=caption,
        reach=50,
    )
    other = _post(fb_b, "999", caption=f"https://x/p/noi-dung/{item.code}", reach=70)
    draft = make_item(world.province, world.province_users["editor"])
    unrelated = _post(fb_a, "1000", caption=f"/p/noi-dung/{draft.code}/", reach=5)
    # Linked by the imports themselves; linking again changes nothing.
    assert services.link_posts(posts=[post, other, unrelated]) == 0
    reps = Republication.objects.order_by("unit__code")
    assert [(r.unit, r.source, r.post) for r in reps] == [
        (world.commune_b, "caption", other),
        (world.commune_a, "caption", post),
    ]
    assert reps[0].url == ""  # no permalink: the post itself is the record
    unrelated.refresh_from_db()
    assert unrelated.hub_item_id is None  # a draft is never linked


def test_caption_of_a_unit_not_addressed_is_ignored(world: Any, fb_a: Any) -> None:
    only_b = make_item(
        world.province,
        world.province_users["editor"],
        world.province_users["administrator"],
        audience="chosen",
        audience_units=[world.commune_b],
    )
    post = _post(fb_a, "5", caption=f"/p/noi-dung/{only_b.code}/")
    assert services.link_posts(posts=[post]) == 0
    assert not Republication.objects.exists()


# --------------------------------------------------------------------------- coverage


def test_coverage_numbers(world: Any, item: Item, fb_a: Any) -> None:
    zalo_a = make_channel(world.commune_a, "https://zalo.me/1234567890123", verified=True)
    post1 = _post(
        fb_a, "1", permalink="https://www.facebook.com/ubndcoto/posts/1", reach=1000, views=3000
    )
    post2 = _post(
        zalo_a, "2", permalink="https://zalo.me/1234567890123/article/abc", reach=250, views=None
    )
    for url in (post1.permalink, post2.permalink):
        services.republication_record(acting_user=None, item=item, unit=world.commune_a, url=url)
    cov = selectors.coverage(item)
    addressed = {u.code for u in cov.addressed}
    assert addressed == {world.commune_a.code, world.commune_b.code, world.department.code}
    assert [u.code for u in cov.missing] == sorted(
        [world.commune_b.code, world.department.code], key=lambda c: f"22/{c}/"
    )
    t = cov.totals
    assert (t.addressed, t.republished_units, t.republications, t.linked_posts) == (3, 1, 2, 2)
    assert (t.reach, t.views) == (1250, 3000)
    assert {p["platform"]: (p["reach"], p["views"]) for p in cov.by_platform} == {
        "facebook": (1000, 3000),
        "zalo": (250, 0),
    }
    assert [(u["unit"], u["reach"]) for u in cov.by_unit] == [(world.commune_a, 1250)]
    assert cov.share == 33


def test_coverage_of_chosen_units(world: Any) -> None:
    chosen = make_item(
        world.province,
        world.province_users["editor"],
        world.province_users["administrator"],
        audience="chosen",
        audience_units=[world.commune_b],
    )
    cov = selectors.coverage(chosen)
    assert [u.code for u in cov.addressed] == [world.commune_b.code]
    assert selectors.items_for_unit(world.commune_a).count() == 0
    assert list(selectors.items_for_unit(world.commune_b)) == [chosen]


def test_visibility(world: Any, item: Item) -> None:
    draft = make_item(world.province, world.province_users["editor"], title="Nháp tỉnh")
    b_only = make_item(world.commune_b, world.users_b["editor"], world.users_b["administrator"])
    seen_by_a = set(selectors.items_visible_to(world.users_a["viewer"]))
    assert seen_by_a == {item}  # addressed and published; not the province's draft, not B's
    assert set(selectors.items_visible_to(world.province_users["viewer"])) == {item, draft, b_only}
    assert not selectors.can_see_coverage(world.users_a["administrator"], item)


def test_top_items(world: Any, fb_a: Any, fb_b: Any) -> None:
    p = world.province_users
    first = make_item(world.province, p["editor"], p["administrator"], title="Một")
    second = make_item(world.province, p["editor"], p["administrator"], title="Hai")
    outside = make_item(
        world.commune_b, world.users_b["editor"], world.users_b["administrator"], title="B"
    )
    now = timezone.now()
    posts = [
        (
            _post(
                fb_a,
                "t1",
                caption=f"/p/noi-dung/{first.code}/",
                reach=100,
                when=now - timedelta(days=1),
            ),
            first,
        ),
        (
            _post(
                fb_b,
                "t2",
                caption=f"/p/noi-dung/{second.code}/",
                reach=500,
                when=now - timedelta(days=1),
            ),
            second,
        ),
        (
            _post(
                fb_a,
                "t3",
                caption=f"/p/noi-dung/{second.code}/",
                reach=9999,
                when=now - timedelta(days=40),
            ),
            second,
        ),
    ]
    services.link_posts(posts=[post for post, _i in posts])
    Post.objects.filter(post_id="t3").update(hub_item_id=second.pk)
    top = selectors.top_items(world.province, now - timedelta(days=7), now, limit=5)
    assert [(t.item, t.reach, t.posts) for t in top] == [(second, 500, 1), (first, 100, 1)]
    assert selectors.top_items(world.commune_a, now - timedelta(days=7), now) == []
    assert outside not in [t.item for t in top]
