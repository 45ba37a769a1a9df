"""The channels' activity summary (``ChannelActivity``) always equals its recount from the
posts: after random imports, overlapping re-imports that move a post to another half-month,
month or year (or give it no publication time), through one batch per channel and through
``ingest_many`` (a sync's merged deltas); and the migrations' backfill computes the same
rows in SQL. Each row carries its channel's unit (the oracles key by it).

The subtree counts kept from it (``SubtreeActivity``) equal their recount too, through the
same imports and when a unit moves, and the active channels of any run of half-months read
from them equal a distinct count of the channels."""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import make_unit, make_user
from ledger.ingest.activity import (
    active_in,
    recompute_activity,
    recompute_subtree_activity,
    stored_activity,
    stored_subtree_activity,
)
from ledger.models import ChannelActivity, SubtreeActivity
from ledger.services import PostInput, posts_upsert
from ledger.tests.factories import make_channel
from reports.formatting import VN_TZ

# Days around the 14th/15th and a year's end: a post moved by a re-import crosses halves,
# months and years; late hours cross the UTC date (Vietnam is UTC+7).
DAYS = [date(2025, 12, 14), date(2025, 12, 15), date(2025, 12, 31), date(2026, 1, 1)]
DAYS += [date(2026, 1, 14), date(2026, 1, 15), date(2026, 2, 28)]
POST = st.tuples(
    st.integers(min_value=0, max_value=3),  # a small pool: re-imports overlap
    st.one_of(st.none(), st.sampled_from(DAYS)),
    st.sampled_from([0, 6, 7, 23]),
)
IMPORT = st.tuples(
    st.integers(min_value=0, max_value=2),  # which channel
    st.lists(POST, min_size=1, max_size=4, unique_by=lambda p: p[0]),
)


def _inputs(posts: Sequence[tuple[int, date | None, int]]) -> list[PostInput]:
    return [
        PostInput(
            post_id=f"p{pid}",
            content_type="article",
            published_at=(
                datetime(day.year, day.month, day.day, hour, tzinfo=VN_TZ) if day else None
            ),
            permalink="",
            caption="",
            reach=None,
            views=None,
            reactions=None,
            comments=None,
            shares=None,
        )
        for pid, day, hour in posts
    ]


@pytest.mark.django_db
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(imports=st.lists(IMPORT, min_size=1, max_size=8))
def test_the_summary_is_its_recount_after_any_imports(db: Any, imports: list[Any]) -> None:
    with transaction.atomic():
        province = make_unit("22", "Tỉnh Quảng Ninh", "province")
        commune = make_unit("07192", "Đặc khu Cô Tô", "special_zone", province)
        admin = make_user("p_admin", province, "administrator")
        channels = [
            make_channel(province, "facebook", "ubnd-22"),
            make_channel(commune, "facebook", "ubnd-coto"),
            make_channel(commune, "zalo", "oa-coto"),
        ]
        for which, posts in imports:
            posts_upsert(acting_user=admin, channel=channels[which], posts=_inputs(posts))
            assert stored_activity() == recompute_activity()
            assert stored_subtree_activity() == recompute_subtree_activity()
        _check_runs(recompute_activity(), {province.pk: None, commune.pk: commune.pk})
        # No row is left all zero (a post moved away from a year deletes that year's row).
        assert not ChannelActivity.objects.filter(
            **dict.fromkeys(ChannelActivity.HALVES, 0)
        ).exists()
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_the_migration_backfill_equals_the_recount(world: Any) -> None:
    admin = world.province_users["administrator"]
    ch = make_channel(world.commune_a, "facebook", "ubnd-coto")
    first = datetime(2025, 12, 14, 23, tzinfo=VN_TZ)  # 16:00 UTC, still the 14th locally
    posts = [(i, (first + timedelta(hours=7 * i)).date(), (23 + 7 * i) % 24) for i in range(80)]
    posts_upsert(acting_user=admin, channel=ch, posts=_inputs(posts))
    posts_upsert(acting_user=admin, channel=ch, posts=_inputs([(41, None, 0)]))
    expected = recompute_activity()
    assert expected == stored_activity()
    assert len(expected) == 2  # 2025 and 2026
    ChannelActivity.objects.all().delete()
    migration = importlib.import_module("ledger.migrations.0010_channel_activity")
    units = importlib.import_module("ledger.migrations.0011_activity_unit")
    with connection.cursor() as cursor:
        cursor.execute(migration.backfill_sql(connection.vendor))
        cursor.execute(units.SET_UNITS_SQL)
    assert stored_activity() == expected


