#!/usr/bin/env python
"""Lookups of the official channel registry through HTTP, at country scale.

Creates ~20,000 channels for the 3,355 official units in a throwaway SQLite database, starts
gunicorn on loopback (``config.wsgi`` with bench/registry_bench_settings.py, which only adds a
bare constant-JSON view; by default as deployed, ``-w (2 × CPUs + 1) -k sync``), loads it for a fixed time
with ``GET /api/registry/lookup`` requests (URL variants of registered channels, lookalikes,
bare handles, not-found) and the bare view for the same time under the same server, and
prints lookups/s, p50/p99 latency and the ratio lookups/s / bare view/s. The two alternate
in ``--slices`` slices (5 of 2 s each by default): on a machine shared with other work, a
change of load then falls on both alike instead of on whichever ran while it lasted
(``--slices 1``: the lookups for ``--seconds``, then the bare view, as before).

During both timed runs a writer process (its own index built before they start, as a web
worker's is) registers or verifies a channel every second through the services
(``--write-every``), and each worker compares every channel with its base every
``--rebuild-every`` seconds (``registry.index.MAX_AGE_SECONDS``: the resync that replaced the
periodic rebuild), so the figures include the overlay refreshes and the resyncs; with
``--overlay-max N`` a new base is also built (by one worker, loaded by the others) every N
writes. p99 is over every request of the run.

The load generator is ``wrk`` (a Lua script cycles through the query paths, each thread from
its own offset); every query is distinct, so no answer comes from the server's result cache
(the output says so, or warns when the run outlasted the list). Without ``wrk`` on PATH the
bench falls back to Python client processes, which eat much of the same 2 CPUs, and says so
(install hint printed; the bench itself installs nothing). After the timed runs the outcome of
every query kind is checked through HTTP against what the registry holds, and mismatches are
printed.

    .venv/bin/python bench/registry_bench.py [--channels 20000] [--seconds 10] [--slices 5]
        [--workers N] [--worker-class sync|gthread] [--threads 2] [--client wrk|python]
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def populate(n_channels: int, seed: int) -> dict[tuple[str, str], str]:
    """Create units and channels; return {(platform, identifier): status} of every channel."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction

    from core.text import fold
    from registry.models import Channel, RegistryVersion
    from registry.normalize import NotAChannel, normalize
    from units.models import Unit
    from units.services import units_load_official

    call_command("migrate", verbosity=0)
    units_load_official()
    units = list(Unit.objects.all())
    rng = random.Random(seed)
    seen: set[tuple[str, str]] = set()
    rows: list[Channel] = []
    prefixes = ["ubnd", "ubnd.", "ubndxa", "ubndphuong", "congan", "tuoitre", "vanhoa", ""]
    i = 0
    while len(rows) < n_channels:
        unit = units[i % len(units)]
        i += 1
        core = "".join(ch for ch in fold(unit.name) if ch.isalnum())[:24]
        platform = rng.choice(["facebook", "facebook", "zalo", "youtube", "tiktok", "website"])
        tag = rng.choice(["", "", str(rng.randint(1, 99)), "tv", "official"])
        handle = rng.choice(prefixes) + core + tag
        if platform == "facebook":
            url = f"https://www.facebook.com/{handle.strip('.')}"
        elif platform == "zalo":
            url = f"https://zalo.me/{rng.randrange(10**17, 10**18)}"
        elif platform == "youtube":
            url = f"https://www.youtube.com/@{handle.replace('.', '')}"
        elif platform == "tiktok":
            url = f"https://www.tiktok.com/@{handle}"
        else:
            url = f"https://{core}{tag}.gov.vn/"
        try:
            c = normalize(url)
        except NotAChannel:  # e.g. a TikTok name over 30 characters
            continue
        if c.key in seen:
            continue
        seen.add(c.key)
        status = "verified" if rng.random() < 0.85 else "pending"
        rows.append(
            Channel(
                unit=unit,
                platform=c.platform,
                identifier=c.identifier,
                url=c.url,
                display_name=f"{unit.name} {tag}".strip(),
                status=status,
                search_text=fold(f"{unit.name} {c.identifier}"),
            )
        )
    with transaction.atomic():
        Channel.objects.bulk_create(rows, batch_size=2000)
        RegistryVersion.objects.update_or_create(pk=1, defaults={"version": 1})
    return {(c.platform, c.identifier): str(c.status) for c in rows}


