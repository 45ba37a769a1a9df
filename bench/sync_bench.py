"""Daily-sync benchmark: N connected channels against the local fake platforms.

The fakes (``connectors/tests/fakes``) run in a separate process, as the platforms would be,
and answer every request after ``--latency`` seconds (default 50 ms). The channels are mixed
as in the demo (Facebook, Zalo, YouTube, TikTok, one each in turn), each with ``--posts``
posts over the last 30 days. The sync process (``connectors.sync.run``, exactly what
``manage.py sync_channels`` runs) then fetches them all and writes them to the ledger.

Prints: the wall time, requests per second, the time per platform (first start to last
finish), the sync process's CPU and peak memory (``ru_maxrss``), and the ratio to a baseline
measured in the same run: the latency floor (each platform's requests × latency ÷ its
concurrency). ``--group`` sets how many channels' results are written per transaction
(``BANTIN_SYNC_GROUP``); ``--baseline`` first syncs N other channels one per transaction
(group 1) on the same database, and prints the ratio of the two. ``--channels`` below 20,000 extrapolates linearly to 20,000, and says so.

Usage: ``python bench/sync_bench.py [--channels N] [--posts P] [--latency S]
[--concurrency C] [--database sqlite|postgresql] [--group G] [--baseline]`` (PostgreSQL at ``BENCH_PG_URL``, default
``postgres://postgres@127.0.0.1:5432/bantin_bench_sync``). Goals for 20,000 channels on 2
cores: ≤ 30 minutes, peak ≤ 512 MiB.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import resource
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/bantin_bench_sync")
MIX = ("facebook", "zalo", "youtube", "tiktok")
PAGE = {"facebook": 100, "instagram": 100, "youtube": 50, "tiktok": 20, "zalo": 10}
COUNTRY = 20_000


def _account(platform: str, i: int) -> tuple[str, str, str]:
    """(channel URL, platform account id, handle) of the i-th channel."""
    if platform == "facebook":
        return f"https://www.facebook.com/profile.php?id={10**14 + i}", str(10**14 + i), ""
    if platform == "zalo":
        return f"https://zalo.me/{4 * 10**17 + i}", str(4 * 10**17 + i), ""
    if platform == "youtube":
        uc = f"UC{i:022d}"
        return f"https://www.youtube.com/channel/{uc}", uc, ""
    return f"https://www.tiktok.com/@bench{i}", f"open-{i}", f"bench{i}"


def _serve(channels: int, posts: int, latency: float, conn: Any) -> None:
    """The fake platforms' process: build the accounts, issue tokens, serve until told."""
    from connectors.tests.fakes import FakePlatforms, World

    world = World(latency=latency)
    now = datetime.now(UTC)
    tokens = []
    for i in range(channels):
        platform = MIX[i % len(MIX)]
        _url, account_id, handle = _account(platform, i)
        account = world.add_account(platform, account_id, handle=handle, posts=posts, now=now)
        account.page_size = PAGE[platform]
        tokens.append(world.issue(platform, [account_id], expires_in=None, refresh=False)[0])
    fakes = FakePlatforms(world).start()
    conn.send((fakes.settings(), tokens))
    conn.recv()  # until the parent is done
    conn.send(dict(world.requests))
    fakes.stop()


def _setup_django(database: str, tmp: Path) -> None:
    if database == "postgresql":
        os.environ["DATABASE_URL"] = PG_URL
        _create_database(PG_URL)
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    if database == "postgresql":
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    call_command("migrate", verbosity=0)


