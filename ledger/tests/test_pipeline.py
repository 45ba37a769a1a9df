"""The import's moving parts: the parser process, the writer thread, their failures.

(From a review of the pipeline: each test failed before its fix.)"""

from __future__ import annotations

import gc
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, connections

from ledger import services
from ledger.ingest import aggregate, channels
from ledger.models import MetricSnapshot, Post
from ledger.tests.factories import make_channel
from ledger.tests.test_import import assert_stats_match
from ledger.tests.test_parallel import _children

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


def use_parser(settings: Any, parser: str) -> None:
    settings.BANTIN = {
        **settings.BANTIN,
        "IMPORT_PARALLEL_BYTES": 0 if parser == "child-process" else -1,
    }


@pytest.mark.parametrize("parser", ["in-process", "child-process"])
def test_a_placeholder_year_is_a_rejected_row_either_way(
    world: Any, tmp_path: Path, settings: Any, parser: str
) -> None:
    use_parser(settings, parser)
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


@pytest.mark.parametrize("parser", ["in-process", "child-process"])
def test_a_template_naming_many_channels_chunk_after_chunk(
    world: Any, tmp_path: Path, settings: Any, parser: str
) -> None:
    use_parser(settings, parser)
    for k in range(12):
        make_channel(world.commune_a if k % 2 else world.commune_b, "zalo", f"oa-{k}")
    # Each channel first appears in a later chunk, while the writer is busy with the last.
    rows = [(f"oa-{k}", f"p{k}-{i}") for k in range(12) for i in range(1200)]
    path = template(tmp_path / "many.csv", rows)
    result = services.import_file(acting_user=None, path=path, filename=path.name)
    assert (result.posts_created, result.rejected) == (len(rows), 0)
    assert Post.objects.count() == len(rows) == MetricSnapshot.objects.count()
    assert_stats_match()


def test_a_failure_in_the_writer_is_the_error_reported(
    world: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    make_channel(world.commune_a, "zalo", "oa-a")
    make_channel(world.commune_b, "zalo", "oa-b")
    rows = [("oa-a", f"a{i}") for i in range(services.CHUNK)] + [("oa-b", "b1")]
    path = template(tmp_path / "two.csv", rows)

    def failing_write(self: Any, channel: Any, new_rows: Any, copies: Any) -> None:
        with self.writer.db.cursor() as cursor:
            cursor.execute("SELECT * FROM bantin_no_such_table")  # any database error

    lookup = channels.TemplateChannels._lookup

    def slow_lookup(self: Any, platform: str, ref: str) -> Any:
        if ref == "oa-b":
            time.sleep(0.3)  # the writer fails before the next channel is looked up
        return lookup(self, platform, ref)

    monkeypatch.setattr(services._Ingest, "_write_new", failing_write)
    monkeypatch.setattr(channels.TemplateChannels, "_lookup", slow_lookup)
    with pytest.raises(Exception, match="bantin_no_such_table") as caught:
        services.import_file(acting_user=None, path=path, filename=path.name)
    assert "transaction is aborted" not in str(caught.value)
    assert not Post.objects.exists()


def test_a_failed_import_ends_its_parser_process(
    world: Any, tmp_path: Path, monkeypatch: Any, settings: Any
) -> None:
    use_parser(settings, "child-process")
    channel = make_channel(world.commune_a, "zalo", "oa-a")
    path = template(tmp_path / "big.csv", [("oa-a", f"p{i}") for i in range(30_000)])

    def failing_write(self: Any, channel: Any, new_rows: Any, copies: Any) -> None:
        raise RuntimeError("writer failed")

    monkeypatch.setattr(services._Ingest, "_write_new", failing_write)
    before = _children()
    gc.disable()  # no collector to clean up after a reference cycle
    try:
        with pytest.raises(RuntimeError, match="writer failed"):
            services.import_file(acting_user=None, path=path, filename=path.name, channel=channel)
        deadline = time.monotonic() + 5
        while _children() - before and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _children() - before
        assert not [t for t in threading.enumerate() if t.name.startswith("bantin-import")]
    finally:
        gc.enable()


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


def _gone(pids: list[int]) -> bool:
    """Whether these server processes have ended (a closed session leaves
    ``pg_stat_activity`` a few milliseconds after the client closes it)."""
    deadline = time.monotonic() + 5
    while True:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_stat_clear_snapshot()")  # else frozen in the transaction
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(%s)", [pids])
            if cursor.fetchone()[0] == 0:
                return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_ids_reserved_on_a_second_connection_interleave_with_other_writers(
    world: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    """PostgreSQL: the COPY data of new posts is formatted with ids reserved on a second
    connection. Ids taken meanwhile by the import's own connection (a form, another
    import) never collide with them, each snapshot belongs to its post, and the second
    connection is closed after the import, whether it succeeds or fails. A small import
    opens none."""
    channel = make_channel(world.commune_a, "zalo", "oa-a")
    monkeypatch.setattr(services._PostIds, "BLOCK", 700)  # several blocks in one import
    taken = services._PostIds.take
    own: list[int] = []

    def take_and_interleave(self: Any, count: int) -> list[int]:
        ids = taken(self, count)
        own.extend(services._allocate_ids(Post, 3))  # the sequence moves on elsewhere
        return ids

    monkeypatch.setattr(services._PostIds, "take", take_and_interleave)
    opened: list[Any] = []  # kept alive: only close() may end their connection
    connect = services._PostIds._connection

    def record(self: Any) -> Any:
        conn = connect(self)
        if self not in opened:
            opened.append(self)
        return conn

    monkeypatch.setattr(services._PostIds, "_connection", record)

    def pids() -> list[int]:
        return [a.pid for a in opened]

    init_close = services._PostIds.close

    def close(self: Any) -> None:
        if self.conn is not None:
            self.pid = self.conn.info.backend_pid
        init_close(self)

    monkeypatch.setattr(services._PostIds, "close", close)

    def run(name: str, count: int) -> Any:
        rows = [("oa-a", f"{name}{i}") for i in range(count)]
        return services.import_file(
            acting_user=None,
            path=template(tmp_path / f"{name}.csv", rows),
            filename=f"{name}.csv",
            channel=channel,
        )

    small = run("s", 40)
    assert small.posts_created == 40 and opened == []
    big = services.CHUNK * 2 + 10
    result = run("p", big)
    assert result.posts_created == big
    ids = list(Post.objects.values_list("id", flat=True))
    assert len(set(ids)) == big + 40 and not set(ids) & set(own) and len(own) == 9
    pairs = MetricSnapshot.objects.values_list("post__post_id", "post__channel_id")
    assert sorted(p for p, _c in pairs) == sorted(
        [f"p{i}" for i in range(big)] + [f"s{i}" for i in range(40)]
    )
    assert {c for _p, c in pairs} == {channel.pk}
    assert_stats_match()
    assert len(opened) == 1 and opened[0].conn is None and _gone(pids())

    def failing_send(db: Any, copies: Any) -> None:
        raise RuntimeError("stream failed")

    monkeypatch.setattr(services, "_send_copies", failing_send)
    with pytest.raises(RuntimeError, match="stream failed"):
        run("q", services.CHUNK + 5)
    assert len(opened) == 2 and opened[1].conn is None and _gone(pids())
    assert Post.objects.count() == big + 40
