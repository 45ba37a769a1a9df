"""Each platform's metric names, the canonical field they feed, and when they are valid.

Platforms rename metrics (Meta's Impressions became Views on 15/11/2025); tools that hard-
code one name break silently. The sync asks :func:`names` for the names valid on the run's
day; a metric the platform still refuses (Meta's error code 100) is dropped for the run and
recorded on the connection and the batch (``connectors.sync``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class MetricName:
    platform: str
    name: str  # the platform's own name
    field: str  # the ledger's canonical field
    valid_from: date | None = None  # first day it is valid (None: always was)
    valid_until: date | None = None  # first day it is no longer valid (None: still is)
    source: str = ""  # the platform's notice

    def valid_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_until is None or day < self.valid_until
        )


META_DEPRECATIONS = "https://developers.facebook.com/docs/platforminsights/page/deprecated-metrics"
IG_INSIGHTS = (
    "https://developers.facebook.com/docs/instagram-platform/reference/instagram-media/insights"
)

TABLE: tuple[MetricName, ...] = (
    # Facebook Page posts (insights).
    MetricName(
        "facebook", "post_impressions", "views", None, date(2025, 11, 15), META_DEPRECATIONS
    ),
    MetricName("facebook", "post_media_view", "views", date(2025, 6, 1), None, META_DEPRECATIONS),
    MetricName(
        "facebook", "post_impressions_unique", "reach", None, date(2025, 11, 15), META_DEPRECATIONS
    ),
    MetricName(
        "facebook",
        "post_total_media_view_unique",
        "reach",
        date(2025, 6, 1),
        None,
        META_DEPRECATIONS,
    ),
    MetricName("facebook", "post_clicks", "clicks", None, None, META_DEPRECATIONS),
    # Facebook Page (the channel's followers).
    MetricName("facebook", "page_fans", "followers", None, date(2025, 11, 15), META_DEPRECATIONS),
    MetricName("facebook", "page_follows", "followers", date(2024, 3, 14), None, META_DEPRECATIONS),
    # Instagram media (insights); likes and comments come as fields of the media.
    MetricName("instagram", "impressions", "views", None, date(2025, 4, 21), IG_INSIGHTS),
    MetricName("instagram", "views", "views", date(2024, 12, 1), None, IG_INSIGHTS),
    MetricName("instagram", "reach", "reach", None, None, IG_INSIGHTS),
)


def names(platform: str, day: date, *, fields: tuple[str, ...] | None = None) -> dict[str, str]:
    """{platform metric name: canonical field} valid on ``day``; the newest name wins when
    two overlap (the successor is valid before its predecessor's last day)."""
    chosen: dict[str, MetricName] = {}
    for metric in TABLE:
        if metric.platform != platform or not metric.valid_on(day):
            continue
        if fields is not None and metric.field not in fields:
            continue
        current = chosen.get(metric.field)
        if current is None or (metric.valid_from or date.min) > (current.valid_from or date.min):
            chosen[metric.field] = metric
    return {m.name: m.field for m in chosen.values()}
