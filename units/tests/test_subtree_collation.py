"""Issue 18, finding 1: a subtree is the same set of units whatever the database's collation.

CI runs these (and the report tests) once more on a PostgreSQL database created with an ICU
``vi-VN`` collation, where "~" sorts before letters and digits.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.db.models import Count

from conftest import make_unit
from core.audit import audit
from core.models import AuditEvent
from registry.models import Channel
from units.checks import subtree_range_holds
from units.models import Unit
from units.selectors import child_code, path_in_subtree_q, subtree, subtree_q

# One code per character class a code may hold (digits, capitals, small letters, . _ -).
CODES = ["07192", "SO-TTTT", "so.tt_tt", "Zeta", "a1"]


@pytest.fixture
def tree(db: Any) -> dict[str, Unit]:
    root = make_unit("22", "Tỉnh Quảng Ninh", "province")
    units = {"root": root}
    for code in CODES:
        units[code] = make_unit(code, f"Đơn vị {code}", "department", root)
        units[code + "/x"] = make_unit(f"{code}-x", f"Dưới {code}", "agency", units[code])
    # Neighbours whose paths share the root's digits but lie outside its subtree.
    units["220"] = make_unit("220", "Tỉnh khác", "province")
    units["21"] = make_unit("21", "Tỉnh trước", "province")
    make_unit("99999", "Xã của tỉnh khác", "commune", units["220"])
    return units


def test_subtree_holds_every_descendant_whatever_their_codes(tree: dict[str, Unit]) -> None:
    root = tree["root"]
    expected = {"22", *CODES, *(f"{c}-x" for c in CODES)}
    assert set(subtree(root).values_list("code", flat=True)) == expected
    assert subtree(root, include_self=False).count() == len(expected) - 1
    below = Unit.objects.filter(subtree_q(root, field="parent"))
    assert set(below.values_list("code", flat=True)) == expected - {"22"}


def test_rows_attached_to_the_subtree_and_audit_paths_follow(tree: dict[str, Unit]) -> None:
    root = tree["root"]
    for code in CODES:
        unit = tree[code]
        Channel.objects.create(
            unit=unit, platform="website", identifier=f"{code.lower()}.gov.vn", url="https://x"
        )
        audit(None, "test.event", unit, unit_path=unit.path)
    audit(None, "test.event", tree["220"], unit_path=tree["220"].path)
    assert Channel.objects.filter(subtree_q(root)).count() == len(CODES)
    events = AuditEvent.objects.filter(path_in_subtree_q(root, field="unit_path"))
    assert events.count() == len(CODES)


@pytest.mark.django_db
def test_the_collation_check_passes_here() -> None:
    assert subtree_range_holds(databases=["default"]) == []


@pytest.mark.django_db
def test_the_collation_check_refuses_a_linguistic_collation() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite compares text bytewise; there is no other collation to refuse")
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_collation WHERE collname = 'vi-VN-x-icu'")
        if cursor.fetchone() is None:
            pytest.skip("this PostgreSQL has no ICU")
        # DDL is transactional on PostgreSQL: the test's rollback restores the column.
        cursor.execute(
            'ALTER TABLE units_unit ALTER COLUMN path TYPE varchar(255) COLLATE "vi-VN-x-icu"'
        )
    errors = subtree_range_holds(databases=["default"])
    assert [e.id for e in errors] == ["units.E001"]
    assert "units_unit.path" in errors[0].msg


@pytest.mark.django_db
def test_ci_runs_on_the_icu_database_it_asked_for() -> None:
    """.ci/run sets BANTIN_EXPECT_ICU for its ICU pass, so that pass cannot run on "C"."""
    import os

    if not os.environ.get("BANTIN_EXPECT_ICU"):
        pytest.skip("BANTIN_EXPECT_ICU not set (only CI's ICU pass sets it)")
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT datlocprovider, daticulocale FROM pg_database WHERE datname = current_database()"
        )
        assert cursor.fetchone() == ("i", os.environ["BANTIN_EXPECT_ICU"])


def test_child_code_names_the_child_above_every_unit_of_the_subtree(
    tree: dict[str, Unit],
) -> None:
    """Reports group a subtree's rows by ``child_code`` in SQL: every unit maps to the code
    of the root's direct child above it, the root itself to '', on both databases."""
    root = tree["root"]
    got = dict(
        subtree(root).annotate(child=child_code(root, field="path")).values_list("code", "child")
    )
    expected = {"22": ""}
    for code in CODES:
        expected[code] = code
        expected[f"{code}-x"] = code
    assert got == expected
    # Grouped through a foreign key, as the reports do (channels by the child of their unit).
    for code in CODES:
        Channel.objects.create(
            unit=tree[code + "/x"],
            platform="website",
            identifier=f"x-{code}",
            url=f"https://x/{code}",
        )
    counts = dict(
        Channel.objects.filter(subtree_q(root))
        .annotate(child=child_code(root))
        .values("child")
        .annotate(n=Count("pk"))
        .values_list("child", "n")
    )
    assert counts == dict.fromkeys(CODES, 1)