# what the lookup must answer for each kind of query
EXPECTED = {
    "exact": "the registered status (official or pending)",
    "lookalike": "lookalike",
    "not_found": "not_found",
    "bare": "official or pending",
}


def make_queries(
    registry: dict[tuple[str, str], str], n: int, seed: int
) -> list[tuple[str, str, frozenset[str]]]:
    """(kind, query, accepted statuses), all queries distinct: 35% URL variants of registered
    channels, 30% lookalikes (not registered themselves), 20% not found, 15% bare @handles."""
    from registry.normalize import NotAChannel, normalize

    rng = random.Random(seed)
    keys = sorted(registry)
    out: list[tuple[str, str, frozenset[str]]] = []
    seen: set[str] = set()
    handles = [ident for p, ident in keys if p in ("facebook", "tiktok")]
    official = {"verified": "official", "pending": "pending"}
    while len(out) < n:
        roll = rng.random()
        platform, ident = rng.choice(keys)
        if roll < 0.35:
            kind = "exact"
            accepted = frozenset([official[registry[(platform, ident)]]])
            if platform == "facebook":
                q = rng.choice(
                    [
                        f"https://m.facebook.com/{ident}/?ref=bookmarks",
                        f"http://www.facebook.com/{ident.upper()}/posts/{rng.randrange(10**9)}",
                        f"fb.com/{ident}#about",
                        f"https://web.facebook.com/{ident}/?mibextid={rng.randrange(10**6)}",
                    ]
                )
            elif platform == "youtube":
                q = f"https://m.youtube.com/{ident}/videos?t={rng.randrange(10**6)}"
            elif platform == "tiktok":
                q = f"https://www.tiktok.com/@{ident}/video/{rng.randrange(10**18, 10**19)}"
            elif platform == "zalo":
                q = f"zalo.me/{ident}?src={rng.randrange(10**6)}"
            else:
                q = f"HTTPS://WWW.{ident.upper()}/tin-tuc?id={rng.randrange(10**6)}"
        elif roll < 0.65:
            kind = "lookalike"
            accepted = frozenset(["lookalike"])
            handle = rng.choice(handles)
            pos = rng.randrange(len(handle))
            variant = rng.choice(
                [
                    handle.replace("o", "0", 1),
                    handle.replace("l", "1", 1),
                    handle[:pos] + "." + handle[pos:],
                    handle[:pos] + handle[pos] + handle[pos:],
                ]
            ).strip(".")
            q = f"https://www.facebook.com/{variant}"
            try:
                if normalize(q).key in registry:  # unchanged, or another registered channel
                    continue
            except NotAChannel:
                continue
        elif roll < 0.85:
            kind = "not_found"
            accepted = frozenset(["not_found"])
            word = "".join(rng.choice("abcdefghkmnpqrstuvxyz") for _ in range(rng.randint(8, 16)))
            q = rng.choice([f"https://www.facebook.com/{word}", f"{word}.com", f"@{word}"])
        else:
            kind = "bare"
            accepted = frozenset(["official", "pending"])
            q = "@" + rng.choice(handles)
        if q in seen:
            continue
        seen.add(q)
        out.append((kind, q, accepted))
    return out


