"""The data of the report's "Nguồn số liệu" section (``reports/sections/sources.py``): where
each unit's figures came from, when they were last refreshed, and each channel's followers
at the period's start and end, read through the connectors' selectors."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from connectors import selectors as connectors
from reports.periods import Period
from reports.selectors import platform_label
from units.models import Unit

# A document lists this many channels at most (the country has ~20,000): the first ones by
# unit and platform; the section's footnote says how many more there are.
LIMIT = 300


def sources_json(unit: Unit, period: Period) -> dict[str, Any]:
    now = timezone.now()
    rows = connectors.freshness(unit, period, now=now, limit=LIMIT)
    forms = connectors.form_sources(unit, since=period.start, until=period.end)
    total = len(rows) if len(rows) < LIMIT else connectors.verified_channel_count(unit)
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
            for f in rows
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