def _check_runs(activity: dict[tuple[int, int, int], list[int]], units: dict[int, Any]) -> None:
    """Every run of half-months over the data's span: the kept counts' sum for each unit
    (None: the whole tree; else the channels registered to that unit) equals the number of
    distinct channels with a post in the run."""
    halves: dict[tuple[int, int], set[int]] = {}
    for (channel_id, unit_id, year), counts in activity.items():
        found = halves.setdefault((channel_id, unit_id), set())
        found.update(year * 24 + i for i, n in enumerate(counts) if n)
    if not halves:
        return
    span = sorted(set().union(*halves.values()))
    for first in range(span[0] - 1, span[-1] + 2):
        for last in range(first, span[-1] + 2):
            got = active_in(list(units), first, last)
            for unit_id, only in units.items():
                expected = sum(
                    1
                    for (_channel, u), active in halves.items()
                    if (only is None or u == only) and any(first <= h <= last for h in active)
                )
                assert got.get(unit_id, 0) == expected, (unit_id, first, last)


@pytest.mark.django_db
def test_subtree_counts_follow_a_moved_unit_and_a_re_registered_channel(
    world: Any, tmp_path: Any
) -> None:
    from registry.services import channel_register, channel_retire
    from units.services import units_load_csv

    admin = world.province_users["administrator"]
    department = make_channel(world.department, "facebook", "sovanhoa")
    commune = make_channel(world.commune_a, "facebook", "ubndxaa")
    days = [(1, date(2026, 1, 3), 9), (2, date(2026, 1, 20), 9), (3, date(2026, 3, 2), 9)]
    posts_upsert(acting_user=admin, channel=department, posts=_inputs(days))
    posts_upsert(acting_user=admin, channel=commune, posts=_inputs(days[1:]))
    f = tmp_path / "moves.csv"
    f.write_text(
        "code,name,kind,parent_code\n22-SVHTTDL,Sở Văn hóa,department,07192\n", encoding="utf-8"
    )
    units_load_csv(path=f)
    assert stored_subtree_activity() == recompute_subtree_activity()
    channel_retire(acting_user=admin, channel=commune, reason="chuyển đơn vị")
    channel_register(
        acting_user=admin,
        unit=world.commune_b,
        url=f"https://www.facebook.com/{commune.identifier}",
        acknowledge_lookalike="Kênh chuyển sang xã B",
    )
    assert stored_subtree_activity() == recompute_subtree_activity()
    january = SubtreeActivity.index(2026, 1, 1), SubtreeActivity.index(2026, 1, 2)
    got = active_in([world.commune_a.pk, world.commune_b.pk, world.province.pk], *january)
    assert got == {world.commune_a.pk: 1, world.commune_b.pk: 1, world.province.pk: 2}


@pytest.mark.django_db
def test_the_subtree_migration_backfill_equals_the_recount(world: Any) -> None:
    admin = world.province_users["administrator"]
    ch = make_channel(world.commune_a, "facebook", "ubnd-coto")
    days = [(i, date(2026, 1 + i % 5, 1 + 14 * (i % 2)), 9) for i in range(10)]
    posts_upsert(acting_user=admin, channel=ch, posts=_inputs(days))
    expected = recompute_subtree_activity()
    assert expected and expected == stored_subtree_activity()
    SubtreeActivity.objects.all().delete()
    migration = importlib.import_module("ledger.migrations.0012_subtree_activity")
    from django.apps import apps

    migration.backfill(apps, None)
    assert stored_subtree_activity() == expected


def test_the_completeness_migration_backfill_equals_the_recount(world: Any) -> None:
    from ledger.ingest.completeness import recompute_subtree_reported, stored_subtree_reported
    from ledger.models import SubtreeReported

    admin = world.province_users["administrator"]
    for unit, name in ((world.commune_a, "a"), (world.commune_b, "b")):
        ch = make_channel(unit, "facebook", f"ubnd-{name}")
        days = [(i, date(2026, 1 + i % 3, 3), 9) for i in range(4)]
        posts_upsert(acting_user=admin, channel=ch, posts=_inputs(days))
    expected = recompute_subtree_reported()
    assert expected[(world.province.pk, date(2026, 1, 1))] == 2
    assert stored_subtree_reported() == expected
    SubtreeReported.objects.all().delete()
    migration = importlib.import_module("ledger.migrations.0013_subtree_reported")
    from django.apps import apps

    migration.backfill(apps, None)
    assert stored_subtree_reported() == expected
