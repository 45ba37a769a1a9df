"""Fake YouTube Data API v3 and Google's OAuth 2.0 endpoints (authorize, token, revoke)."""

from __future__ import annotations

from typing import Any

from connectors.tests.fakes.server import Answer, Request, redirect, too_many
from connectors.tests.fakes.world import FakeAccount, World


def _error(status: int, reason: str, message: str) -> Answer:
    return Answer(
        status,
        {
            "error": {
                "code": status,
                "message": message,
                "errors": [
                    {
                        "message": message,
                        "domain": "youtube.quota" if reason == "quotaExceeded" else "global",
                        "reason": reason,
                    }
                ],
            }
        },
    )


def youtube(world: World, request: Request) -> Answer:
    _v3, _, resource = request.path.partition("/")
    token = world.token(request.bearer(), "youtube")
    if token is None:
        return _error(401, "authError", "Request had invalid authentication credentials.")
    account = world.account("youtube", token.accounts[0])
    if account is None:
        return _error(404, "channelNotFound", "Channel not found.")
    if world.rate_limited(account):
        return too_many(
            account.retry_after,
            {
                "error": {
                    "code": 429,
                    "message": "Too many requests",
                    "errors": [{"reason": "rateLimitExceeded"}],
                }
            },
        )
    with world.lock:
        if world.youtube_quota <= 0:
            return _error(
                403,
                "quotaExceeded",
                "The request cannot be completed because you have exceeded your quota.",
            )
        world.youtube_quota -= 1
    q = request.query
    if resource == "channels":
        return Answer(200, {"kind": "youtube#channelListResponse", "items": [_channel(account)]})
    if resource == "playlistItems":
        if q.get("playlistId") != f"UU{account.id[2:]}":
            return _error(
                404,
                "playlistNotFound",
                "The playlist identified with the request's playlistId parameter cannot be found.",
            )
        offset = int(q.get("pageToken", "0") or 0)
        if offset and account.fail_later_pages:
            return _error(500, "backendError", "Backend Error")
        size = min(int(q.get("maxResults", "5")), account.page_size)
        chunk = account.posts[offset : offset + size]
        body: dict[str, Any] = {
            "kind": "youtube#playlistItemListResponse",
            "items": [
                {
                    "kind": "youtube#playlistItem",
                    "id": f"pi-{p.id}",
                    "contentDetails": {
                        "videoId": p.id,
                        "videoPublishedAt": p.created.strftime("%Y-%m-%dT%H:%M:%SZ"),
                    },
                }
                for p in chunk
            ],
            "pageInfo": {"totalResults": len(account.posts), "resultsPerPage": size},
        }
        if offset + size < len(account.posts):
            body["nextPageToken"] = str(offset + size)
        return Answer(200, body)
    if resource == "videos":
        ids = set(q.get("id", "").split(","))
        items = [
            {
                "kind": "youtube#video",
                "id": p.id,
                "snippet": {
                    "publishedAt": p.created.strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "channelId": account.id,
                    "title": p.title,
                    "liveBroadcastContent": "none",
                },
                "statistics": {
                    "viewCount": str(p.views),
                    "likeCount": str(p.reactions),
                    "favoriteCount": "0",
                    "commentCount": str(p.comments),
                },
            }
            for p in account.posts
            if p.id in ids
        ]
        return Answer(200, {"kind": "youtube#videoListResponse", "items": items})
    return _error(404, "notFound", "Not Found")


def _channel(account: FakeAccount) -> dict[str, Any]:
    return {
        "kind": "youtube#channel",
        "id": account.id,
        "snippet": {
            "title": account.name,
            "customUrl": f"@{account.handle}" if account.handle else "",
        },
        "contentDetails": {"relatedPlaylists": {"likes": "", "uploads": f"UU{account.id[2:]}"}},
        "statistics": {
            "viewCount": "0",
            "subscriberCount": str(account.followers),
            "hiddenSubscriberCount": False,
            "videoCount": str(len(account.posts)),
        },
    }


def oauth(world: World, request: Request) -> Answer:
    if request.path == "auth":
        return redirect(request, world, "youtube")
    form = request.form
    if request.path == "revoke":
        token = form.get("token") or request.query.get("token", "")
        if token in world.tokens:
            world.tokens[token].revoked = True
            return Answer(200, {})
        return Answer(400, {"error": "invalid_token"})
    if request.path != "token":
        return Answer(404, {"error": "not_found"})
    if form.get("client_secret") != "fake-google-secret":
        return Answer(401, {"error": "invalid_client", "error_description": "Unauthorized"})
    if form.get("grant_type") == "refresh_token":
        refresh = world.use_refresh(form.get("refresh_token", ""), "youtube")
        if refresh is None:
            return Answer(
                400,
                {
                    "error": "invalid_grant",
                    "error_description": "Token has been expired or revoked.",
                },
            )
        access, _ = world.issue("youtube", refresh.accounts, refresh=False)
        return Answer(
            200,
            {
                "access_token": access,
                "expires_in": 3599,
                "scope": "https://www.googleapis.com/auth/youtube.readonly",
                "token_type": "Bearer",
            },
        )
    taken = world.take_code(form.get("code", ""), form.get("code_verifier"))
    if taken is None:
        return Answer(400, {"error": "invalid_grant", "error_description": "Bad Request"})
    access, refresh_token = world.issue("youtube", taken[1])
    return Answer(
        200,
        {
            "access_token": access,
            "refresh_token": refresh_token,
            "expires_in": 3599,
            "scope": "https://www.googleapis.com/auth/youtube.readonly",
            "token_type": "Bearer",
        },
    )
