"""Instagram professional accounts through the Graph API (Instagram API with Facebook Login).

Calls: ``GET /{version}/me`` / ``/me/accounts`` with ``instagram_business_account`` to find
the account; ``GET /{version}/{ig-user-id}/media`` (``like_count``, ``comments_count``,
``insights.metric(views,reach)``), following ``paging.next``; ``GET /{version}/{ig-user-id}
?fields=followers_count``. Counts only: no comment is read.
"""

from __future__ import annotations

from connectors import metrics
from connectors.errors import PlatformError, TokenExpired
from connectors.http import Api
from connectors.platforms.base import Account, Fetched, FetchedPost, Window
from connectors.platforms.meta import Meta, bearer, check, graph, insight_values, timestamp, unix

MEDIA_FIELDS = (
    "id,caption,media_type,media_product_type,permalink,timestamp,like_count,comments_count"
)
IG_FIELD = "instagram_business_account{id,username,name}"


class Instagram(Meta):
    name = "instagram"
    scopes = ("instagram_basic", "instagram_manage_insights", "pages_show_list")

    def accounts(self, api: Api, token: str) -> list[Account]:
        found: list[Account] = []
        me = check(
            api,
            api.call(
                "GET", graph("me"), params={"fields": f"id,{IG_FIELD}"}, headers=bearer(token)
            ),
        )
        pages = [dict(me, access_token=token)]
        try:
            body = check(
                api,
                api.call(
                    "GET",
                    graph("me/accounts"),
                    params={"fields": f"{IG_FIELD},access_token", "limit": 100},
                    headers=bearer(token),
                ),
            )
            pages.extend(body.get("data") or [])
        except TokenExpired:
            raise
        except PlatformError:
            pass  # a Page's own token has no accounts edge
        for page in pages:
            ig = page.get("instagram_business_account")
            if ig:
                found.append(
                    Account(
                        id=str(ig["id"]),
                        name=ig.get("name", ""),
                        handle=ig.get("username", ""),
                        token=page.get("access_token") or token,
                    )
                )
        return found

    def fetch(self, api: Api, *, account_id: str, token: str, window: Window) -> Fetched:
        result = Fetched()
        wanted = metrics.names("instagram", window.today, fields=("views", "reach"))
        items, failure = self.posts_with_insights(
            api,
            edge=f"{account_id}/media",
            token=token,
            fields=MEDIA_FIELDS,
            wanted=wanted,
            params={"since": unix(window.since), "until": unix(window.until) + 86400, "limit": 100},
            dropped=result.dropped,
        )
        if failure:
            result.errors.append({"code": "partial", "message": failure})
        for item in items:
            values = insight_values(item)
            kind = item.get("media_type", "")
            post = FetchedPost(
                post_id=str(item["id"]),
                content_type="video" if kind in ("VIDEO", "REELS") else "photo",
                published_at=timestamp(item.get("timestamp")),
                permalink=item.get("permalink") or "",
                caption=item.get("caption") or "",
                reactions=item.get("like_count"),
                comments=item.get("comments_count"),
                extras={"media_product_type": item.get("media_product_type", "")},
            )
            for name, field in wanted.items():
                if name in values:
                    setattr(post, field, values[name])
            result.posts.append(post)
        body = check(
            api,
            api.call(
                "GET",
                graph(account_id),
                params={"fields": "followers_count"},
                headers=bearer(token),
            ),
        )
        if isinstance(body.get("followers_count"), int):
            result.followers = body["followers_count"]
        return result