def writer(stop: Any, ready: Any, every: float, seed: int, counter: Any) -> None:
    """Register a new channel, then verify it, alternately, one write every ``every`` s,
    through the services (the look-alike check included). Only its own channels change, so
    the query outcomes checked afterwards stay what they were. ``ready`` is set once this
    process's own look-alike index is built: the services' check needs one, and building it
    at the first write (1.5-2 s of CPU at 20,000 channels) fell in the lookups' timed run but
    not the bare view's, as a web worker's warm index would not."""
    import django

    django.setup()
    from django.db import connections

    connections.close_all()  # not the parent's SQLite connection
    from registry import index, services
    from units.models import Unit

    rng = random.Random(seed)
    units = list(Unit.objects.order_by("code")[:500])
    index.get()
    ready.set()
    pending = None
    n = 0
    while not stop.wait(every):
        n += 1
        try:
            if pending is None:
                unit = rng.choice(units)
                pending = services.channel_register(
                    acting_user=None,
                    unit=unit,
                    url=f"https://www.facebook.com/benchwriter{seed}x{n}q{rng.randrange(10**6)}",
                    display_name=f"Bench writer {n}",
                    acknowledge_lookalike="bench",
                )
            else:
                services.channel_verify(
                    acting_user=None, channel=pending, method="bench", acknowledge_lookalike="bench"
                )
                pending = None
            counter.value += 1
        except Exception as exc:  # noqa: BLE001 - report and go on writing
            print(f"writer: {exc}", file=sys.stderr)


def client_worker(args: tuple[int, list[str]]) -> list[tuple[float, int, str]]:
    port, paths = args
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    results = []
    for path in paths:
        t0 = time.perf_counter()
        conn.request("GET", path, headers={"Connection": "keep-alive"})
        response = conn.getresponse()
        body = response.read()
        elapsed = time.perf_counter() - t0
        status = ""
        if response.status == 200 and body.startswith(b"{"):
            status = json.loads(body).get("status", "")
        results.append((elapsed, response.status, status))
        if response.getheader("Connection", "").lower() == "close":
            conn.close()
    conn.close()
    return results


def run_python(port: int, paths: list[str], clients: int) -> dict[str, Any]:
    """Python client processes; each sends its share of ``paths`` once."""
    chunks = [paths[i::clients] for i in range(clients)]
    with multiprocessing.Pool(clients) as pool:
        t0 = time.perf_counter()
        parts = pool.map(client_worker, [(port, chunk) for chunk in chunks])
        wall = time.perf_counter() - t0
    results: list[tuple[float, int, str]] = [(0.0, 0, "")] * len(paths)
    for i, part in enumerate(parts):  # back in the order of ``paths``
        for k, r in enumerate(part):
            results[i + k * clients] = r
    lat = sorted(r[0] for r in results)
    return {
        "requests": len(results),
        "per_second": len(results) / wall,
        "p50_ms": 1000 * statistics.median(lat),
        "p99_ms": 1000 * lat[min(len(lat) - 1, int(0.99 * len(lat)))],
        "errors": sum(1 for r in results if r[1] != 200),
        "statuses": [r[2] for r in results],
    }


WRK_SCRIPT = r"""
-- cycles through the paths in PATHS_FILE from OFFSET; thread k starts k * #paths / threads on
local threads = {}
local count = 0
function setup(thread)
  thread:set("id", count)
  count = count + 1
  table.insert(threads, thread)
end
function init(args)
  paths = {}
  for line in io.lines(args[1]) do paths[#paths + 1] = line end
  i = (tonumber(args[3]) + math.floor(id * #paths / tonumber(args[2]))) % #paths
end
function request()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
function done(summary, latency, requests)
  local hist = {}
  for k = 1, #latency do
    local value, n = latency(k)
    hist[#hist + 1] = string.format("[%d,%d]", value, n)
  end
  io.write(string.format(
    'WRK-JSON {"requests": %d, "duration_us": %d, "status_errors": %d, "socket_errors": %d, '
    .. '"latency_us": [%s]}\n',
    summary.requests, summary.duration, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    table.concat(hist, ",")))
end
"""


