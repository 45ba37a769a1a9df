"""Two writers of the same figures at once (PostgreSQL: SQLite serialises writers itself).

Each test holds both transactions at the same point with a barrier, then checks that
neither failed and that the roll-up equals a recount from the posts and forms."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.db import connection, connections

from ledger import services
from ledger.ingest import aggregate
from ledger.tests.test_import import assert_stats_match
from reports.tests.factories import add_posts, at, channel

pytestmark = [
    pytest.mark.skipif("connection.vendor != 'postgresql'"),
    pytest.mark.django_db(transaction=True),
]


def run_together(targets: list[Callable[[], Any]], meet_at: str) -> list[BaseException]:
    """Run ``targets`` in threads; each waits for the others on entering ``meet_at``
    (a function of ledger.ingest.aggregate), for at most 3 s (a writer blocked on a lock never
    arrives: that is the point)."""
    barrier = threading.Barrier(len(targets), timeout=3)
    original = getattr(aggregate, meet_at)
    errors: list[BaseException] = []

    def meet(*args: Any, **kwargs: Any) -> Any:
        try:
            barrier.wait()
        except threading.BrokenBarrierError:
            pass
        return original(*args, **kwargs)

    def run(target: Callable[[], Any]) -> None:
        try:
            target()
        except BaseException as exc:  # noqa: BLE001 - reported to the test
            errors.append(exc)
        finally:
            connections.close_all()

    setattr(aggregate, meet_at, meet)
    try:
        threads = [threading.Thread(target=run, args=(t,)) for t in targets]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
    finally:
        setattr(aggregate, meet_at, original)
    return errors


def approved_form(world: Any, month: date, **counts: Any) -> Any:
    reporter = world.users_a["reporter"]
    form = services.monthly_form_save(
        acting_user=reporter, unit=world.commune_a, month=month, platform="facebook", **counts
    )
    form = services.monthly_form_submit(acting_user=reporter, form=form)
    return services.monthly_form_approve(
        acting_user=world.province_users["administrator"], form=form
    )


def test_sibling_imports_create_the_same_province_rows_at_once(world: Any) -> None:
    admin = world.province_users["administrator"]
    page_a, page_b = channel(world.commune_a), channel(world.commune_b)
    errors = run_together(
        [
            lambda: add_posts(admin, page_a, [{"published_at": at(2026, 2, 3)}]),
            lambda: add_posts(admin, page_b, [{"published_at": at(2026, 2, 4)}]),
        ],
        "write_rollup",
    )
    assert not errors, errors
    assert_stats_match()


def test_an_unlock_and_an_import_of_the_same_month_do_not_both_move_the_form(world: Any) -> None:
    admin = world.province_users["administrator"]
    page = channel(world.commune_a)
    form = approved_form(world, date(2026, 2, 1), articles=3, reach=30)
    errors = run_together(
        [
            lambda: add_posts(admin, page, [{"published_at": at(2026, 2, 3), "reach": 1}]),
            lambda: services.monthly_form_unlock(acting_user=admin, form=form),
        ],
        "apply_stat_deltas",
    )
    assert not errors, errors
    assert_stats_match()
    assert connection.vendor == "postgresql"