def _create_database(url: str) -> None:
    """The bench's own database, made on first use (a fresh machine has none)."""
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(base + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def _seed(channels: int, tokens: list[str]) -> dict[int, str]:
    """Units, verified channels and connections, bulk-made (the bench's fixture, not a
    service path: registering 20,000 channels one by one is not what is measured)."""
    from django.utils import timezone

    from connectors import crypto
    from connectors.models import Connection
    from registry.models import Channel
    from units.models import Unit

    province = Unit.objects.create(
        code="99", name="Tỉnh thử", kind="province", path=Unit.build_path(None, "99"), level=0
    )
    units = Unit.objects.bulk_create(
        [
            Unit(
                code=f"9{i:05d}",
                name=f"Xã thử {i}",
                kind="commune",
                parent=province,
                path=Unit.build_path(province, f"9{i:05d}"),
                level=1,
            )
            for i in range(max(1, channels // 4))
        ]
    )
    now = timezone.now()
    made = Channel.objects.bulk_create(
        [
            Channel(
                unit=units[(i // 4) % len(units)],
                platform=MIX[i % len(MIX)],
                identifier=(
                    _account(MIX[i % len(MIX)], i)[2] or _account(MIX[i % len(MIX)], i)[1]
                ).lower(),
                url=_account(MIX[i % len(MIX)], i)[0],
                status=Channel.Status.VERIFIED,
                verified_at=now,
            )
            for i in range(channels)
        ],
        batch_size=2000,
    )
    Connection.objects.bulk_create(
        [
            Connection(
                channel=channel,
                unit_id=channel.unit_id,
                platform=channel.platform,
                account_id=_account(channel.platform, i)[1],
                access_token=crypto.encrypt(tokens[i]),
                connected_at=now,
            )
            for i, channel in enumerate(made)
        ],
        batch_size=2000,
    )
    return {c.pk: c.platform for c in made}


def _timed_sync(
    channel_ids: list[int] | None, platform_of: dict[int, str], group: int
) -> dict[str, Any]:
    """One daily sync (``connectors.sync.run``) of these channels (None: every connection),
    ``group`` channels written per transaction; its wall time, CPU and per-platform figures."""
    from django.conf import settings

    from connectors import sync
    from registry.models import Channel

    settings.BANTIN_CONNECTORS["GROUP"] = group
    channels = None if channel_ids is None else list(Channel.objects.filter(pk__in=channel_ids))
    first: dict[str, float] = {}
    last: dict[str, float] = {}
    requests: Counter[str] = Counter()
    statuses: Counter[str] = Counter()
    posts: Counter[str] = Counter()
    errors: Counter[tuple[str, str, str]] = Counter()
    cpu0 = time.process_time()
    t0 = time.monotonic()

    def on_result(result: sync.ChannelResult) -> None:
        platform = platform_of[result.channel]
        now = time.monotonic() - t0
        first.setdefault(platform, now)
        last[platform] = now
        requests[platform] += result.requests
        statuses[str(result.status)] += 1
        posts[platform] += result.posts_created + result.posts_updated + result.unchanged
        for error in result.errors:
            errors[(platform, error.get("code", ""), error.get("message", "")[:120])] += 1

    sync.run(channels=channels, on_result=on_result)
    return {
        "wall": time.monotonic() - t0,
        "cpu": time.process_time() - cpu0,
        "first": first,
        "last": last,
        "requests": requests,
        "statuses": statuses,
        "posts": posts,
        "errors": errors,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--channels", type=int, default=COUNTRY)
    parser.add_argument("--posts", type=int, default=30, help="posts per channel (30 days)")
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--concurrency", type=int, default=None)
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument(
        "--group", type=int, default=None, help="channels per write (BANTIN_SYNC_GROUP)"
    )
    parser.add_argument(
        "--youtube-quota",
        type=int,
        default=None,
        help="YouTube units for the run (default: 3 per YouTube channel, at least 10,000)",
    )
    parser.add_argument(
        "--baseline",
        action="store_true",
        help="first sync another N channels one channel per write (group 1), same run",
    )
    args = parser.parse_args()
    load_start = os.getloadavg()
    made = args.channels * (2 if args.baseline else 1)
    parent, child = mp.Pipe()
    server = mp.get_context("fork").Process(
        target=_serve, args=(made, args.posts, args.latency, child), daemon=True
    )
    server.start()
    fake_settings, tokens = parent.recv()
    with tempfile.TemporaryDirectory(prefix="bantin-sync-bench-") as tmp:
        _setup_django(args.database, Path(tmp))
        from django.conf import settings

        settings.BANTIN_CONNECTORS = {**settings.BANTIN_CONNECTORS, **fake_settings}
        if args.concurrency:
            settings.BANTIN_CONNECTORS["CONCURRENCY"] = args.concurrency
        # 3 units a YouTube channel: a country's installation runs on a quota extension
        # (docs/connectors.md); the default 10,000 would leave two thirds of them out.
        youtube_channels = sum(1 for i in range(made) if MIX[i % len(MIX)] == "youtube")
        quota = args.youtube_quota or max(10_000, 3 * youtube_channels)
        settings.BANTIN_CONNECTORS["YOUTUBE_QUOTA"] = quota
        concurrency = settings.BANTIN_CONNECTORS["CONCURRENCY"]
        group = args.group or settings.BANTIN_CONNECTORS["GROUP"]
        platform_of = _seed(made, tokens)
        ids = sorted(platform_of)
        base = None
        if args.baseline:
            # The same number of other channels, just before, on the same database: the
            # ratio to it is worth more than a wall time on a shared machine.
            base = _timed_sync(ids[args.channels :], platform_of, 1)
            load_mid = os.getloadavg()
            run = _timed_sync(ids[: args.channels], platform_of, group)
        else:
            run = _timed_sync(None, platform_of, group)
    parent.send("done")
    parent.recv()
    server.join(timeout=10)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    wall, requests, last, first = run["wall"], run["requests"], run["last"], run["first"]
    total_requests = sum(requests.values())
    posts_total = sum(run["posts"].values())
    per_platform: Counter[str] = Counter(platform_of[i] for i in ids[: args.channels])
    floor = max(requests[p] * args.latency / concurrency for p in requests) if requests else 0.0
    scale = COUNTRY / args.channels
    print(
        f"sync bench: {args.channels} channels ({dict(per_platform)}), {args.posts} posts each, "
        f"{args.latency * 1000:.0f} ms latency, concurrency {concurrency} per platform, "
        f"{group} channels per write, {args.database}, YouTube quota {quota} units"
    )
    print(
        f"load average at start {load_start[0]:.2f}, at end {os.getloadavg()[0]:.2f}, cores {os.cpu_count()}"
    )
    print(f"statuses: {dict(run['statuses'])}")
    for (platform, code, message), count in run["errors"].most_common(8):
        print(f"  error {count:6d} x {platform} {code}: {message}")
    print(f"wall {wall:.1f} s, sync process CPU {run['cpu']:.1f} s, peak {peak_mib:.0f} MiB")
    print(
        f"requests {total_requests} ({total_requests / wall:.0f}/s), posts written {posts_total} "
        f"({posts_total / wall:.0f}/s)"
    )
    for platform in sorted(requests):
        span = last[platform] - first.get(platform, 0.0)
        print(
            f"  {platform:9s} channels {per_platform[platform]:6d}  requests {requests[platform]:7d}  "
            f"done at {last[platform]:7.1f} s (first result {first[platform]:.1f} s, span {span:.1f} s)"
        )
    print(
        f"baseline (latency floor: the busiest platform's requests x latency / concurrency): {floor:.1f} s; "
        f"ratio wall / floor {wall / floor:.2f}"
        if floor
        else "baseline: n/a"
    )
    if base is not None:
        print(
            f"same-run baseline: {args.channels} other channels written one per transaction "
            f"(group 1), just before (load average then {load_mid[0]:.2f}): wall {base['wall']:.1f} s, "
            f"CPU {base['cpu']:.1f} s, statuses {dict(base['statuses'])}; "
            f"ratio grouped / one-by-one {wall / base['wall']:.2f}"
        )
    if scale != 1:
        print(
            f"extrapolated linearly to {COUNTRY} channels (x{scale:.1f}; NOT measured): "
            f"{wall * scale / 60:.1f} min (goal <= 30 min)"
            + (f"; one-by-one {base['wall'] * scale / 60:.1f} min" if base else "")
            + "; memory does not grow with the number of channels (jobs are streamed, "
            "at most 4 x concurrency held)"
        )
    else:
        print(f"{COUNTRY} channels: {wall / 60:.1f} min (goal <= 30 min)")
    print(
        f"peak memory {'PASS' if peak_mib <= 512 else 'MISS'} ({peak_mib:.0f} MiB, goal <= 512 MiB)"
    )


if __name__ == "__main__":
    main()