def run_wrk(
    wrk: str, port: int, paths: list[str], seconds: float, threads: int, connections: int,
    offset: int = 0,
) -> dict[str, Any]:  # fmt: skip
    """One wrk run over ``paths`` (from ``offset`` on): requests, seconds, errors and the
    latency histogram ({microseconds: requests})."""
    with tempfile.TemporaryDirectory(prefix="bantin-wrk-") as tmp:
        script = Path(tmp, "paths.lua")
        script.write_text(WRK_SCRIPT)
        paths_file = Path(tmp, "paths.txt")
        paths_file.write_text("\n".join(paths) + "\n")
        out = subprocess.run(  # noqa: S603 - fixed arguments
            [
                wrk,
                f"-t{threads}",
                f"-c{connections}",
                f"-d{max(1, round(seconds))}s",  # wrk takes whole seconds
                "--timeout",
                "10s",
                "-s",
                str(script),
                f"http://127.0.0.1:{port}",
                "--",
                str(paths_file),
                str(threads),
                str(offset),
            ],  # fmt: skip
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    line = next(x for x in out.splitlines() if x.startswith("WRK-JSON "))
    r = json.loads(line.removeprefix("WRK-JSON "))
    return {
        "requests": r["requests"],
        "seconds": r["duration_us"] / 1e6,
        "errors": r["status_errors"] + r["socket_errors"],
        "latency_us": {int(v): int(n) for v, n in r["latency_us"]},
    }


def percentile(histogram: dict[int, int], p: float) -> float:
    """The ``p``-th percentile (milliseconds) of a {microseconds: requests} histogram."""
    total = sum(histogram.values())
    if not total:
        return 0.0
    rank = p / 100 * total
    seen = 0
    for value in sorted(histogram):
        seen += histogram[value]
        if seen >= rank:
            return value / 1000
    return max(histogram) / 1000


def run_interleaved(
    wrk: str, server_pid: int, port: int, paths: list[str], opts: argparse.Namespace
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The lookups and the bare view in alternate slices of ``--seconds / --slices`` each, so
    that a change in the machine's load (other processes) falls on both alike; the figures
    of each are summed over its slices, p50 and p99 over every request of them."""
    slices = max(1, opts.slices)
    each = max(1, round(opts.seconds / slices))
    totals: dict[str, dict[str, Any]] = {
        name: {"requests": 0, "seconds": 0.0, "errors": 0, "cpu": 0.0, "latency_us": {}}
        for name in ("lookup", "bare")
    }
    for _ in range(slices):
        for name, targets in (("lookup", paths), ("bare", ["/bench/constant"])):
            total = totals[name]
            offset = total["requests"] if name == "lookup" else 0
            cpu0 = server_cpu(server_pid)
            r = run_wrk(wrk, port, targets, each, 1, opts.connections, offset)
            total["cpu"] += server_cpu(server_pid) - cpu0
            for key in ("requests", "seconds", "errors"):
                total[key] += r[key]
            for value, n in r["latency_us"].items():
                total["latency_us"][value] = total["latency_us"].get(value, 0) + n
    out = []
    for total in totals.values():
        out.append(
            {
                "requests": total["requests"],
                "per_second": total["requests"] / total["seconds"],
                "p50_ms": percentile(total["latency_us"], 50),
                "p99_ms": percentile(total["latency_us"], 99),
                "p999_ms": percentile(total["latency_us"], 99.9),
                "max_ms": max(total["latency_us"], default=0) / 1000,
                "errors": total["errors"],
                "cpu_ms": 1000 * total["cpu"] / max(1, total["requests"]),
            }
        )
    return out[0], out[1]


def outcomes(
    port: int, queries: list[tuple[str, str, frozenset[str]]], statuses: list[str] | None
) -> tuple[dict[str, dict[str, int]], list[tuple[str, str, str]]]:
    """Outcome counts per kind, and the mismatches (kind, query, answer). ``statuses``: the
    answers already received in order; otherwise the queries are asked again through HTTP."""
    if statuses is None:
        paths = [lookup_path(q) for _, q, _ in queries]
        statuses = run_python(port, paths, 2)["statuses"]
    by_kind: dict[str, dict[str, int]] = {}
    bad: list[tuple[str, str, str]] = []
    for (kind, q, accepted), status in zip(queries, statuses, strict=True):
        by_kind.setdefault(kind, {}).setdefault(status, 0)
        by_kind[kind][status] += 1
        if status not in accepted:
            bad.append((kind, q, status))
    return by_kind, bad


def lookup_path(q: str) -> str:
    return "/api/registry/lookup?q=" + quote(q, safe="")


def server_cpu(pid: int) -> float:
    """CPU seconds used so far by the process ``pid`` and its children (gunicorn's master and
    workers, their threads included): the load generator's share of the CPUs is not in it,
    so it varies far less from run to run than requests/s on a shared machine."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    pids = [pid]
    while pids:
        p = pids.pop()
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
            pids += map(int, Path(f"/proc/{p}/task/{p}/children").read_text().split())
        except (OSError, ValueError):
            continue  # gone meanwhile, or not Linux
    return total


def wait_ready(port: int, timeout: float = 60) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/bench/constant")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--channels", type=int, default=20_000)
    parser.add_argument("--seconds", type=float, default=10, help="length of each timed run")
    parser.add_argument(
        "--slices",
        type=int,
        default=5,
        help="the timed runs alternate in this many slices each (1: lookups, then bare view)",
    )
    parser.add_argument("--queries", type=int, default=40_000, help="distinct lookup queries")
    parser.add_argument("--check", type=int, default=6_000, help="queries checked for outcome")
    # As deployed (deploy/gunicorn.conf.py): 2 x CPUs + 1 sync workers.
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2 + 1)
    parser.add_argument("--worker-class", default="sync", choices=["sync", "gthread"])
    parser.add_argument("--threads", type=int, default=2, help="per worker (gthread)")
    parser.add_argument("--client", default="wrk", choices=["wrk", "python"])
    parser.add_argument("--connections", type=int, default=4, help="concurrent connections")
    parser.add_argument("--python-requests", type=int, default=6_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--write-every", type=float, default=1.0, help="seconds between writes")
    parser.add_argument(
        "--rebuild-every", type=float, default=15.0, help="a resync in each worker this often"
    )
    parser.add_argument(
        "--overlay-max", type=int, default=None, help="a new base after this many writes"
    )
    opts = parser.parse_args()

    wrk = shutil.which("wrk") if opts.client == "wrk" else None
    if opts.client == "wrk" and wrk is None:
        print(
            "wrk not found: falling back to Python client processes, which share the CPUs with "
            "the server and lower every figure (Debian: apt-get install wrk)"
        )

    tmp = Path(tempfile.mkdtemp(prefix="bantin-bench-registry-"))
    env = {
        **os.environ,
        "BANTIN_VAR_DIR": str(tmp),
        "DJANGO_SETTINGS_MODULE": "bench.registry_bench_settings",
        "PYTHONPATH": str(ROOT),
        "BENCH_INDEX_MAX_AGE": str(opts.rebuild_every),
    }
    if opts.overlay_max is not None:
        env["BENCH_INDEX_OVERLAY_MAX"] = str(opts.overlay_max)
    env.pop("DATABASE_URL", None)
    os.environ.update({k: v for k, v in env.items() if k != "PYTHONPATH"})
    os.environ.pop("DATABASE_URL", None)
    sys.path.insert(0, str(ROOT))
    server = None
    try:
        t0 = time.perf_counter()
        registry = populate(opts.channels, opts.seed)
        print(f"database: {len(registry)} channels in {tmp} ({time.perf_counter() - t0:.1f} s)")
        port = free_port()
        gunicorn = str(Path(PY).with_name("gunicorn"))
        # Same as production (deploy/gunicorn.conf.py): each worker builds its index first.
        hooks = str(Path(__file__).with_name("registry_bench_gunicorn.py"))
        server_args = ["-c", hooks, "-w", str(opts.workers), "-k", opts.worker_class]
        if opts.worker_class == "gthread":
            server_args += ["--threads", str(opts.threads)]
        server = subprocess.Popen(  # noqa: S603 - fixed arguments
            [
                gunicorn,
                "config.wsgi",
                *server_args,
                "-b",
                f"127.0.0.1:{port}",
                "--log-level",
                "warning",
            ],  # fmt: skip
            cwd=ROOT,
            env=env,
        )
        wait_ready(port)
        n_queries = opts.queries if wrk else opts.python_requests
        queries = make_queries(registry, n_queries, opts.seed)
        paths = [lookup_path(q) for _, q, _ in queries]
        # warm-up with other queries: each worker builds its index once (then only on a change)
        warm = make_queries(registry, 40 * opts.workers, opts.seed + 1)
        t0 = time.perf_counter()
        run_python(port, [lookup_path(q) for _, q, _ in warm], opts.workers * 2)
        print(f"warm-up (index build in each worker): {time.perf_counter() - t0:.1f} s")
        stop, ready = multiprocessing.Event(), multiprocessing.Event()
        writes = multiprocessing.Value("i", 0)
        from django.db import connections

        connections.close_all()
        write_proc = multiprocessing.Process(
            target=writer, args=(stop, ready, opts.write_every, opts.seed, writes), daemon=True
        )
        write_proc.start()
        if not ready.wait(120):
            raise SystemExit("the writer did not start")
        t_run = time.perf_counter()
        if wrk:
            lookups, bare = run_interleaved(wrk, server.pid, port, paths, opts)
            each = max(1, round(opts.seconds / max(1, opts.slices)))
            client = (
                f"wrk -t1 -c{opts.connections}, {max(1, opts.slices)} slices of {each} s "
                "each, lookups and bare view alternating"
            )
            by_kind, bad = outcomes(port, queries[: opts.check], None)
            checked = min(opts.check, len(queries))
        else:
            lookups = run_python(port, paths, opts.connections)
            bare = run_python(port, ["/bench/constant"] * len(paths), opts.connections)
            client = f"{opts.connections} Python client processes"
            by_kind, bad = outcomes(port, queries, lookups["statuses"])
            checked = len(queries)
        stop.set()
        write_proc.join(timeout=30)
        run_seconds = time.perf_counter() - t_run
        ratio = lookups["per_second"] / bare["per_second"]
        threads = f" --threads {opts.threads}" if opts.worker_class == "gthread" else ""
        print(
            f"server: gunicorn -w {opts.workers} -k {opts.worker_class}{threads}, SQLite, "
            f"{os.cpu_count()} CPUs; load: {client} on the same machine"
        )
        repeats = max(0, lookups["requests"] - len(queries))
        print(
            f"lookup queries: {len(queries)} distinct, {lookups['requests']} sent"
            + (
                " (none repeated: every answer computed, none from the result cache)"
                if not repeats
                else f" (WARNING: {repeats} repeats, answered from the result cache; "
                "raise --queries)"
            )
        )
        print(f"outcomes by query kind ({checked} queries checked): {json.dumps(by_kind)}")
        print(f"expected: {json.dumps(EXPECTED)}")
        print(f"mismatches: {len(bad)}")
        for kind, q, status in bad[:10]:
            print(f"  {kind}: {q!r} -> {status!r}")
        for name, r in (("lookup", lookups), ("bare view", bare)):
            print(
                f"{name:>9}: {r['requests']} requests, {r['per_second']:.0f}/s, "
                f"p50 {r['p50_ms']:.1f} ms, p99 {r['p99_ms']:.1f} ms"
                + (
                    f", p99.9 {r['p999_ms']:.0f} ms, max {r['max_ms']:.0f} ms"
                    if "p999_ms" in r
                    else ""
                )
                + f", errors {r['errors']}"
                + (f", server CPU {r['cpu_ms']:.2f} ms a request" if "cpu_ms" in r else "")
            )
        print(
            f"writes during the runs: {writes.value} in {run_seconds:.0f} s (one every "
            f"{opts.write_every:g} s asked); a resync in each worker every "
            f"{opts.rebuild_every:g} s"
            + (
                f", a new base every {opts.overlay_max} writes"
                if opts.overlay_max is not None
                else ""
            )
        )
        print(f"lookups/s: {lookups['per_second']:.0f}  (goal >= 1500 on 2 cores)")
        print(f"p50: {lookups['p50_ms']:.1f} ms  p99: {lookups['p99_ms']:.1f} ms  (goal p99 <= 25)")
        print(f"ratio to bare view: {ratio:.2f}  (goal >= 0.75)")
        load = os.getloadavg()
        print(f"load average at the end: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")
    finally:
        if server is not None:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
