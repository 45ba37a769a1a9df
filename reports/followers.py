"""The data of the report's "Người theo dõi theo tháng" section
(``reports/sections/followers.py``): followers by month, from the follower counts the
platform connections record each day (``connectors.FollowerCount``, read through the
connectors' selectors).

Months are the report's: calendar months (cut to a date range's days), or under the
administrative convention the reporting months of Decree 09/2019 (T7/2026 = 15/06–14/07), so
a quarter has three. A month's figure is a channel's last count on or before the month's
last day: a month without a count carries the last known one forward, and a channel has
none before its first count. Months that have not begun are left out (nothing is known of
them).

A unit without children: its channels, one line each, the ``LIMIT`` with most followers in
the last month (the footnote says how many are left out, and their followers). A unit with
children: the subtree's total by month and how many channels it counts.
"""

from __future__ import annotations

import calendar
from collections import Counter
from datetime import date
from typing import Any

from django.utils import timezone

from connectors import selectors as connectors
from reports.formatting import month_label_vi
from reports.periods import Period
from reports.selectors import reporting_month_dates
from units.models import Unit

# A unit's channels shown, those with the most followers in the last month.
LIMIT = 10


def months(period: Period, today: date) -> list[dict[str, Any]]:
    """The period's months that have begun by ``today``: ``month`` (2026-07), ``label``
    (T7/2026), and the first and last day counted (``start``, ``end``)."""
    out = []
    administrative = period.by_reporting_month
    for y, m in period.nominal_months() if administrative else period.months():
        first = date(y, m, 1)
        if administrative:
            start, end = reporting_month_dates(first)
        else:
            last = date(y, m, calendar.monthrange(y, m)[1])
            start, end = max(first, period.start), min(last, period.end)
        if start > today:
            break
        out.append(
            {
                "month": f"{y:04d}-{m:02d}",
                "label": month_label_vi(first),
                # Only a reporting month shows its dates (as the monthly table does).
                "start": start.isoformat() if administrative else None,
                "end": end.isoformat() if administrative else None,
                "last_day": end.isoformat(),
            }
        )
    return out


def followers_json(
    unit: Unit, period: Period, *, has_children: bool, today: date | None = None
) -> dict[str, Any]:
    """The section's data: ``months``; for a unit without children ``channels`` (each with
    its ``counts``, ``[followers, day]`` or None per month) and how many more channels and
    followers are left out; for a unit with children ``total`` (``followers`` and
    ``channels`` per month). One query either way."""
    found = months(period, today or timezone.localdate())
    days = [date.fromisoformat(m["last_day"]) for m in found]
    out: dict[str, Any] = {"by_channel": not has_children, "months": found}
    if has_children:
        out["total"] = [
            {"followers": followers, "channels": channels}
            for followers, channels in connectors.followers_totals(unit, days)
        ]
        return out
    rows = connectors.followers_on(unit, days)
    rows.sort(key=lambda r: (-(r.counts[-1] or (0, None))[0], str(r.channel)))
    shown, rest = rows[:LIMIT], rows[LIMIT:]
    names = Counter(str(r.channel) for r in shown)
    out["channels"] = [
        {
            # Two channels of one name (two pages called "UBND xã"): each its own line.
            "channel": str(r.channel)
            if names[str(r.channel)] == 1
            else f"{r.channel} ({r.channel.identifier})",
            "counts": [None if c is None else [c[0], c[1].isoformat()] for c in r.counts],
        }
        for r in shown
    ]
    out["more_channels"] = len(rest)
    out["more_followers"] = sum((r.counts[-1] or (0, None))[0] for r in rest)
    return out
