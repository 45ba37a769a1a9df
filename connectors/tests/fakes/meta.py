"""Fake Graph API (Facebook Pages and Instagram professional accounts) and Facebook Login."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from connectors.tests.fakes.server import Answer, Request, redirect, too_many
from connectors.tests.fakes.world import FakeAccount, FakePost, World

EXPIRED = {
    "message": "Error validating access token: Session has expired.",
    "type": "OAuthException",
    "code": 190,
    "error_subcode": 463,
}
INVALID = {
    "message": "Invalid OAuth access token - Cannot parse access token",
    "type": "OAuthException",
    "code": 190,
}
BAD_METRIC = {
    "message": "(#100) The value must be a valid insights metric",
    "type": "OAuthException",
    "code": 100,
}


def _error(error: dict[str, Any], status: int = 400) -> Answer:
    return Answer(status, {"error": {**error, "fbtrace_id": "FAKE"}})


def _usage(world: World) -> dict[str, str]:
    usage = {"call_count": world.meta_usage, "total_cputime": 1, "total_time": 1}
    return {
        "X-App-Usage": json.dumps(usage),
        "X-Business-Use-Case-Usage": json.dumps(
            {"1": [{**usage, "type": "pages", "estimated_time_to_regain_access": 0}]}
        ),
    }


def authorize(world: World, request: Request) -> Answer:
    return redirect(request, world, "meta")


def _time(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S+0000")


def _metrics(fields: str) -> list[str]:
    match = re.search(r"insights\.metric\(([^)]*)\)", fields)
    return [m for m in match.group(1).split(",") if m] if match else []


def _insight(post: FakePost, name: str) -> int:
    return {
        "post_media_view": post.views,
        "post_impressions": post.views,
        "post_total_media_view_unique": post.reach,
        "post_impressions_unique": post.reach,
        "post_clicks": post.clicks,
        "views": post.views,
        "impressions": post.views,
        "reach": post.reach,
    }[name]


def _insights(post: FakePost, names: list[str]) -> dict[str, Any]:
    return {
        "data": [
            {
                "name": n,
                "period": "lifetime",
                "values": [{"value": _insight(post, n)}],
                "id": f"{post.id}/insights/{n}/lifetime",
            }
            for n in names
        ]
    }


def _fb_post(account: FakeAccount, post: FakePost, metrics: list[str]) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": post.id,
        "created_time": _time(post.created),
        "permalink_url": f"https://www.facebook.com/{account.id}/posts/{post.id.split('_')[-1]}",
        "message": post.title,
        "status_type": post.kind,
        "comments": {
            "data": [],
            "summary": {"order": "ranked", "total_count": post.comments, "can_comment": True},
        },
        "reactions": {
            "data": [],
            "summary": {"total_count": post.reactions, "viewer_reaction": "NONE"},
        },
    }
    if post.shares:
        item["shares"] = {"count": post.shares}
    if metrics:
        item["insights"] = _insights(post, metrics)
    return item


def _ig_media(account: FakeAccount, post: FakePost, metrics: list[str]) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": post.id,
        "caption": post.title,
        "media_type": post.kind,
        "media_product_type": "REELS" if post.kind == "REELS" else "FEED",
        "permalink": f"https://www.instagram.com/p/{post.id}/",
        "timestamp": _time(post.created),
        "like_count": post.reactions,
        "comments_count": post.comments,
    }
    if metrics:
        item["insights"] = _insights(post, metrics)
    return item


def _page(
    request: Request, items: list[Any], size: int, account: FakeAccount
) -> tuple[list[Any], dict[str, Any]] | None:
    offset = int(request.query.get("after", "0") or 0)
    if offset > 0 and account.fail_later_pages:
        return None
    chunk = items[offset : offset + size]
    paging: dict[str, Any] = {"cursors": {"before": str(offset), "after": str(offset + len(chunk))}}
    if offset + size < len(items):
        query = {k: v for k, v in request.query.items() if k != "access_token"}
        query["after"] = str(offset + size)
        paging["next"] = f"https://graph.facebook.com/{request.path}?{urlencode(query)}"
    return chunk, paging


def _window(request: Request, posts: list[FakePost]) -> list[FakePost]:
    since = int(request.query.get("since", "0") or 0)
    until = int(request.query.get("until", "0") or 0) or 10**12
    return [p for p in posts if since <= p.created.timestamp() < until]


def handle(world: World, request: Request) -> Answer:
    version, _, path = request.path.partition("/")
    headers = _usage(world)
    if path == "oauth/access_token":
        return _oauth(world, request)
    value = request.bearer()
    token = world.token(value, "facebook")
    if token is None:
        known = value in world.tokens
        return _error(EXPIRED if known else INVALID)
    parts = path.split("/")
    fields = request.query.get("fields", "")
    found = [world.account("facebook", a) or world.account("instagram", a) for a in token.accounts]
    accounts: list[FakeAccount] = [a for a in found if a is not None]
    if any(world.rate_limited(a) for a in accounts):
        return too_many(
            accounts[0].retry_after,
            {
                "error": {
                    "message": "(#4) Application request limit reached",
                    "code": 4,
                    "type": "OAuthException",
                }
            },
        )
    if path == "me/permissions" and request.method == "DELETE":
        token.revoked = True
        return Answer(200, {"success": True}, headers)
    if path == "me":
        if token.user:
            return Answer(200, {"id": "10000001", "name": "Người được cấp quyền"}, headers)
        page = accounts[0]
        body: dict[str, Any] = {
            "id": page.id if page.platform == "facebook" else f"page-of-{page.id}",
            "name": page.name,
        }
        if "instagram_business_account" in fields and page.platform == "instagram":
            body["instagram_business_account"] = {
                "id": page.id,
                "username": page.handle,
                "name": page.name,
            }
        return Answer(200, body, headers)
    if path == "me/accounts":
        if not token.user:
            return _error(
                {
                    "message": "(#100) Tried accessing nonexisting field (accounts) on node type (Page)",
                    "type": "OAuthException",
                    "code": 100,
                }
            )
        data: list[dict[str, Any]] = []
        for account in accounts:
            page_token, _ = world.issue(
                account.platform, [account.id], expires_in=None, refresh=False
            )
            if account.platform == "facebook":
                data.append(
                    {
                        "id": account.id,
                        "name": account.name,
                        "username": account.handle,
                        "access_token": page_token,
                    }
                )
            else:
                data.append(
                    {
                        "id": f"page-of-{account.id}",
                        "access_token": page_token,
                        "instagram_business_account": {
                            "id": account.id,
                            "username": account.handle,
                            "name": account.name,
                        },
                    }
                )
        return Answer(
            200, {"data": data, "paging": {"cursors": {"before": "0", "after": "0"}}}, headers
        )
    owner = next((a for a in accounts if a.id == parts[0]), None)
    if owner is None:
        post_owner = next((a for a in accounts if any(p.id == parts[0] for p in a.posts)), None)
        if post_owner is None or parts[-1] != "insights":
            return _error(
                {
                    "message": f"(#100) Object with ID '{parts[0]}' does not exist, cannot be loaded due to missing permissions",
                    "type": "GraphMethodException",
                    "code": 100,
                }
            )
        names = [n for n in request.query.get("metric", "").split(",") if n]
        if any(n in world.refused_metrics for n in names):
            return _error(BAD_METRIC)
        post = next(p for p in post_owner.posts if p.id == parts[0])
        return Answer(200, _insights(post, names), headers)
    account = owner
    if len(parts) == 1:
        return Answer(200, {"id": account.id, "followers_count": account.followers}, headers)
    edge = parts[1]
    if edge == "insights":
        names = [n for n in request.query.get("metric", "").split(",") if n]
        if any(n in world.refused_metrics for n in names):
            return _error(BAD_METRIC)
        end = datetime.now(UTC).strftime("%Y-%m-%dT08:00:00+0000")
        return Answer(
            200,
            {
                "data": [
                    {
                        "name": n,
                        "period": "day",
                        "values": [{"value": account.followers, "end_time": end}],
                    }
                    for n in names
                ]
            },
            headers,
        )
    if edge in ("posts", "media"):
        metrics = _metrics(fields)
        if any(m in world.refused_metrics for m in metrics):
            return _error(BAD_METRIC)
        size = min(int(request.query.get("limit", "25") or 25), account.page_size)
        paged = _page(request, _window(request, account.posts), size, account)
        if paged is None:
            return _error(
                {
                    "message": "An unknown error has occurred.",
                    "type": "OAuthException",
                    "code": 1,
                    "is_transient": True,
                },
                500,
            )
        chunk, paging = paged
        render = _fb_post if edge == "posts" else _ig_media
        only_ids = fields == "id"
        data = [{"id": p.id} if only_ids else render(account, p, metrics) for p in chunk]
        return Answer(200, {"data": data, "paging": paging}, headers)
    return _error({"message": "Unknown path components", "type": "OAuthException", "code": 2500})


def _oauth(world: World, request: Request) -> Answer:
    q = request.query
    if q.get("client_secret") != "fake-meta-secret":
        return _error(
            {"message": "Error validating client secret.", "type": "OAuthException", "code": 1}
        )
    if q.get("grant_type") == "fb_exchange_token":
        token = world.token(q.get("fb_exchange_token"), "facebook")
        if token is None:
            return _error(EXPIRED)
        access, _ = world.issue(
            token.platform, token.accounts, expires_in=5_183_944, user=token.user, refresh=False
        )
        return Answer(
            200, {"access_token": access, "token_type": "bearer", "expires_in": 5_183_944}
        )
    taken = world.take_code(q.get("code", ""), q.get("code_verifier"))
    if taken is None:
        return _error(
            {
                "message": "Invalid verification code format.",
                "type": "OAuthException",
                "code": 100,
                "error_subcode": 36007,
            }
        )
    platform, accounts = taken
    kind = world.account("instagram", accounts[0]) if accounts else None
    access, _ = world.issue(
        "instagram" if kind else "facebook", accounts, expires_in=3600, user=True, refresh=False
    )
    return Answer(200, {"access_token": access, "token_type": "bearer", "expires_in": 3600})
