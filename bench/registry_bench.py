#!/usr/bin/env python
"""Lookups of the official channel registry through HTTP, at country scale.

Creates ~20,000 channels for the 3,355 official units in a throwaway SQLite database,
starts ``gunicorn config.wsgi -w 2`` on loopback (with bench/registry_bench_settings.py, which
only adds a bare constant-JSON view), fires a bounded number of ``GET /api/registry/lookup``
requests (exact hits, URL variants, lookalikes, bare handles, not-found) from a few client
processes, then the same number of requests to the bare view, and prints lookups/s, p50/p99
latency and the ratio lookups/s ÷ bare view/s.

    .venv/bin/python bench/registry_bench.py [--channels 20000] [--requests 6000] [--clients 4]
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
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def populate(n_channels: int, seed: int) -> list[tuple[str, str]]:
    """Create units and channels; return (platform, identifier) of every channel."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction

    from registry.models import Channel, RegistryVersion
    from registry.normalize import NotAChannel, normalize
    from registry.text import fold
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
    return sorted(seen)


def make_queries(keys: list[tuple[str, str]], n: int, seed: int) -> list[tuple[str, str]]:
    """(kind, query) mix: 35% URL variants of registered channels, 30% lookalikes,
    20% not found, 15% bare @handles."""
    rng = random.Random(seed)
    out: list[tuple[str, str]] = []
    handles = [ident for p, ident in keys if p in ("facebook", "tiktok")]
    for _ in range(n):
        roll = rng.random()
        platform, ident = rng.choice(keys)
        if roll < 0.35:
            kind = "exact"
            if platform == "facebook":
                q = rng.choice(
                    [
                        f"https://m.facebook.com/{ident}/?ref=bookmarks",
                        f"http://www.facebook.com/{ident.upper()}/posts/123456789",
                        f"fb.com/{ident}#about",
                        f"https://web.facebook.com/{ident}/?mibextid=ZbWKwL",
                    ]
                )
            elif platform == "youtube":
                q = f"https://m.youtube.com/{ident}/videos"
            elif platform == "tiktok":
                q = f"https://www.tiktok.com/@{ident}/video/7300000000000000000"
            elif platform == "zalo":
                q = f"zalo.me/{ident}"
            else:
                q = f"HTTPS://WWW.{ident.upper()}/tin-tuc?id=7"
        elif roll < 0.65:
            kind = "lookalike"
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
        elif roll < 0.85:
            kind = "not_found"
            word = "".join(rng.choice("abcdefghkmnpqrstuvxyz") for _ in range(rng.randint(8, 16)))
            q = rng.choice([f"https://www.facebook.com/{word}", f"{word}.com", f"@{word}"])
        else:
            kind = "bare"
            q = "@" + rng.choice(handles)
        out.append((kind, q))
    return out


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


def run_load(port: int, paths: list[str], clients: int) -> dict[str, object]:
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
    errors = sum(1 for r in results if r[1] >= 500)
    return {
        "requests": len(results),
        "per_second": len(results) / wall,
        "p50_ms": 1000 * statistics.median(lat),
        "p99_ms": 1000 * lat[min(len(lat) - 1, int(0.99 * len(lat)))],
        "errors": errors,
        "statuses": [r[2] for r in results],
    }


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
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--channels", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=6_000)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=7)
    opts = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="bantin-bench-registry-"))
    env = {
        **os.environ,
        "BANTIN_VAR_DIR": str(tmp),
        "DJANGO_SETTINGS_MODULE": "bench.registry_bench_settings",
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": "",
    }
    env.pop("DATABASE_URL")
    os.environ.update({k: v for k, v in env.items() if k != "PYTHONPATH"})
    sys.path.insert(0, str(ROOT))
    server = None
    try:
        t0 = time.perf_counter()
        keys = populate(opts.channels, opts.seed)
        print(f"database: {len(keys)} channels in {tmp} ({time.perf_counter() - t0:.1f} s)")
        port = free_port()
        gunicorn = str(Path(PY).with_name("gunicorn"))
        server = subprocess.Popen(  # noqa: S603 - fixed arguments
            [
                gunicorn,
                "config.wsgi",
                "-w",
                str(opts.workers),
                "-b",
                f"127.0.0.1:{port}",
                "--log-level",
                "warning",
            ],  # fmt: skip
            cwd=ROOT,
            env=env,
        )
        wait_ready(port)
        queries = make_queries(keys, opts.requests, opts.seed)
        paths = ["/api/registry/lookup?q=" + quote(q, safe="") for _, q in queries]
        # warm-up: each worker builds its index once (then only on a registry change)
        t0 = time.perf_counter()
        run_load(port, paths[: 20 * opts.workers], opts.workers * 2)
        print(f"warm-up (index build in each worker): {time.perf_counter() - t0:.1f} s")
        lookups = run_load(port, paths, opts.clients)
        bare = run_load(port, ["/bench/constant"] * opts.requests, opts.clients)
        by_kind: dict[str, dict[str, int]] = {}
        for (kind, _), status in zip(queries, lookups["statuses"], strict=True):  # type: ignore[call-overload]
            by_kind.setdefault(kind, {}).setdefault(status, 0)
            by_kind[kind][status] += 1
        ratio = float(lookups["per_second"]) / float(bare["per_second"])  # type: ignore[arg-type]
        print(f"server: gunicorn -w {opts.workers} (sync), SQLite, {os.cpu_count()} CPUs; "
              f"{opts.clients} client processes on the same machine")  # fmt: skip
        print(f"outcomes by query kind: {json.dumps(by_kind)}")
        for name, r in (("lookup", lookups), ("bare view", bare)):
            print(
                f"{name:>9}: {r['requests']} requests, {r['per_second']:.0f}/s, "
                f"p50 {r['p50_ms']:.1f} ms, p99 {r['p99_ms']:.1f} ms, 5xx {r['errors']}"
            )
        print(f"lookups/s: {lookups['per_second']:.0f}  (goal >= 1000)")
        print(f"p50: {lookups['p50_ms']:.1f} ms  p99: {lookups['p99_ms']:.1f} ms  (goal p99 <= 50)")
        print(f"ratio to bare view: {ratio:.2f}  (goal >= 0.5)")
    finally:
        if server is not None:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
