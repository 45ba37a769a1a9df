#!/usr/bin/env python
"""The province .docx with its charts (issue 14, item 8: ≤ 1 s), timed in-process.

Uses the report bench's database (``bench/report_bench.py``: the official units under a
national root, ~20,000 channels, ``--posts`` posts), building it first when the database
holds no finished load; the province with most communes (168) is reported for 2026-H1.

Timed, each the median of ``--runs`` after one warm-up: the report's data
(``reports.build.report_data``), the document without charts
(``build_docx(data, with_charts=False)``), the document with its charts (``build_docx``;
the charts' share is the difference), and end to end (data and document with charts), in wall and CPU time (the CPU time moves
less with the load of a shared machine); and
once, the first end to end in the process (after the chart shapes are built, as gunicorn
builds them, and the URLconf is loaded, as by any first page), which also starts
vl-convert's JavaScript runtime.

``--compare REF`` times a copy of the checkout at the git ref REF (``git archive``, into a
temporary directory) the same way, alternating with this checkout (REF, this, REF, this …
for ``--rounds`` rounds, each in a fresh process), and prints both; the goal is checked on
this checkout's figures.

    .venv/bin/python bench/docx_bench.py [--posts 200000] [--runs 5] [--compare main]

Database URL: ``BENCH_PG_URL`` (default
``postgres://postgres@127.0.0.1:5432/bantin_bench_docx``).
"""

from __future__ import annotations

import argparse
import io
import json
import operator
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/bantin_bench_docx")
GOAL_S = 1.0
MEASURES = ("data", "docx without charts", "docx with charts", "end to end")
FIRST = "first in the process"
CPU = "end to end, CPU"  # all the process's threads (vl-convert renders in its own)


def ensure_database(args: argparse.Namespace) -> None:
    """Build the report bench's database unless it already holds a load (of any size)."""
    sys.path.insert(0, str(ROOT))
    from bench import report_bench

    report_bench.PG_URL = PG_URL
    loaded = report_bench._loaded_posts()
    if loaded is not None:
        report_bench.log(f"reusing {PG_URL.rsplit('/', 1)[1]} ({loaded:,} posts)")
        return
    args.workdir.mkdir(parents=True, exist_ok=True)
    args.channels, args.seed = 20_000, 2026
    report_bench.build(args, args.workdir)


def time_checkout(root: Path, runs: int) -> dict[str, Any]:
    """One checkout's timings, in this process (run as a child: ``--checkout ROOT``)."""
    sys.path.insert(0, str(root))
    os.chdir(root)
    os.environ["DATABASE_URL"] = PG_URL
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.db.models import Count
    from django.urls import reverse

    from reports import build, charts
    from reports.periods import parse_period
    from units.models import Unit

    province = (
        Unit.objects.filter(kind__in=Unit.PROVINCE_KINDS)
        .annotate(n=Count("children"))
        .order_by("-n", "code")
        .first()
    )
    assert province is not None  # noqa: S101
    period = parse_period("2026-H1")
    charts.warm()  # as gunicorn does before a worker takes requests
    reverse("reports:report", args=[province.code])  # the URLconf, loaded by any first page
    t0 = time.perf_counter()
    data = build.report_data(province, period)
    build.build_docx(data)
    first = time.perf_counter() - t0
    fns = {
        "data": lambda: build.report_data(province, period),
        "docx without charts": lambda: build.build_docx(data, with_charts=False),
        "docx with charts": lambda: build.build_docx(data),
        "end to end": lambda: build.build_docx(build.report_data(province, period)),
    }
    out: dict[str, Any] = {
        "province": f"{province.code} {province.name}",
        "children": len(data.get("children") or ()),
        "bytes": len(build.build_docx(data)),
        "first in the process": first,
    }
    for name, fn in fns.items():
        fn()  # warm-up
        times, cpu = [], []
        for _ in range(runs):
            t0, c0 = time.perf_counter(), time.process_time()
            fn()
            times.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
        out[name] = statistics.median(times)
        out[f"{name}, CPU"] = statistics.median(cpu)
    return out


def run_child(root: Path, runs: int) -> dict[str, Any]:
    proc = subprocess.run(  # noqa: S603
        [sys.executable, str(Path(__file__).resolve()), "--checkout", str(root), "--runs",
         str(runs)],
        check=True,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "BENCH_PG_URL": PG_URL},
    )  # fmt: skip
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


def export_ref(ref: str, into: Path) -> str:
    """The checkout at ``ref`` under ``into`` (no git worktree: nothing shared changes)."""
    sha = subprocess.run(  # noqa: S603
        ["git", "-C", str(ROOT), "rev-parse", "--short", ref],  # noqa: S607
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    archive = subprocess.run(  # noqa: S603
        ["git", "-C", str(ROOT), "archive", "--format=tar", sha],  # noqa: S607
        check=True,
        capture_output=True,
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return sha


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--posts", type=int, default=200_000, help="when building the database")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--compare", metavar="REF", help="also time the checkout at this ref")
    parser.add_argument("--rounds", type=int, default=2, help="alternations with --compare")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/bantin_bench_docx"))
    parser.add_argument("--checkout", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.checkout:
        print(json.dumps(time_checkout(args.checkout, args.runs)))
        return 0
    ensure_database(args)
    results: dict[str, list[dict[str, Any]]] = {}
    with tempfile.TemporaryDirectory(prefix="docx_bench_") as tmp:
        checkouts = [("this checkout", ROOT)]
        if args.compare:
            sha = export_ref(args.compare, Path(tmp))
            checkouts.insert(0, (f"{args.compare} ({sha})", Path(tmp)))
        for _ in range(args.rounds if args.compare else 1):
            for label, root in checkouts:
                results.setdefault(label, []).append(run_child(root, args.runs))
    first = next(iter(results.values()))[0]
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print()
    print(f"Province {first['province']}, {first['children']} child units, 2026-H1")
    print(f"Median of {args.runs} runs per process; load average {load} (2 shared cores)")
    print(f"{'measure (ms per round)':24}" + "".join(f"{label:>24}" for label in results))

    def line(label: str, value: Callable[[dict[str, Any]], float]) -> None:
        cells = [", ".join(f"{value(r) * 1000:.0f}" for r in runs) for runs in results.values()]
        print(f"{label:24}" + "".join(f"{c:>24}" for c in cells))

    for name in MEASURES:
        line(name, operator.itemgetter(name))
    line("charts (difference)", lambda r: r["docx with charts"] - r["docx without charts"])
    line(FIRST, lambda r: r[FIRST])
    line(CPU, lambda r: r[CPU])
    sizes = "".join(f"{runs[0]['bytes']:>24,}" for runs in results.values())
    print(f"{'.docx bytes':24}" + sizes)
    mine = statistics.median(r["end to end"] for r in results["this checkout"])
    passed = mine <= GOAL_S
    print(f"\nprovince .docx end to end ≤ {GOAL_S:.0f} s: {mine:.2f} s "
          f"{'PASS' if passed else 'MISS'}")  # fmt: skip
    return 0 if passed else 1


if __name__ == "__main__":
    raise SystemExit(main())
