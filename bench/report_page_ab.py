#!/usr/bin/env python
"""One checkout's province report page, timed in-process, for alternating A/B runs.

``report_page_bench.py`` runs minutes apart on a shared machine, whose load moves more than
the difference between two versions of the code. Run this for two checkouts in turn on the
same (analysed) database instead: old, new, old, new.

    .venv/bin/python bench/report_page_ab.py /path/to/checkout [--database-url postgres://…]

Prints the median, over 5 periods (3 months, a quarter, the year), of the median of 7 renders
through Django's test client, signed in as the demo's province viewer (``xem``).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("root", help="the checkout whose code renders the page")
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/bantin_reportspeed"
    )
    opts = parser.parse_args()
    sys.path.insert(0, opts.root)
    os.chdir(opts.root)
    os.environ["DATABASE_URL"] = opts.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.test import Client

    from units.models import Unit

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(get_user_model().objects.get(username="xem"))
    code = Unit.objects.get(parent__isnull=True).code
    periods = ("2026-11", "2026-10", "2026-09", "2026-Q3", "2026")
    medians = []
    for period in periods:
        path = f"/reports/{code}/?period={period}"
        assert client.get(path).status_code == 200, path  # noqa: S101
        times = []
        for _ in range(7):
            t0 = time.perf_counter()
            client.get(path)
            times.append((time.perf_counter() - t0) * 1000)
        medians.append(statistics.median(times))
    print(
        f"{opts.root}: page {statistics.median(medians):.0f} ms "
        f"(periods {', '.join(f'{m:.0f}' for m in medians)}); load {os.getloadavg()[0]:.1f}"
    )


if __name__ == "__main__":
    main()
