"""Imports end to end through ``import_data --json``: totals, idempotency, refusals."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db.models import Sum

from ledger.models import (
    ImportBatch,
    MetricSnapshot,
    Post,
    RowRejection,
    SubtreeStat,
    UnitMonthStat,
)
from ledger.selectors import orphan_snapshots
from ledger.services import recompute_rollup, recompute_stats
from ledger.tests.factories import SHARED, make_channel

FIXTURES = Path(__file__).parent / "fixtures"
EXPECTED = json.loads((SHARED / "expected.json").read_text())


def run_import(path: Path, *args: str) -> tuple[int, dict[str, Any] | None, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_data", str(path), "--json", *args, stdout=out, stderr=err)
    except SystemExit as exc:
        return int(exc.code or 0), None, err.getvalue()
    return 0, json.loads(out.getvalue()), err.getvalue()


def channel_for(world: Any, name: str) -> Any:
    spec = EXPECTED[name]
    if spec["platform"] == "facebook":
        return make_channel(
            world.commune_a, "facebook", "ubndminhchau", external_id=spec["page_id"]
        )
    if spec["platform"] == "tiktok":
        return make_channel(world.commune_a, "tiktok", spec["handle"])
    return make_channel(world.commune_a, "youtube", "@halong")


def assert_stats_match() -> None:
    stored = {
        (s.unit_id, s.month, s.platform, s.content_type, s.source): {
            n: getattr(s, n) for n in UnitMonthStat.SUMS
        }
        for s in UnitMonthStat.objects.all()
    }
    stored = {k: v for k, v in stored.items() if any(v.values())}
    assert stored == recompute_stats()
    rollup = {
        (s.unit_id, s.month, s.half, s.platform, s.content_type): {
            n: getattr(s, n) for n in SubtreeStat.SUMS
        }
        for s in SubtreeStat.objects.all()
    }
    assert rollup == recompute_rollup()
    assert orphan_snapshots() == 0


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_shared_fixture_imports_to_expected_totals(world: Any, name: str) -> None:
    spec = EXPECTED[name]
    channel = channel_for(world, name)
    args = [] if spec["platform"] in ("facebook", "tiktok") else ["--channel", str(channel.pk)]
    code, result, err = run_import(SHARED / name, *args)
    assert code == 0, err
    assert result is not None
    assert set(result) == {
        "batch",
        "format",
        "channel",
        "rows_read",
        "accepted",
        "rejected",
        "errors",
        "posts_created",
        "posts_updated",
        "unchanged",
    }
    assert result["channel"] == channel.pk
    assert result["posts_created"] == spec["posts"]
    assert result["rows_read"] == result["accepted"] + result["rejected"]
    posts = Post.objects.filter(channel=channel)
    assert posts.count() == spec["posts"]
    totals = posts.aggregate(reach=Sum("reach"), views=Sum("views"))
    assert totals["reach"] == spec["reach"]
    assert totals["views"] == spec["views"]
    if spec["reach"] is None:
        assert not posts.filter(reach__isnull=False).exists()
    # The aggregate says the same, with unknown reach counted as unknown.
    agg = UnitMonthStat.objects.filter(unit=world.commune_a).aggregate(
        posts=Sum("posts"), views=Sum("views"), reach=Sum("reach"), known=Sum("posts_with_reach")
    )
    assert agg["posts"] == spec["posts"] and agg["views"] == spec["views"]
    assert agg["known"] == (0 if spec["reach"] is None else spec["posts"])
    assert_stats_match()


def test_same_file_twice_changes_nothing(world: Any) -> None:
    channel = channel_for(world, "meta_posts_en.csv")
    code, first, _err = run_import(SHARED / "meta_posts_en.csv")
    assert code == 0 and first is not None
    counts = (Post.objects.count(), MetricSnapshot.objects.count(), ImportBatch.objects.count())
    stats = list(UnitMonthStat.objects.values_list("posts", "reach", "views"))
    code, again, err = run_import(SHARED / "meta_posts_en.csv")
    assert code == 0 and again is not None
    assert again["batch"] == first["batch"]
    assert again["posts_created"] == 0 and again["posts_updated"] == 0
    assert again["unchanged"] == first["accepted"]
    assert "không có gì thay đổi" in err
    assert (
        Post.objects.count(),
        MetricSnapshot.objects.count(),
        ImportBatch.objects.count(),
    ) == counts
    assert list(UnitMonthStat.objects.values_list("posts", "reach", "views")) == stats
    assert channel.posts.count() == 10


def test_units_moved_by_a_csv_take_their_figures_along(world: Any, tmp_path: Path) -> None:
    from conftest import make_unit
    from ledger import services
    from units.models import Unit
    from units.services import units_load_csv

    agency = make_unit("22-TT", "Trung tâm Truyền thông", "agency", world.department)
    reporter = world.province_users["reporter"]
    for unit, name in ((world.department, "dept"), (agency, "agency")):
        services.posts_upsert(
            acting_user=reporter,
            channel=make_channel(unit, "facebook", f"page-{name}"),
            posts=[services.PostInput(post_id=f"{name}-1", content_type="article", reach=7)],
        )
    f = tmp_path / "moves.csv"
    # The department (with its agency) moves under commune A; then the agency alone moves
    # on to commune B: two moves, one nested in the other.
    f.write_text(
        "code,name,kind,parent_code\n"
        "22-SVHTTDL,Sở Văn hóa,department,07192\n"
        "22-TT,Trung tâm Truyền thông,agency,06688\n",
        encoding="utf-8",
    )
    units_load_csv(path=f)
    agency = Unit.objects.get(code="22-TT")
    assert agency.path == "22/06688/22-TT/" and agency.level == 2
    assert_stats_match()
    from ledger.ingest import activity, completeness

    assert completeness.stored_subtree_reported() == completeness.recompute_subtree_reported()
    assert activity.stored_subtree_activity() == activity.recompute_subtree_activity()

    def posts_of(unit: Any) -> int:
        rows = SubtreeStat.objects.filter(unit=unit)
        return rows.aggregate(Sum("posts"))["posts__sum"] or 0

    assert (posts_of(world.commune_a), posts_of(world.commune_b)) == (1, 1)
    assert posts_of(world.province) == 2


def test_overlapping_export_updates_shared_posts(world: Any, tmp_path: Path) -> None:
    channel = channel_for(world, "meta_posts_en.csv")
    source = (SHARED / "meta_posts_en.csv").read_text(encoding="utf-8-sig")
    import csv

    rows = list(csv.reader(io.StringIO(source)))
    header, data = rows[0], rows[1:]
    reach_col = header.index("Reach")
    older = tmp_path / "older.csv"
    newer = tmp_path / "newer.csv"

    def write(path: Path, records: list[list[str]]) -> None:
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerows([header, *records])
        path.write_text(buf.getvalue(), encoding="utf-8-sig")

    write(older, data[:6])
    bumped = [list(r) for r in data[3:]]
    for r in bumped[:3]:
        r[reach_col] = str(int(r[reach_col]) + 100)
    write(newer, bumped)
    code, first, _ = run_import(older)
    assert code == 0 and first is not None and first["posts_created"] == 6
    code, second, _ = run_import(newer)
    assert code == 0 and second is not None
    assert second["posts_created"] == 4
    assert second["posts_updated"] == 3
    assert second["unchanged"] == 0
    assert Post.objects.filter(channel=channel).count() == 10
    expected_reach = EXPECTED["meta_posts_en.csv"]["reach"] + 300
    assert Post.objects.aggregate(r=Sum("reach"))["r"] == expected_reach
    assert UnitMonthStat.objects.aggregate(r=Sum("reach"))["r"] == expected_reach
    # Shared posts got a second snapshot; the latest counts.
    assert MetricSnapshot.objects.count() == 13
    assert_stats_match()


def test_refused_file_leaves_nothing(world: Any) -> None:
    make_channel(world.commune_a, "facebook", "x", external_id="100064812345678")
    for name in ("corrupt.xlsx", "corrupt.zip", "zip_bomb.zip", "meta_page_level.csv"):
        path = FIXTURES / name
        if not path.exists():
            continue
        code, result, err = run_import(path)
        assert code == 1, name
        assert result is None and err.strip(), name
    assert not ImportBatch.objects.exists()
    assert not Post.objects.exists() and not MetricSnapshot.objects.exists()
    assert not UnitMonthStat.objects.exists()


def test_unknown_channel_is_refused(world: Any) -> None:
    code, _result, err = run_import(SHARED / "meta_posts_en.csv")
    assert code == 1
    assert "100064812345678" in err
    assert not Post.objects.exists()


def test_dry_run_writes_nothing(world: Any) -> None:
    channel_for(world, "tiktok_content.csv")
    code, result, _ = run_import(SHARED / "tiktok_content.csv", "--dry-run")
    assert code == 0 and result is not None
    assert result["batch"] is None and result["posts_created"] == 5
    assert not Post.objects.exists() and not ImportBatch.objects.exists()


def test_rejected_rows_are_accounted(world: Any) -> None:
    path = FIXTURES / "meta_bad_rows.csv"
    if not path.exists():
        pytest.skip("helper fixture not present")
    make_channel(world.commune_a, "facebook", "x")
    first_ref = None
    from datetime import date

    from ledger.formats import ParseContext, Row, parse_file

    _fmt, items = parse_file(path, path.name, ParseContext(path.name, date(2026, 3, 1)))
    for item in items:
        if isinstance(item, Row):
            first_ref = item.channel_ref
            break
    from registry.models import Channel

    Channel.objects.update(external_id=first_ref or "")
    code, result, err = run_import(path)
    assert code == 0, err
    assert result is not None
    assert result["rejected"] > 0
    assert result["rows_read"] == result["accepted"] + result["rejected"]
    assert len(result["errors"]) == result["rejected"]
    assert RowRejection.objects.count() == result["rejected"]
    for error in result["errors"]:
        assert error["line"] > 1 and error["field"] and error["message"]


def test_a_dd_mm_meta_file_is_read_as_dd_mm(world: Any, tmp_path: Path) -> None:
    """Meta's own (comma, UTF-8) file is mm/dd unless a date says otherwise: one date
    above 12 in the first field, late in the file, makes the whole file dd/mm."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    channel = make_channel(world.commune_a, "facebook", "x", external_id="1")
    path = tmp_path / "meta.csv"
    path.write_bytes(meta_csv(["01/02/2026 08:00"] * 2500 + ["25/03/2026 09:00"]))
    code, result, err = run_import(path)
    assert code == 0, err
    assert result is not None
    assert result["accepted"] == result["posts_created"] == 2501 and result["rejected"] == 0
    assert "dd/mm/yyyy" in err
    tz = ZoneInfo("Asia/Ho_Chi_Minh")
    posts = Post.objects.filter(channel=channel)
    assert posts.count() == 2501 and MetricSnapshot.objects.count() == 2501
    assert posts.filter(published_at=datetime(2026, 2, 1, 8, 0, tzinfo=tz)).count() == 2500
    assert posts.filter(published_at=datetime(2026, 3, 25, 9, 0, tzinfo=tz)).count() == 1
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.DONE and batch.original
    assert_stats_match()


def meta_csv(dates: list[str]) -> bytes:
    """A Meta export (UTF-8 with a byte-order mark) with one post per publication time."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(["Post ID", "Page ID", "Publish time", "Post type", "Views", "Reach"])
    for i, when in enumerate(dates):
        writer.writerow([f"1_{i}", "1", when, "Photos", "10", "5"])
    return buf.getvalue().encode("utf-8-sig")
