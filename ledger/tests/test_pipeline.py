"""The import's moving parts: chunks, several channels, a failing write, two imports at once.

(From reviews of the pipeline: each test failed before its fix.)"""

from __future__ import annotations

import csv
import io
import threading
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.db import IntegrityError, connection, connections
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger import services
from ledger.ingest import aggregate, writer
from ledger.ingest.plan import CHUNK, Deltas
from ledger.models import MetricSnapshot, Post
from ledger.tests.factories import make_channel
from ledger.tests.test_import import assert_stats_match, meta_csv

SAMPLE = Path(__file__).resolve().parents[2] / "docs/samples/zalo_oa_bantin_template.csv"


def template(path: Path, rows: list[tuple[str, str]], when: str = "03/02/2026 08:30") -> Path:
    """A Bantin template file with one Zalo OA post per (channel ref, post id)."""
    lines = [SAMPLE.read_text(encoding="utf-8-sig").splitlines()[0]]
    lines += [
        f"Zalo OA,{ref},UBND,{pid},https://zalo.me/x/post/{pid},{when},Tin bài,c,10,20,1,1,1,1,"
        for ref, pid in rows
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_placeholder_year_is_a_rejected_row(world: Any, tmp_path: Path) -> None:
    channel = make_channel(world.commune_a, "zalo", "oa-a")
    rows = [("oa-a", "ok")]
    path = template(tmp_path / "y.csv", rows)
    text = path.read_text(encoding="utf-8")
    text += "Zalo OA,oa-a,UBND,y1,https://zalo.me/x/post/y1,0001-01-01,Tin bài,c,1,1,1,1,1,1,\n"
    path.write_text(text, encoding="utf-8")
    result = services.import_file(acting_user=None, path=path, filename=path.name, channel=channel)
    assert (result.posts_created, result.rejected) == (1, 1)
    assert "0001-01-01" in result.errors[0]["message"]
    assert "2000" in result.errors[0]["message"]


def test_a_template_naming_many_channels_chunk_after_chunk(world: Any, tmp_path: Path) -> None:
    for k in range(12):
        make_channel(world.commune_a if k % 2 else world.commune_b, "zalo", f"oa-{k}")
    # Each channel first appears in a later chunk.
    rows = [(f"oa-{k}", f"p{k}-{i}") for k in range(12) for i in range(1200)]
    path = template(tmp_path / "many.csv", rows)
    result = services.import_file(acting_user=None, path=path, filename=path.name)
    assert (result.posts_created, result.rejected) == (len(rows), 0)
    assert Post.objects.count() == len(rows) == MetricSnapshot.objects.count()
    assert_stats_match()


def test_a_failed_write_is_the_error_reported_and_nothing_is_kept(
    world: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    make_channel(world.commune_a, "zalo", "oa-a")
    make_channel(world.commune_b, "zalo", "oa-b")
    rows = [("oa-a", f"a{i}") for i in range(CHUNK)] + [("oa-b", "b1")]
    path = template(tmp_path / "two.csv", rows)
    write = writer.Writer.write

    def failing_write(self: Any, chunk: Any) -> None:
        if chunk.channel.identifier == "oa-b":
            with connection.cursor() as cursor:
                cursor.execute("SELECT * FROM bantin_no_such_table")  # any database error
        write(self, chunk)

    monkeypatch.setattr(writer.Writer, "write", failing_write)
    with pytest.raises(Exception, match="bantin_no_such_table") as caught:
        services.import_file(acting_user=None, path=path, filename=path.name)
    assert "transaction is aborted" not in str(caught.value)
    assert not Post.objects.exists()
    assert not [t for t in threading.enumerate() if t.name.startswith("bantin-import")]


@pytest.mark.skipif("connection.vendor != 'postgresql'")
@pytest.mark.django_db(transaction=True)
def test_two_template_imports_of_one_unit_at_once_do_not_deadlock(
    world: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    make_channel(world.commune_a, "zalo", "oa-a")
    files = [
        template(tmp_path / f"t{k}.csv", [("oa-a", f"k{k}-{i}") for i in range(50)])
        for k in range(2)
    ]
    barrier = threading.Barrier(2, timeout=20)
    apply = aggregate.apply_import

    def meet_then_apply(deltas: Any) -> None:  # both have written their posts
        barrier.wait()
        apply(deltas)

    monkeypatch.setattr(aggregate, "apply_import", meet_then_apply)
    results: dict[int, str] = {}

    def run(k: int) -> None:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SET deadlock_timeout = '200ms'")
            services.import_file(acting_user=None, path=files[k], filename=files[k].name)
            results[k] = "ok"
        except Exception as exc:  # noqa: BLE001 - reported below
            results[k] = f"{type(exc).__name__}: {exc}"
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(k,)) for k in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert results == {0: "ok", 1: "ok"}
    assert_stats_match()


@pytest.mark.skipif("connection.vendor != 'postgresql'")
@pytest.mark.parametrize("posts", [10, CHUNK + 10])
def test_a_posts_copy_whose_keys_fail_at_its_end_fails_the_import(
    world: Any, tmp_path: Path, monkeypatch: Any, posts: int
) -> None:
    """The writer does not wait for the posts' COPY to end: its foreign keys, checked then,
    still fail the import, whether the next chunk (``CHUNK + 10``) or the writer's close
    (one chunk) reads the answer."""
    channel = make_channel(world.commune_a, "facebook", "x", external_id="1")
    path = tmp_path / "meta.csv"
    path.write_bytes(meta_csv(["01/02/2026 08:00"] * posts))
    post_rows = writer.Writer._post_rows

    def of_no_unit(self: Any, chunk: Any, ids: list[int]) -> Any:
        for row in post_rows(self, chunk, ids):
            yield (*row[:2], 10**9, *row[3:])  # unit_id: no such unit

    monkeypatch.setattr(writer.Writer, "_post_rows", of_no_unit)
    with pytest.raises(IntegrityError, match="units_unit"):
        services.import_file(acting_user=None, path=path, filename=path.name, channel=channel)
    assert not Post.objects.exists()
    assert not MetricSnapshot.objects.exists()


_METRIC = st.one_of(st.none(), st.integers(min_value=0, max_value=10**12))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(*[_METRIC] * 7), min_size=1, max_size=30))
def test_a_chunks_new_posts_add_to_the_deltas_as_one_by_one(rows: list[Any]) -> None:
    key = (1, date(2026, 3, 1), 1, "facebook", "photo")
    together, one_by_one = Deltas(), Deltas()
    together.add_new(key, rows)
    for metrics in rows:
        one_by_one.add(key, metrics, +1)
    assert together.sums == one_by_one.sums


