"""Import benchmark: a file at the upload cap end to end, and 1,000,000 rows on both databases.

1. **At the cap** (PostgreSQL): a Meta export just under ``BANTIN["IMPORT_MAX_BYTES"]``
   (50 MB, about 185,000 rows) posted to ``POST /api/imports`` (multipart, Django's test
   client in a fresh process: the request's parsing, the upload kept on disk, the import,
   the commit, the answer). Goal: at most 10 s.
2. **1M rows** through ``import_file`` with no size cap (as ``import_data`` runs it), on
   SQLite and PostgreSQL, against a raw bulk load of the same normalised rows into
   identical tables (``floor``: the posts and snapshots the import wrote, already
   formatted, loaded into tables made ``LIKE`` Bantin's, with the same indexes, checks and
   foreign keys; PostgreSQL ``COPY``, SQLite ``executemany``, one transaction;
   docs/decisions/0007). Goals: ratio at most 2 on both, peak memory of the importing
   process at most 512 MiB (its ``ru_maxrss`` from ``os.wait4``).

Two one-table baselines are printed for information: ``load`` (the rows already parsed in
memory, ``COPY``'d into a single table with one unique index and no foreign key) and
``parse+load`` (the same parser streaming into that table).

Usage: ``python bench/import_bench.py [--rows N] [--cap-bytes B] [--runs K]
[--only sqlite|postgresql] [--json]`` (PostgreSQL database ``bantin_bench_import`` at
``BENCH_PG_URL``, default ``postgres://postgres@127.0.0.1:5432/bantin_bench_import``;
skipped when unreachable). ``--rows`` and ``--cap-bytes`` scale both parts down to check
the bench itself; the goals are scaled with them. Everything is printed in one table with
PASS/MISS per goal and the load average at the start and the end (wall times on a busy
machine are not the code's alone).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/bantin_bench_import")
PAGE_ID = "100064800000001"
HEADER = [
    "Post ID", "Page ID", "Page name", "Title", "Description", "Duration (sec)",
    "Publish time", "Caption type", "Permalink", "Is crosspost", "Is share", "Post type",
    "Languages", "Custom labels", "Funded content status", "Data comment", "Date", "Views",
    "Reach", "Reactions, Comments and Shares", "Reactions", "Comments", "Shares",
    "Total clicks", "Matched Audience Targeting Consumption (Photo Click)", "Other Clicks",
    "Negative feedback from users: Hide all",
]  # fmt: skip
TYPES = ["Photos", "Links", "Videos", "Text", "Live"]


def write_export(path: Path, rows: int, seed: int = 2026) -> None:
    """A Meta Business Suite post-level export, streamed to disk."""
    rng = random.Random(seed)
    start = datetime(2025, 3, 1, 7, 0)
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(HEADER)
        for i in range(rows):
            post = f"{PAGE_ID}_{10**15 + i}"
            when = start + timedelta(minutes=(i * 525_600 // max(rows, 1)))
            reach = int(rng.paretovariate(1.3) * 80)
            views = reach + rng.randrange(0, reach + 10)
            reactions, comments, shares = rng.randrange(60), rng.randrange(15), rng.randrange(9)
            w.writerow(
                [
                    post, PAGE_ID, "UBND xã Bench", "", f"Tin hoạt động số {i} của xã, "
                    "thông báo lịch tiếp công dân", "", when.strftime("%m/%d/%Y %H:%M"), "",
                    f"https://www.facebook.com/{PAGE_ID}/posts/{10**15 + i}", "No", "No",
                    TYPES[i % 5], "vi", "", "", "", "Lifetime", views, reach,
                    reactions + comments + shares, reactions, comments, shares,
                    rng.randrange(40), rng.randrange(10), rng.randrange(30), 0,
                ]
            )  # fmt: skip


# --------------------------------------------------------------------------- child


def _setup_django(db_url: str) -> None:
    os.environ["DATABASE_URL"] = db_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _fresh_database(db_url: str) -> None:
    if db_url.startswith("sqlite"):
        path = Path(db_url.split("sqlite:///", 1)[1])
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        return
    import psycopg

    base, name = db_url.rsplit("/", 1)
    with psycopg.connect(base + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def child_import(db_url: str, path: Path, media: Path) -> dict[str, Any]:
    _fresh_database(db_url)
    os.environ["MEDIA_ROOT"] = str(media)
    _setup_django(db_url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from core import collector
    from ledger.services import import_file
    from registry.models import Channel
    from units.models import Unit

    unit = Unit.objects.create(code="99", name="Tỉnh Bench", kind="province", path="99/")
    channel = Channel.objects.create(
        unit=unit, platform="facebook", identifier=PAGE_ID, url="https://facebook.com/b",
        external_id=PAGE_ID, status="verified",
    )  # fmt: skip
    collector.settle()  # as import_data does before it imports
    t0, c0 = time.perf_counter(), time.process_time()
    result = import_file(
        acting_user=None,
        path=path,
        filename=path.name,
        channel=channel,
        today=date(2026, 3, 1),
        max_bytes=1 << 40,
    )
    elapsed = time.perf_counter() - t0
    return {
        "seconds": elapsed,
        "cpu_seconds": time.process_time() - c0,
        "rows_read": result.rows_read,
        "accepted": result.accepted,
        "rejected": result.rejected,
    }


def child_cap(db_url: str, path: Path, media: Path) -> dict[str, Any]:
    """The file posted to ``POST /api/imports`` by a reporter's token, answered."""
    _fresh_database(db_url)
    os.environ["MEDIA_ROOT"] = str(media)
    _setup_django(db_url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.test import Client

    from accounts.services import api_token_create
    from core.permissions import Role
    from registry.models import Channel
    from units.models import Unit

    unit = Unit.objects.create(code="99", name="Tỉnh Bench", kind="province", path="99/")
    Channel.objects.create(
        unit=unit, platform="facebook", identifier=PAGE_ID, url="https://facebook.com/b",
        external_id=PAGE_ID, status="verified",
    )  # fmt: skip
    token = api_token_create(user=_reporter(unit, Role.REPORTER))[1]
    client = Client()
    client.get("/api/imports/0", headers={"Authorization": f"Bearer {token}"})  # warm the URLconf
    t0 = time.perf_counter()
    with path.open("rb") as fh:
        response = client.post(
            "/api/imports", {"file": fh}, headers={"Authorization": f"Bearer {token}"}
        )
    elapsed = time.perf_counter() - t0
    if response.status_code != 201:
        raise SystemExit(
            f"POST /api/imports answered {response.status_code}: {response.content[:500]!r}"
        )
    body = response.json()
    return {
        "seconds": elapsed,
        "bytes": path.stat().st_size,
        "rows_read": body["rows_read"],
        "accepted": body["accepted"],
    }


def _reporter(unit: Any, role: Any) -> Any:
    from django.contrib.auth import get_user_model

    from accounts.models import Membership

    user = get_user_model().objects.create_user(username="bench-reporter", password="x" * 20)
    Membership.objects.create(user=user, unit=unit, role=role)
    return user


RAW_COLUMNS = (
    "channel_id", "post_id", "published_at", "content_type", "permalink", "caption",
    "views", "reach", "reactions", "comments", "shares", "clicks", "watch_time_seconds",
    "extras",
)  # fmt: skip


def _normalised(path: Path) -> Any:
    from ledger.formats import ParseContext, Row, parse_file

    ctx = ParseContext(filename=path.name, today=date(2026, 3, 1))
    _fmt, items = parse_file(path, path.name, ctx, max_rows=5_000_000, max_uncompressed=1 << 40)
    for r in items:
        if isinstance(r, Row):
            yield (
                1, r.post_id, r.published_at, r.content_type, r.permalink or "", r.caption,
                r.views, r.reach, r.reactions, r.comments, r.shares, r.clicks,
                r.watch_time_seconds, json.dumps(r.extras),
            )  # fmt: skip


def child_raw(db_url: str, path: Path, preparse: bool) -> dict[str, Any]:
    """The same normalised rows into an identical table, as fast as the database takes them."""
    rows: Any = list(_normalised(path)) if preparse else None
    if db_url.startswith("sqlite"):
        import sqlite3

        db = Path(db_url.split("sqlite:///", 1)[1])
        conn = sqlite3.connect(db, isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("DROP TABLE IF EXISTS bench_raw")
        conn.execute(
            "CREATE TABLE bench_raw (id INTEGER PRIMARY KEY, channel_id INTEGER, post_id TEXT, "
            "published_at TEXT, content_type TEXT, permalink TEXT, caption TEXT, views INTEGER, "
            "reach INTEGER, reactions INTEGER, comments INTEGER, shares INTEGER, clicks INTEGER, "
            "watch_time_seconds INTEGER, extras TEXT, UNIQUE (channel_id, post_id))"
        )
        t0, c0 = time.perf_counter(), time.process_time()
        source = rows if preparse else _normalised(path)
        conn.execute("BEGIN")
        conn.executemany(
            f"INSERT INTO bench_raw ({', '.join(RAW_COLUMNS)}) VALUES "  # noqa: S608
            f"({', '.join('?' * len(RAW_COLUMNS))})",
            ((*r[:2], r[2].isoformat() if r[2] else None, *r[3:]) for r in source),
        )
        conn.execute("COMMIT")
        elapsed = time.perf_counter() - t0
        conn.close()
    else:
        import psycopg

        with psycopg.connect(db_url, autocommit=True) as pg:
            pg.execute("DROP TABLE IF EXISTS bench_raw")
            pg.execute(
                "CREATE TABLE bench_raw (id bigserial PRIMARY KEY, channel_id bigint, "
                "post_id varchar(128), published_at timestamptz, content_type varchar(16), "
                "permalink text, caption varchar(500), views bigint, reach bigint, "
                "reactions bigint, comments bigint, shares bigint, clicks bigint, "
                "watch_time_seconds bigint, extras jsonb, UNIQUE (channel_id, post_id))"
            )
            t0, c0 = time.perf_counter(), time.process_time()
            source = rows if preparse else _normalised(path)
            with pg.transaction(), pg.cursor() as cur:
                with cur.copy(f"COPY bench_raw ({', '.join(RAW_COLUMNS)}) FROM STDIN") as copy:
                    for r in source:
                        copy.write_row(r)
            elapsed = time.perf_counter() - t0
    return {"seconds": elapsed, "cpu_seconds": time.process_time() - c0}


WRITE_CACHE_KIB = 64 * 1024  # ledger/ingest/writer.py's page cache for a batch's writes (SQLite)


def child_floor(db_url: str, work: Path, page_cache: bool = False) -> dict[str, Any]:
    """The database's own floor for Bantin's schema: the rows the import wrote (posts and
    snapshots, already formatted) loaded into tables identical to Bantin's (same columns,
    indexes, checks and foreign keys) in one transaction. Nothing is parsed or computed:
    what is left is what these tables cost the database (compare with the one-table raw
    load, which has one unique index and no foreign key). ``page_cache`` (SQLite, for
    information): with the page cache the import's writer sets."""
    tables = (
        ("ledger_post", "bench_floor_post"),
        ("ledger_metricsnapshot", "bench_floor_snapshot"),
    )
    if db_url.startswith("sqlite"):
        import re
        import sqlite3

        conn = sqlite3.connect(Path(db_url.split("sqlite:///", 1)[1]), isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA foreign_keys=ON")
        if page_cache:
            conn.execute(f"PRAGMA cache_size=-{WRITE_CACHE_KIB}")
        data = {}
        for source, floor in tables:
            conn.execute(f'DROP TABLE IF EXISTS "{floor}"')
            ddl = conn.execute(
                "SELECT sql FROM sqlite_master WHERE tbl_name = ? AND sql IS NOT NULL "
                "ORDER BY type = 'index'",
                [source],
            ).fetchall()
            for (sql,) in ddl:
                sql = re.sub(r'INDEX "([^"]+)"', r'INDEX "bench_floor_\1"', sql)
                conn.execute(sql.replace(f'"{source}"', f'"{floor}"'))
            data[floor] = conn.execute(f'SELECT * FROM "{source}"').fetchall()  # noqa: S608
        t0 = time.perf_counter()
        conn.execute("BEGIN")
        for floor, rows in data.items():
            marks = ", ".join("?" * len(rows[0])) if rows else ""
            conn.executemany(f'INSERT INTO "{floor}" VALUES ({marks})', rows)  # noqa: S608
        conn.execute("COMMIT")
        elapsed = time.perf_counter() - t0
        for _source, floor in tables:
            conn.execute(f'DROP TABLE "{floor}"')
        conn.close()
        return {"seconds": elapsed}
    import psycopg

    with psycopg.connect(db_url, autocommit=True) as pg:
        files = {}
        for source, floor in tables:
            files[floor] = work / f"{floor}.copy"
            with (
                open(files[floor], "wb") as out,
                pg.cursor().copy(
                    f"COPY {source} TO STDOUT (FORMAT BINARY)"  # noqa: S608
                ) as copy,
            ):
                for block in copy:
                    out.write(block)
            pg.execute(f"DROP TABLE IF EXISTS {floor}")
            pg.execute(f"CREATE TABLE {floor} (LIKE {source} INCLUDING ALL)")
            keys = pg.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = %s::regclass AND contype = 'f'",
                [source],
            ).fetchall()
            for name, definition in keys:
                pg.execute(f"ALTER TABLE {floor} ADD CONSTRAINT floor_{name} {definition}")
        t0 = time.perf_counter()
        with pg.transaction(), pg.cursor() as cur:
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")  # as a one-channel import does
            for floor, file in files.items():
                with (
                    open(file, "rb") as source_file,
                    cur.copy(
                        f"COPY {floor} FROM STDIN (FORMAT BINARY)"  # noqa: S608
                    ) as copy,
                ):
                    while block := source_file.read(1 << 20):
                        copy.write(block)
        elapsed = time.perf_counter() - t0
        for floor, file in files.items():
            pg.execute(f"DROP TABLE {floor}")
            file.unlink()
    return {"seconds": elapsed}


# --------------------------------------------------------------------------- parent


def run_child(kind: str, db_url: str, path: Path, media: Path) -> dict[str, Any]:
    """Run one measurement in a fresh process; its own peak RSS comes from ``wait4``.

    On PostgreSQL a ``CHECKPOINT`` first: the last measurement's dirty pages are written
    now, not by the checkpointer during this one."""
    if not db_url.startswith("sqlite") and _pg_reachable():
        import psycopg

        with psycopg.connect(db_url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as pg:
            pg.execute("CHECKPOINT")
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(  # noqa: S603
            [sys.executable, __file__, "--child", kind, db_url, str(path), str(media)],
            stdout=out,
            stderr=err,
            cwd=ROOT,
        )
        _pid, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if proc.returncode != 0:
            raise SystemExit(f"child {kind} failed:\n{err.read()[-3000:]}")
        data: dict[str, Any] = json.loads(out.read().strip().splitlines()[-1])
    data["peak_mib"] = usage.ru_maxrss / 1024  # KiB on Linux
    return data


GOAL_RATIO = 2.0
GOAL_PEAK_MIB = 512.0
GOAL_CAP_SECONDS = 10.0
CAP_BYTES = 50 * 1024 * 1024


def bench(
    name: str, db_url: str, path: Path, rows: int, media: Path, runs: int = 1
) -> dict[str, Any]:
    # The import K times (a fresh database each time): the run of median wall time counts,
    # and every run's time is printed (a busy 2-core machine varies by 10 % or more).
    tries = sorted(
        (run_child("import", db_url, path, media) for _ in range(runs)), key=lambda r: r["seconds"]
    )
    imported = tries[len(tries) // 2]
    load = run_child("raw-load", db_url, path, media)
    parse_load = run_child("raw-parse-load", db_url, path, media)
    floor = run_child("floor", db_url, path, media)
    cached = run_child("floor-cache", db_url, path, media) if name == "sqlite" else None
    out = {
        "database": name,
        "rows": rows,
        "import_seconds": round(imported["seconds"], 2),
        "import_runs_seconds": [round(r["seconds"], 2) for r in tries],
        "import_cpu_seconds": round(imported["cpu_seconds"], 2),
        "rows_per_second": round(rows / imported["seconds"]),
        "accepted": imported["accepted"],
        "rejected": imported["rejected"],
        "peak_memory_mib": round(imported["peak_mib"]),
        "raw_load_seconds": round(load["seconds"], 2),
        "raw_parse_load_seconds": round(parse_load["seconds"], 2),
        "ratio_to_load": round(imported["seconds"] / load["seconds"], 2),
        "ratio_to_parse_load": round(imported["seconds"] / parse_load["seconds"], 2),
        "floor_seconds": round(floor["seconds"], 2),
        "floor_to_load": round(floor["seconds"] / load["seconds"], 2),
        "ratio_to_floor": round(imported["seconds"] / floor["seconds"], 2),
    }
    if cached is not None:
        out["floor_cache_seconds"] = round(cached["seconds"], 2)
        out["ratio_to_floor_cache"] = round(imported["seconds"] / cached["seconds"], 2)
    print(
        f"{name}: import {out['import_seconds']:.2f} s "
        f"(runs: {', '.join(f'{t:.2f}' for t in out['import_runs_seconds'])}), "
        f"raw load into identical tables {out['floor_seconds']:.2f} s, "
        f"into one table {out['raw_load_seconds']:.2f} s (parse+load {out['raw_parse_load_seconds']:.2f} s)",
        flush=True,
    )
    return out


def bench_cap(path: Path, media: Path, runs: int) -> dict[str, Any]:
    tries = sorted(
        (run_child("cap", PG_URL, path, media) for _ in range(runs)), key=lambda r: r["seconds"]
    )
    middle = tries[len(tries) // 2]
    out = {
        "bytes": middle["bytes"],
        "rows": middle["rows_read"],
        "seconds": round(middle["seconds"], 2),
        "runs_seconds": [round(r["seconds"], 2) for r in tries],
        "peak_memory_mib": round(middle["peak_mib"]),
    }
    print(
        f"postgresql: {out['bytes'] / 1048576:.1f} MiB ({out['rows']:,} rows) through "
        f"POST /api/imports in {out['seconds']:.2f} s",
        flush=True,
    )
    return out


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def report(results: list[dict[str, Any]], cap: dict[str, Any] | None, cap_goal: float) -> list[str]:
    """The figures as a table, with PASS/MISS against each goal of issue 16."""
    names = [r["database"] for r in results]
    lines: list[tuple[str, list[str]]] = []
    if cap is not None:
        cap_label = f"{cap['bytes'] / 1048576:.1f} MiB, {cap['rows']:,} rows"
        lines += [
            (
                f"GOAL at the cap ({cap_label}) via POST /api/imports <= {cap_goal:.1f} s",
                [
                    f"{cap['seconds']:.2f} s  {_verdict(cap['seconds'] <= cap_goal)}"
                    if r["database"] == "postgresql"
                    else "-"
                    for r in results
                ]
                or [f"{cap['seconds']:.2f} s  {_verdict(cap['seconds'] <= cap_goal)}"],
            ),
            ("at the cap, every run", [" / ".join(f"{t:.1f}" for t in cap["runs_seconds"])]),
            ("at the cap, peak memory", [f"{cap['peak_memory_mib']} MiB"]),
        ]
    lines += [
        ("import, wall (median of the runs)", [f"{r['import_seconds']:.2f} s" for r in results]),
        ("import, every run", [" / ".join(f"{t:.1f}" for t in r["import_runs_seconds"]) for r in results]),
        ("import, rows/s", [f"{r['rows_per_second']:,}" for r in results]),
        ("import, CPU of the importing process", [f"{r['import_cpu_seconds']:.2f} s" for r in results]),
        ("accepted / rejected", [f"{r['accepted']:,} / {r['rejected']:,}" for r in results]),
        (
            "raw bulk load into tables identical to Bantin's, wall",
            [f"{r['floor_seconds']:.2f} s" for r in results],
        ),
        (
            "the same, with the import's page cache (SQLite, info)",
            [f"{r['floor_cache_seconds']:.2f} s" if "floor_cache_seconds" in r else "-" for r in results],
        ),
        (
            "ratio import / that load (info)",
            [f"{r['ratio_to_floor_cache']:.2f}" if "ratio_to_floor_cache" in r else "-" for r in results],
        ),
        ("raw bulk load into one table, wall (info)", [f"{r['raw_load_seconds']:.2f} s" for r in results]),
        ("raw parse + load into one table, wall (info)", [f"{r['raw_parse_load_seconds']:.2f} s" for r in results]),
        ("ratio import / one-table load (info)", [f"{r['ratio_to_load']:.2f}" for r in results]),
        ("ratio import / one-table parse+load (info)", [f"{r['ratio_to_parse_load']:.2f}" for r in results]),
        ("ratio identical tables / one table (the schema's cost, info)", [f"{r['floor_to_load']:.2f}" for r in results]),
        (
            f"GOAL ratio import / raw load into identical tables <= {GOAL_RATIO:g}",
            [f"{r['ratio_to_floor']:.2f}  {_verdict(r['ratio_to_floor'] <= GOAL_RATIO)}" for r in results],
        ),
        (
            f"GOAL peak memory of the import <= {GOAL_PEAK_MIB:g} MiB",
            [
                f"{r['peak_memory_mib']} MiB  {_verdict(r['peak_memory_mib'] <= GOAL_PEAK_MIB)}"
                for r in results
            ],
        ),
    ]  # fmt: skip
    names = names or ["postgresql"]
    width = max(len(label) for label, _v in lines) + 2
    col = max(14, *(len(v) for _l, values in lines for v in values)) + 2
    out = [" " * width + "".join(n.ljust(col) for n in names)]
    out += [label.ljust(width) + "".join(v.ljust(col) for v in values) for label, values in lines]
    return out


def write_capped(path: Path, cap: int) -> int:
    """A Meta export of as many rows as fit under ``cap`` bytes; its row count."""
    sample = path.with_suffix(".sample")
    write_export(sample, 2000)
    per_row = (sample.stat().st_size - 400) / 2000
    sample.unlink()
    rows = int((cap - 4096) / per_row)
    while True:
        write_export(path, rows)
        if path.stat().st_size <= cap:
            return rows
        rows = int(rows * 0.99)


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f} (1/5/15 min) on {os.cpu_count()} CPUs"


def _pg_reachable() -> bool:
    try:
        import psycopg

        base = PG_URL.rsplit("/", 1)[0]
        with psycopg.connect(base + "/postgres", connect_timeout=3):
            return True
    except Exception:  # noqa: BLE001
        return False


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        kind, db_url, path, media = sys.argv[2], sys.argv[3], Path(sys.argv[4]), Path(sys.argv[5])
        children = {
            "import": lambda: child_import(db_url, path, media),
            "cap": lambda: child_cap(db_url, path, media),
            "floor": lambda: child_floor(db_url, media.parent),
            "floor-cache": lambda: child_floor(db_url, media.parent, page_cache=True),
            "raw-load": lambda: child_raw(db_url, path, preparse=True),
            "raw-parse-load": lambda: child_raw(db_url, path, preparse=False),
        }
        print(json.dumps(children[kind]()))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--cap-bytes", type=int, default=CAP_BYTES, help="the upload cap's file")
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    parser.add_argument("--runs", type=int, default=1, help="imports per database (median)")
    parser.add_argument("--json", action="store_true", help="also print the figures as JSON")
    args = parser.parse_args()
    if args.rows < 1 or args.cap_bytes < 8192 or args.runs < 1:
        parser.error("--rows and --runs must be at least 1, --cap-bytes at least 8192")
    load_start = _load()
    print(f"load average at start: {load_start}", flush=True)
    pg = args.only in (None, "postgresql") and _pg_reachable()
    if args.only in (None, "postgresql") and not pg:
        print("postgresql: not reachable, skipped", flush=True)
    with tempfile.TemporaryDirectory(prefix="bantin-bench-") as tmp:
        work = Path(tmp)
        cap = None
        if pg:
            capped = work / "meta_posts_cap.csv"
            write_capped(capped, args.cap_bytes)
            cap = bench_cap(capped, work / "media", args.runs)
            capped.unlink()
        export = work / "meta_posts_bench.csv"
        t0 = time.perf_counter()
        write_export(export, args.rows)
        print(
            f"wrote {export.name}: {args.rows:,} rows, {export.stat().st_size / 1048576:.0f} MiB "
            f"in {time.perf_counter() - t0:.1f} s",
            flush=True,
        )
        results = []
        if args.only in (None, "sqlite"):
            results.append(
                bench("sqlite", f"sqlite:///{work / 'bench.sqlite3'}", export, args.rows,
                      work / "media", args.runs)
            )  # fmt: skip
        if pg:
            results.append(
                bench("postgresql", PG_URL, export, args.rows, work / "media", args.runs)
            )
        load_end = _load()
        cap_goal = GOAL_CAP_SECONDS * args.cap_bytes / CAP_BYTES
        print()
        print(
            f"Import benchmark: {args.rows:,}-row Meta export ({export.stat().st_size / 1048576:.0f} MiB)"
            + (f"; the cap's file {args.cap_bytes / 1048576:.1f} MiB" if cap else "")
        )
        for line in report(results, cap, cap_goal):
            print(line)
        print(f"load average at start: {load_start}")
        print(f"load average at end:   {load_end}")
        print(
            "Wall times include waiting for the CPU on a loaded machine; the CPU row counts "
            "this process only (PostgreSQL's server work is not in it). Goals scaled with "
            "--cap-bytes; the ratio and memory goals are for 1,000,000 rows."
        )
        if args.json:
            print(
                json.dumps(
                    {"load_start": load_start, "load_end": load_end, "cap": cap, "results": results}
                )
            )


if __name__ == "__main__":
    main()
