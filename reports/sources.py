"""The data of the report's "Nguồn số liệu" section (``reports/sections/sources.py``).

A unit without children: each of its channels (where its figures came from, when they were
last refreshed, followers at the period's start and end, through the connectors'
selectors) and its monthly forms. A unit with children (a province, the country): one row
per direct child and one for the unit's own channels (channels, how many connected, the
last refresh, how many stale, months of monthly forms), counted in SQL per unit, with a link
to the child's channel list (``reports:channels``, one channel a row). Listing a province's
300 first channels cost ~190 ms a page and told a reader little; the country has 20,000.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from django.db.models import Count, Max, Q
from django.utils import timezone

from connectors import selectors as connectors
from connectors.models import Connection
from ledger.models import ImportBatch
from registry.models import Channel
from reports.periods import Period
from reports.selectors import platform_label
from units.models import Unit
from units.selectors import child_code, subtree, subtree_q, sum_by_child

# A document lists this many channels at most: the first ones by unit and platform; the
# section's footnote says how many more there are.
LIMIT = 300


def sources_json(unit: Unit, period: Period) -> dict[str, Any]:
    children = list(Unit.objects.filter(parent=unit).order_by("name"))
    if children:
        rows = by_unit(unit, period, children, now=timezone.now())
        return {
            "stale_after_days": connectors.STALE_AFTER.days,
            "total_channels": sum(r["channels"] for r in rows),
            "by_unit": rows,
            "channels": [],
            "forms": [],
        }
    now = timezone.now()
    fresh = connectors.freshness(unit, period, now=now, limit=LIMIT)
    forms = connectors.form_sources(unit, since=period.start, until=period.end)
    total = len(fresh) if len(fresh) < LIMIT else connectors.verified_channel_count(unit)
    return {
        "stale_after_days": connectors.STALE_AFTER.days,
        "total_channels": total,
        "channels": [
            {
                "unit": f.channel.unit.name,
                "channel": str(f.channel),
                "kinds": list(f.kinds),
                "refreshed_at": f.refreshed_at.isoformat() if f.refreshed_at else None,
                "stale": f.stale,
                "followers_start": f.followers_start,
                "followers_end": f.followers_end,
            }
            for f in fresh
        ],
        "forms": [
            {
                "unit": f.unit.name,
                "platform": f.platform,
                "platform_label": platform_label(f.platform),
                "months": f.months,
                "approved_at": f.approved_at.isoformat() if f.approved_at else None,
            }
            for f in forms
        ],
    }


def by_unit(
    unit: Unit, period: Period, children: list[Unit], *, now: datetime
) -> list[dict[str, Any]]:
    """One row per direct child (its whole subtree) and first, when it has any, the unit's
    own: verified channels, how many are connected, the last refresh, how many are stale
    (the same rule as ``connectors.freshness``: a connected channel by its last successful
    sync, another by its last finished batch, stale past ``STALE_AFTER`` or never), and the
    months of approved monthly forms in the period. Four queries grouped by child in the
    database (``units.selectors.sum_by_child``, ``child_code``), whatever the number of
    channels."""
    cutoff = now - connectors.STALE_AFTER
    live = Connection.objects.exclude(status=Connection.Status.DISCONNECTED)
    empty = {"channels": 0, "connected": 0, "stale": 0, "fresh_files": 0, "last": None}
    acc: dict[str, dict[str, Any]] = defaultdict(lambda: dict(empty))
    child = child_code(unit, field="channel__unit__path")

    verified = Channel.objects.filter(status=Channel.Status.VERIFIED)
    if unit.parent_id is not None:  # ``sum_by_child`` keeps the subtree's; a root's is all
        verified = verified.filter(unit_id__in=subtree(unit).values("id"))
    per_unit = verified.values("unit_id").annotate(n=Count("*")).values("unit_id", "n")
    for code, n in sum_by_child(unit, per_unit).items():
        acc[code]["channels"] = n
    verified_in_subtree = Q(channel__status=Channel.Status.VERIFIED) & subtree_q(
        unit, field="channel__unit"
    )
    connected = (
        live.filter(verified_in_subtree)
        .annotate(child=child)
        .values("child")
        .annotate(
            n=Count("channel_id", distinct=True),
            last=Max("last_success_at"),
            stale=Count(
                "channel_id",
                distinct=True,
                filter=Q(last_success_at__isnull=True) | Q(last_success_at__lt=cutoff),
            ),
        )
        .values_list("child", "n", "last", "stale")
    )
    for code, n, last, stale in connected:
        acc[code].update(connected=n, stale=stale, last=last)
    # A connected channel's daily batches are many: its freshness is its last sync.
    batches = (
        ImportBatch.objects.filter(verified_in_subtree, status=ImportBatch.Status.DONE)
        .exclude(channel_id__in=live.values("channel_id"))
        .annotate(child=child)
        .values("child")
        .annotate(
            last=Max("finished_at"),
            fresh=Count("channel_id", distinct=True, filter=Q(finished_at__gte=cutoff)),
        )
        .values_list("child", "last", "fresh")
    )
    for code, last, fresh in batches:
        row = acc[code]
        row["fresh_files"] = fresh
        row["last"] = _later(row["last"], last)
    prefix = len(unit.path)
    forms: dict[str, int] = defaultdict(int)
    for f in connectors.form_sources(unit, since=period.start, until=period.end):
        forms[f.unit.path[prefix:].split("/", 1)[0]] += f.months

    by_code: dict[str, str | None] = {c.code: c.code for c in children}
    out: dict[str | None, dict[str, Any]] = {}
    for code in {*acc, *forms}:
        row = out.setdefault(
            by_code.get(code),
            {"channels": 0, "connected": 0, "stale": 0, "last": None, "form_months": 0},
        )
        found = acc.get(code)
        if found is not None:
            row["channels"] += found["channels"]
            row["connected"] += found["connected"]
            # Not connected and no batch since the cut-off (or none at all): stale.
            not_connected = found["channels"] - found["connected"]
            row["stale"] += found["stale"] + not_connected - found["fresh_files"]
            row["last"] = _later(row["last"], found["last"])
        row["form_months"] += forms.get(code, 0)

    def as_json(code: str, name: str, own: bool, row: dict[str, Any] | None) -> dict[str, Any]:
        row = row or {"channels": 0, "connected": 0, "stale": 0, "last": None, "form_months": 0}
        return {
            "code": code,
            "unit": name,
            "own": own,
            "channels": row["channels"],
            "connected": row["connected"],
            "stale": row["stale"],
            "refreshed_at": row["last"].isoformat() if row["last"] else None,
            "form_months": row["form_months"],
        }

    rows = [as_json(unit.code, unit.name, True, out[None])] if None in out else []
    rows += [as_json(c.code, c.name, False, out.get(c.code)) for c in children]
    return rows


def _later(a: datetime | None, b: datetime | None) -> datetime | None:
    return b if a is None or (b is not None and b > a) else a