@pytest.mark.skipif("connection.vendor != 'sqlite'")
@pytest.mark.parametrize("fails", [False, True])
def test_sqlite_writes_with_a_larger_page_cache_and_gives_the_connection_its_own_back(
    world: Any, tmp_path: Path, monkeypatch: Any, fails: bool
) -> None:
    make_channel(world.commune_a, "zalo", "oa-a")
    path = template(tmp_path / "cache.csv", [("oa-a", f"a{i}") for i in range(20)])
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size = -3000")
    seen: list[int] = []
    write = writer.Writer.write

    def watched_write(self: Any, chunk: Any) -> None:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size")
            seen.append(cursor.fetchone()[0])
        if fails:
            raise RuntimeError("the write failed")
        write(self, chunk)

    monkeypatch.setattr(writer.Writer, "write", watched_write)
    if fails:
        with pytest.raises(RuntimeError, match="the write failed"):
            services.import_file(acting_user=None, path=path, filename=path.name)
    else:
        services.import_file(acting_user=None, path=path, filename=path.name)
    assert seen == [-writer.WRITE_CACHE_KIB]
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        assert cursor.fetchone()[0] == -3000


def test_the_post_ids_a_batch_has_seen_are_never_walked_by_the_collector() -> None:
    """A million rows' ids are kept to find duplicates within the batch: in dicts of
    strings to ints, which the collector does not track (decision 0018)."""
    import gc
    from types import SimpleNamespace

    from ledger.formats import Row
    from ledger.ingest.plan import Plan

    channels: list[Any] = [SimpleNamespace(pk=1), SimpleNamespace(pk=2)]
    rows = [
        Row(n + 1, "zalo", f"p{n % 150}", None, "article", None, "", None, None) for n in range(300)
    ]
    plan = Plan(as_of=date(2026, 3, 1), channel_for=lambda row: channels[row.line % 2])
    accepted = sum(len(rs) for chunk in plan.chunks(rows) for _c, rs in chunk)
    assert (accepted, plan.counts.rejected) == (150, 150)  # each id once per channel

    def walked(obj: object) -> int:
        """The references a full collection follows from ``obj``."""
        if not gc.is_tracked(obj):
            return 0
        refs = gc.get_referents(obj)
        return len(refs) + sum(walked(ref) for ref in refs)

    # The channels and their maps, not the 300 ids.
    assert plan._seen and walked(plan._seen) <= 2 * len(channels)


def test_a_snapshots_extras_are_the_rows_as_parsed(world: Any, tmp_path: Path) -> None:
    """The extras a file's rows carry (numbers, decimals, Vietnamese text, quotes) are
    stored as they were parsed, on both databases."""
    from datetime import date as day

    from ledger.formats import ParseContext, Row, parse_file

    channel = make_channel(world.commune_a, "facebook", "x", external_id="1")
    path = tmp_path / "extras.csv"
    header = ["Post ID", "Page ID", "Publish time", "Post type", "Reach", "Languages",
              "Custom labels", "Duration (sec)", "Data comment", "Other Clicks"]  # fmt: skip
    values = [
        ["1_1", "1", "02/01/2026 08:00", "Photos", "5", "vi", 'Tết "2026"', "12.5", "", "7"],
        ["1_2", "1", "02/02/2026 09:00", "Videos", "6", "", "Lễ hội\\", "60", "Ghi chú", "1.234"],
    ]
    buf = io.StringIO()
    csv.writer(buf).writerows([header, *values])
    path.write_bytes(buf.getvalue().encode("utf-8-sig"))
    ctx = ParseContext(filename=path.name, today=day(2026, 3, 1))
    parsed = {
        r.post_id: r.extras for r in parse_file(path, path.name, ctx)[1] if isinstance(r, Row)
    }
    assert parsed["1_1"]["duration_seconds"] == 12.5 and parsed["1_2"]["custom_labels"]
    services.import_file(acting_user=None, path=path, filename=path.name, channel=channel)
    stored = {s.post.post_id: s.extras for s in MetricSnapshot.objects.select_related("post")}
    assert stored == parsed
