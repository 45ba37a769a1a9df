"""Fake Zalo OA Open API (v2.0 articles, OA info) and Zalo's OAuth v4 for Official Accounts."""

from __future__ import annotations

from typing import Any

from connectors.tests.fakes.server import Answer, Request, redirect, too_many
from connectors.tests.fakes.world import World


def handle(world: World, request: Request) -> Answer:
    token = world.token(request.headers.get("access_token"), "zalo")
    if token is None:
        return Answer(200, {"error": -216, "message": "Access token is invalid"})
    account = world.account("zalo", token.accounts[0])
    if account is None:
        return Answer(200, {"error": -201, "message": "OA not found"})
    if world.rate_limited(account):
        return too_many(
            account.retry_after, {"error": -32, "message": "Exceeded the limit request per minute"}
        )
    if request.path == "v2.0/oa/getoa":
        return Answer(
            200,
            {
                "data": {
                    "oa_id": account.id,
                    "name": account.name,
                    "description": "",
                    "num_follower": account.followers,
                    "is_verified": True,
                },
                "error": 0,
                "message": "Success",
            },
        )
    if request.path == "v2.0/article/getslice":
        q = request.query
        offset, limit, kind = (
            int(q.get("offset", "0")),
            int(q.get("limit", "5")),
            q.get("type", "normal"),
        )
        if offset and account.fail_later_pages:
            return Answer(500, {"error": -32000, "message": "Internal server error"})
        posts = [p for p in account.posts if p.kind == kind]
        medias: list[dict[str, Any]] = [
            {
                "id": p.id,
                "type": kind,
                "title": p.title,
                "status": "show",
                "total_view": p.views,
                "total_share": p.shares,
                "create_date": int(p.created.timestamp() * 1000),
                "update_date": int(p.created.timestamp() * 1000),
                "thumb": "",
                "link": f"https://zalo.me/{account.id}/article/{p.id}",
            }
            for p in posts[offset : offset + limit]
        ]
        return Answer(
            200, {"data": {"medias": medias, "total": len(posts)}, "error": 0, "message": "Success"}
        )
    return Answer(404, {"error": -1, "message": "unknown path"})


def oauth(world: World, request: Request) -> Answer:
    if request.path == "v4/oa/permission":
        return redirect(request, world, "zalo")
    if request.path != "v4/oa/access_token":
        return Answer(404, {"error": -1})
    if request.headers.get("secret_key") != "fake-zalo-secret":
        return Answer(
            200,
            {
                "error": -14002,
                "error_name": "Invalid app secret",
                "error_description": "secret_key không hợp lệ",
            },
        )
    form = request.form
    if form.get("grant_type") == "refresh_token":
        refresh = world.use_refresh(form.get("refresh_token", ""), "zalo")
        if refresh is None:
            return Answer(
                200,
                {
                    "error": -14014,
                    "error_name": "Invalid refresh token",
                    "error_description": "Refresh token không hợp lệ, đã dùng hoặc đã hết hạn",
                },
            )
        access, new_refresh = world.issue(
            "zalo", refresh.accounts, expires_in=90000, refresh_expires_in=90 * 86400
        )
        return Answer(
            200, {"access_token": access, "refresh_token": new_refresh, "expires_in": "90000"}
        )
    taken = world.take_code(form.get("code", ""), form.get("code_verifier"))
    if taken is None:
        return Answer(
            200,
            {
                "error": -14019,
                "error_name": "Invalid code",
                "error_description": "Mã xác thực không hợp lệ",
            },
        )
    access, refresh_token = world.issue(
        "zalo", taken[1], expires_in=90000, refresh_expires_in=90 * 86400
    )
    return Answer(
        200, {"access_token": access, "refresh_token": refresh_token, "expires_in": "90000"}
    )
