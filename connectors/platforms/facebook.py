"""Facebook Pages through the Graph API (version ``BANTIN_META_GRAPH_VERSION``, v23.0).

Calls (docs/connectors.md cites each):
- ``GET /{version}/me`` and ``/me/accounts`` to check the token and find the Page's token;
- ``GET /{version}/{page-id}/posts`` with the fields below, ``since``/``until``, following
  ``paging.next``; the insights (views, reach, clicks) by field expansion
  ``insights.metric(...)``, names from ``connectors.metrics``;
- ``GET /{version}/{page-id}/insights?metric=page_follows`` for the channel's followers.
Only the Page's own posts and aggregate counts: ``comments.summary(true).limit(0)`` asks
for the count and no comment at all.
"""

from __future__ import annotations

from typing import Any

from connectors import metrics
from connectors.errors import MetricRefused, PlatformError, TokenExpired
from connectors.http import Api
from connectors.platforms.base import Account, Dropped, Fetched, FetchedPost, Window
from connectors.platforms.meta import (
    Meta,
    bearer,
    check,
    graph,
    insight_values,
    timestamp,
    unix,
)

POST_FIELDS = (
    "id,created_time,permalink_url,message,status_type,shares,"
    "comments.summary(true).limit(0),reactions.summary(true).limit(0)"
)
CONTENT_TYPES = {
    "added_video": "video",
    "added_photos": "photo",
    "mobile_status_update": "article",
    "shared_story": "article",
    "created_note": "article",
}


def _total(item: dict[str, Any], name: str) -> int | None:
    summary = (item.get(name) or {}).get("summary") or {}
    value = summary.get("total_count")
    return value if isinstance(value, int) else None


class Facebook(Meta):
    name = "facebook"
    scopes = ("pages_show_list", "pages_read_engagement", "read_insights")

    def accounts(self, api: Api, token: str) -> list[Account]:
        me = check(
            api, api.call("GET", graph("me"), params={"fields": "id,name"}, headers=bearer(token))
        )
        found = [Account(id=str(me["id"]), name=me.get("name", ""), token=token)]
        try:
            pages = check(
                api,
                api.call(
                    "GET",
                    graph("me/accounts"),
                    params={"fields": "id,name,username,access_token", "limit": 100},
                    headers=bearer(token),
                ),
            )
        except TokenExpired:
            raise
        except PlatformError:
            return found  # a Page's own token has no accounts edge
        for page in pages.get("data") or []:
            found.append(
                Account(
                    id=str(page["id"]),
                    name=page.get("name", ""),
                    handle=page.get("username", ""),
                    token=page.get("access_token") or token,
                )
            )
        return found

    def fetch(self, api: Api, *, account_id: str, token: str, window: Window) -> Fetched:
        result = Fetched()
        wanted = metrics.names("facebook", window.today, fields=("views", "reach", "clicks"))
        items, failure = self.posts_with_insights(
            api,
            edge=f"{account_id}/posts",
            token=token,
            fields=POST_FIELDS,
            wanted=wanted,
            params={"since": unix(window.since), "until": unix(window.until) + 86400, "limit": 100},
            dropped=result.dropped,
        )
        if failure:
            result.errors.append({"code": "partial", "message": failure})
        for item in items:
            values = insight_values(item)
            post = FetchedPost(
                post_id=str(item["id"]),
                content_type=CONTENT_TYPES.get(item.get("status_type", ""), "article"),
                published_at=timestamp(item.get("created_time")),
                permalink=item.get("permalink_url") or "",
                caption=item.get("message") or "",
                reactions=_total(item, "reactions"),
                comments=_total(item, "comments"),
                # Meta leaves ``shares`` out of a post nobody shared.
                shares=(item.get("shares") or {}).get("count", 0),
            )
            for name, field in wanted.items():
                if name in values:
                    setattr(post, field, values[name])
            result.posts.append(post)
        self._followers(api, account_id=account_id, token=token, window=window, result=result)
        return result

    def _followers(
        self, api: Api, *, account_id: str, token: str, window: Window, result: Fetched
    ) -> None:
        for name in metrics.names("facebook", window.today, fields=("followers",)):
            try:
                body = check(
                    api,
                    api.call(
                        "GET",
                        graph(f"{account_id}/insights"),
                        params={"metric": name},
                        headers=bearer(token),
                    ),
                )
            except MetricRefused as exc:
                result.dropped.append(Dropped(metric=name, field="followers", message=exc.message))
                continue
            value = insight_values(body).get(name)
            if value is not None:
                result.followers = value
