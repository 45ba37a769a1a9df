"""Migration 0006 moves an approved form's "posts with reach" onto its item rows."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("ledger", "0005_lean_post_snapshot_indexes")]
AFTER = [("ledger", "0006_form_reach_on_item_rows")]


def _state(target: list[tuple[str, str]]) -> Any:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)
    # The units as they are now (their later migrations stay applied): a historical Unit
    # without a column the table has NOT NULL could not be created.
    units = executor.loader.graph.leaf_nodes("units")
    return executor.loader.project_state([*target, *units]).apps


@pytest.mark.django_db(transaction=True)
def test_an_old_form_s_rows_are_moved_and_totals_kept() -> None:
    apps = _state(BEFORE)
    Unit = apps.get_model("units", "Unit")
    province = Unit.objects.create(code="22", name="Tỉnh", kind="province", path="22/", level=0)
    commune = Unit.objects.create(
        code="07192", name="Xã", kind="commune", parent=province, path="22/07192/", level=1
    )
    month = date(2026, 3, 1)
    apps.get_model("ledger", "MonthlyForm").objects.create(
        unit=commune, month=month, platform="zalo", articles=20, photos=5, reach=3400,
        status="approved",
    )  # fmt: skip
    key = {"month": month, "platform": "zalo"}
    old = [("article", 20, 0, 0), ("photo", 5, 0, 0), ("unspecified", 0, 25, 3400)]
    for ctype, posts, with_reach, reach in old:
        values = {"posts": posts, "posts_with_reach": with_reach, "reach": reach}
        apps.get_model("ledger", "UnitMonthStat").objects.create(
            unit=commune, content_type=ctype, source="form", counted=True, **key, **values
        )
        for unit in (commune, province):
            apps.get_model("ledger", "SubtreeStat").objects.create(
                unit=unit, content_type=ctype, half=0, **key, **values
            )

    apps = _state(AFTER)
    try:
        _check(apps)
    finally:  # the later tests need the latest schema again
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


def _check(apps: Any) -> None:
    for model in ("UnitMonthStat", "SubtreeStat"):
        rows = {
            r.content_type: (r.posts, r.posts_with_reach, r.reach)
            for r in apps.get_model("ledger", model).objects.filter(unit__code="07192")
        }
        assert rows == {
            "article": (20, 20, 0),
            "photo": (5, 5, 0),
            "unspecified": (0, 0, 3400),
        }, model
    province_rows = apps.get_model("ledger", "SubtreeStat").objects.filter(unit__code="22")
    assert sum(r.posts_with_reach for r in province_rows) == 25
    assert all(r.posts_with_reach <= r.posts for r in province_rows)
