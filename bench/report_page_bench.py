#!/usr/bin/env python
"""The report page as a province viewer sees it, on the demo's data (issue 14, item 8).

Seeds the demo province (``seed_demo --months 12``) into a fresh database (PostgreSQL by
default: ``--database-url``; ``--sqlite`` for a throwaway SQLite file), then prints:

* server time of one province report page (HTML with its charts), the median of ``--repeat``
  renders in this process through Django's test client, beside a bare view's in the same run;
* gunicorn as deployed (``deploy/gunicorn.conf.py``: 2 × CPUs + 1 workers, 1 thread each, access
  log on), loaded by ``wrk`` with ``--viewers`` connections signed in as the demo's province
  viewer (``xem``), cycling through the province's pages for several periods: pages/s, p50,
  p95, and the same server's bare-view rate under the same load.

Goals: a page ≤ 150 ms server time; 8 viewers on 2 cores ≥ 15 pages/s with p95 ≤ 1 s.

    .venv/bin/python bench/report_page_bench.py [--database-url postgres://…] [--sqlite]
        [--seconds 15] [--viewers 8] [--repeat 15]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable

WRK_SCRIPT = r"""
local count = 0
function setup(thread)
  thread:set("id", count)
  count = count + 1
end
function init(args)
  paths = {}
  for line in io.lines(args[1]) do paths[#paths + 1] = line end
  i = id % #paths
  cookie = args[2]
end
function request()
  i = i % #paths + 1
  return wrk.format("GET", paths[i], {["Cookie"] = cookie, ["Host"] = "127.0.0.1"})
end
function done(summary, latency, requests)
  io.write(string.format(
    'WRK-JSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, '
    .. '"status_errors": %d, "socket_errors": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_ready(port: int, timeout: float = 120) -> None:
    """Until a worker answers (the master binds the port before its workers have booted)."""
    import http.client

    deadline = time.monotonic() + timeout
    while True:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/bench/constant", headers={"Host": "127.0.0.1"})
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise SystemExit("gunicorn did not answer")
        time.sleep(0.5)


def fresh_postgres(url: str) -> None:
    """Drop and create the database named in ``url`` (connecting to ``postgres``)."""
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def seed(*, reuse: bool) -> tuple[str, str]:
    """Migrate and seed the demo (unless ``reuse``); return (province code, viewer session
    cookie)."""
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command

    from units.models import Unit

    call_command("migrate", verbosity=0)
    if not reuse:
        call_command("seed_demo", "--months", "12", "--json", stdout=open(os.devnull, "w"))  # noqa: SIM115
    from django.db import connection

    if connection.vendor == "postgresql":
        # Fresh tables have no planner statistics until autovacuum analyses them (the shared
        # development server runs with autovacuum off): without them the top posts' query
        # probes posts per unit (~390 ms) instead of reading the reach index (~1 ms).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    viewer = get_user_model().objects.get(username="xem")
    session = SessionStore()
    session[SESSION_KEY] = str(viewer.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = viewer.get_session_auth_hash()
    session.save()
    province = Unit.objects.get(parent__isnull=True).code
    return province, f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def periods(today: date) -> list[str]:
    """The periods a viewer looks at: recent months, the last quarters, the year so far."""
    out = []
    year, month = today.year, today.month
    for _ in range(4):
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
        out.append(f"{year}-{month:02d}")
    quarter = (today.month - 1) // 3
    for q in (quarter, quarter - 1):
        if q >= 1:
            out.append(f"{today.year}-Q{q}")
    out.append(str(today.year))
    return out


def in_process(paths: list[str], cookie: str, repeat: int) -> dict[str, float]:
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    name, value = cookie.split("=", 1)
    client.cookies[name] = value

    def median_ms(path: str) -> float:
        assert client.get(path).status_code == 200, path
        times = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            client.get(path)
            times.append(time.perf_counter() - t0)
        return statistics.median(times) * 1000

    pages = [median_ms(p) for p in paths]
    return {
        "page_ms": statistics.median(pages),
        "worst_ms": max(pages),
        "bare_ms": median_ms("/bench/constant"),
    }


def run_wrk(
    wrk: str, port: int, paths: list[str], cookie: str, seconds: int, conns: int
) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bantin-wrk-") as tmp:
        script = Path(tmp, "pages.lua")
        script.write_text(WRK_SCRIPT)
        listing = Path(tmp, "paths.txt")
        listing.write_text("\n".join(paths) + "\n")
        out = subprocess.run(  # noqa: S603 - fixed arguments
            [
                wrk,
                "-t2",
                f"-c{conns}",
                f"-d{seconds}s",
                "--timeout",
                "30s",
                "-s",
                str(script),
                f"http://127.0.0.1:{port}",
                "--",
                str(listing),
                cookie,
            ],  # fmt: skip
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    r = json.loads(next(x for x in out.splitlines() if x.startswith("WRK-JSON "))[9:])
    return {
        "per_second": r["requests"] / (r["duration_us"] / 1e6),
        "requests": r["requests"],
        "p50_ms": r["p50_us"] / 1000,
        "p95_ms": r["p95_us"] / 1000,
        "errors": r["status_errors"] + r["socket_errors"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/bantin_bench_reports"
    )
    parser.add_argument("--sqlite", action="store_true", help="a throwaway SQLite file instead")
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--viewers", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--reuse", action="store_true", help="keep the database of a last run")
    opts = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="bantin-bench-report-"))
    url = f"sqlite:///{tmp}/bench.sqlite3" if opts.sqlite else opts.database_url
    if not opts.sqlite and not opts.reuse:
        fresh_postgres(url)
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "BANTIN_VAR_DIR": str(tmp),
        "DJANGO_SETTINGS_MODULE": "bench.registry_bench_settings",  # adds /bench/constant
        "PYTHONPATH": str(ROOT),
        "BANTIN_REQUIRE_2FA_FOR_ADMINS": "0",
    }
    os.environ.update({k: v for k, v in env.items() if k != "PYTHONPATH"})
    sys.path.insert(0, str(ROOT))
    t0 = time.perf_counter()
    province, cookie = seed(reuse=opts.reuse and not opts.sqlite)
    print(
        f"database: {'SQLite' if opts.sqlite else 'PostgreSQL'}, demo province seeded in {time.perf_counter() - t0:.0f} s"
    )
    paths = [f"/reports/{province}/?period={p}" for p in periods(date.today())]
    local = in_process(paths, cookie, opts.repeat)
    print(
        f"server time, one request at a time (median of {opts.repeat}, {len(paths)} periods): "
        f"page {local['page_ms']:.0f} ms (slowest period {local['worst_ms']:.0f} ms), "
        f"bare view {local['bare_ms']:.1f} ms  (goal: page <= 150 ms)"
    )
    wrk = shutil.which("wrk")
    if wrk is None:
        print("wrk not found (Debian: apt-get install wrk): the concurrent run is skipped")
        return
    from django.db import connections

    connections.close_all()
    port = free_port()
    server = subprocess.Popen(  # noqa: S603 - fixed arguments
        [
            str(Path(PY).with_name("gunicorn")),
            "config.wsgi",
            "-c",
            str(ROOT / "deploy" / "gunicorn.conf.py"),
        ],
        cwd=ROOT,
        env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}"},
        stdout=subprocess.DEVNULL,  # the access log
        stderr=open(tmp / "gunicorn.log", "w"),  # noqa: SIM115
    )
    try:
        wait_ready(port)
        run_wrk(wrk, port, paths, cookie, 3, opts.viewers)  # warm every worker
        pages = run_wrk(wrk, port, paths, cookie, opts.seconds, opts.viewers)
        bare = run_wrk(wrk, port, ["/bench/constant"], cookie, opts.seconds, opts.viewers)
    finally:
        server.terminate()
        server.wait(timeout=30)
    workers = os.environ.get("GUNICORN_WORKERS", str((os.cpu_count() or 1) * 2 + 1))
    threads = os.environ.get("GUNICORN_THREADS", "1")
    print(
        f"gunicorn as deployed ({workers} workers, {threads} thread(s) each), {os.cpu_count()} CPUs, "
        f"wrk -c{opts.viewers} on the same machine:"
    )
    for name, r in (("report page", pages), ("bare view", bare)):
        print(
            f"{name:>12}: {r['per_second']:.1f}/s, p50 {r['p50_ms']:.0f} ms, p95 {r['p95_ms']:.0f} ms, "
            f"{r['requests']} requests, errors {r['errors']}"
        )
    print(
        f"pages/s: {pages['per_second']:.1f}  (goal >= 15)   p95: {pages['p95_ms']:.0f} ms  (goal <= 1000)"
    )
    print(
        f"ratio of the page's rate to the bare view's: {pages['per_second'] / bare['per_second']:.3f}"
    )
    load = os.getloadavg()
    print(f"load average at the end: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")


if __name__ == "__main__":
    main()
