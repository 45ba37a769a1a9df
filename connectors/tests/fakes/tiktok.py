"""Fake TikTok Display API v2 and Login Kit (authorize, token, revoke)."""

from __future__ import annotations

from typing import Any

from connectors.tests.fakes.server import Answer, Request, redirect, too_many
from connectors.tests.fakes.world import World


def _error(status: int, code: str, message: str) -> Answer:
    return Answer(
        status, {"data": {}, "error": {"code": code, "message": message, "log_id": "FAKE"}}
    )


def authorize(world: World, request: Request) -> Answer:
    return redirect(request, world, "tiktok")


def handle(world: World, request: Request) -> Answer:
    if request.path.startswith("v2/oauth/"):
        return _oauth(world, request)
    token = world.token(request.bearer(), "tiktok")
    if token is None:
        return _error(
            401, "access_token_invalid", "The access token is invalid or not found in the request."
        )
    account = world.account("tiktok", token.accounts[0])
    if account is None:
        return _error(404, "invalid_params", "no such user")
    if world.rate_limited(account):
        return too_many(
            account.retry_after,
            {
                "data": {},
                "error": {
                    "code": "rate_limit_exceeded",
                    "message": "API rate limit was exceeded",
                    "log_id": "FAKE",
                },
            },
        )
    if request.path == "v2/user/info/":
        user = {
            "open_id": account.id,
            "union_id": f"u-{account.id}",
            "display_name": account.name,
            "username": account.handle,
            "follower_count": account.followers,
        }
        wanted = request.query.get("fields", "").split(",")
        return Answer(
            200,
            {
                "data": {"user": {k: v for k, v in user.items() if k in wanted}},
                "error": {"code": "ok", "message": "", "log_id": "FAKE"},
            },
        )
    if request.path == "v2/video/list/" and request.method == "POST":
        body = request.json or {}
        size = min(int(body.get("max_count", 10)), 20, account.page_size)
        cursor = body.get("cursor")
        if cursor is not None and account.fail_later_pages:
            return _error(500, "internal_error", "Something went wrong. Please try again later.")
        posts = [
            p for p in account.posts if cursor is None or p.created.timestamp() * 1000 < int(cursor)
        ]
        chunk = posts[:size]
        videos: list[dict[str, Any]] = [
            {
                "id": p.id,
                "create_time": int(p.created.timestamp()),
                "share_url": f"https://www.tiktok.com/@{account.handle}/video/{p.id}",
                "title": p.title,
                "view_count": p.views,
                "like_count": p.reactions,
                "comment_count": p.comments,
                "share_count": p.shares,
            }
            for p in chunk
        ]
        next_cursor = int(chunk[-1].created.timestamp() * 1000) if chunk else 0
        return Answer(
            200,
            {
                "data": {"videos": videos, "cursor": next_cursor, "has_more": len(posts) > size},
                "error": {"code": "ok", "message": "", "log_id": "FAKE"},
            },
        )
    return _error(404, "invalid_params", "unknown path")


def _oauth(world: World, request: Request) -> Answer:
    form = request.form
    if form.get("client_secret") != "fake-tiktok-secret":
        return Answer(
            401,
            {
                "error": "invalid_client",
                "error_description": "Client key or secret is incorrect.",
                "log_id": "FAKE",
            },
        )
    if request.path == "v2/oauth/revoke/":
        token = form.get("token", "")
        if token in world.tokens:
            world.tokens[token].revoked = True
        return Answer(200, {})
    grant = form.get("grant_type")
    if grant == "refresh_token":
        refresh = world.use_refresh(form.get("refresh_token", ""), "tiktok")
        if refresh is None:
            return Answer(
                400,
                {
                    "error": "invalid_grant",
                    "error_description": "Refresh token is invalid or expired.",
                    "log_id": "FAKE",
                },
            )
        access, new_refresh = world.issue(
            "tiktok", refresh.accounts, expires_in=86400, refresh_expires_in=86400 * 365
        )
        return Answer(
            200,
            {
                "access_token": access,
                "expires_in": 86400,
                "open_id": refresh.accounts[0],
                "refresh_expires_in": 31536000,
                "refresh_token": new_refresh,
                "scope": "user.info.basic,user.info.stats,video.list",
                "token_type": "Bearer",
            },
        )
    taken = world.take_code(form.get("code", ""), form.get("code_verifier"))
    if taken is None:
        return Answer(
            400,
            {
                "error": "invalid_grant",
                "error_description": "Authorization code is expired.",
                "log_id": "FAKE",
            },
        )
    access, refresh_token = world.issue(
        "tiktok", taken[1], expires_in=86400, refresh_expires_in=86400 * 365
    )
    return Answer(
        200,
        {
            "access_token": access,
            "expires_in": 86400,
            "open_id": taken[1][0] if taken[1] else "",
            "refresh_expires_in": 31536000,
            "refresh_token": refresh_token,
            "scope": "user.info.basic,user.info.stats,video.list",
            "token_type": "Bearer",
        },
    )
