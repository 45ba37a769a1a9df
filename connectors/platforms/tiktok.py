"""TikTok Display API v2 (Login Kit for Web for the tokens).

Calls: ``GET /v2/user/info/`` (open_id, username, follower_count) and ``POST /v2/video/list/``
with ``fields=id,create_time,share_url,title,view_count,like_count,comment_count,share_count``
and ``{"max_count": 20, "cursor": ...}``, following ``cursor`` while ``has_more``; tokens at
``POST /v2/oauth/token/``, revoked at ``POST /v2/oauth/revoke/``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx
from authlib.common.urls import add_params_to_uri

from connectors import conf
from connectors.errors import PlatformError, RateLimited, ReconnectNeeded, TokenExpired
from connectors.http import Api
from connectors.platforms.base import Account, Fetched, FetchedPost, Platform, Tokens, Window

VIDEO_FIELDS = "id,create_time,share_url,title,view_count,like_count,comment_count,share_count"
USER_FIELDS = "open_id,union_id,display_name,username,follower_count"


def _url(path: str) -> str:
    return f"{conf.get('TIKTOK_API_URL')}/{path.lstrip('/')}"


class TikTok(Platform):
    name = "tiktok"
    pkce = False  # Login Kit for Web takes no code challenge
    scopes = ("user.info.basic", "user.info.stats", "video.list")

    def configured(self) -> bool:
        return bool(conf.get("TIKTOK_CLIENT_KEY") and conf.get("TIKTOK_CLIENT_SECRET"))

    def _check(self, api: Api, response: httpx.Response) -> Any:
        body = api.json(response)
        error = body.get("error") or {}
        code = error.get("code", "ok") if isinstance(error, dict) else "ok"
        if response.status_code < 400 and code == "ok":
            return body.get("data") or {}
        message = str(error.get("message") or response.status_code)
        if response.status_code == 401 or code in ("access_token_invalid", "access_token_expired"):
            raise TokenExpired(message)
        if code == "rate_limit_exceeded":
            raise RateLimited(message)
        raise PlatformError(message, code=f"tiktok_{code}")

    def authorize_url(self, *, redirect_uri: str, state: str, challenge: str) -> str:
        return add_params_to_uri(
            conf.get("TIKTOK_AUTH_URL"),
            [
                ("client_key", conf.get("TIKTOK_CLIENT_KEY")),
                ("scope", ",".join(self.scopes)),
                ("response_type", "code"),
                ("redirect_uri", redirect_uri),
                ("state", state),
            ],
        )

    def _token(self, api: Api, data: dict[str, str]) -> Tokens:
        response = api.call(
            "POST",
            _url("v2/oauth/token/"),
            data={
                **data,
                "client_key": conf.get("TIKTOK_CLIENT_KEY"),
                "client_secret": conf.get("TIKTOK_CLIENT_SECRET"),
            },
        )
        body = api.json(response)
        if response.status_code >= 400 or "access_token" not in body:
            message = str(
                body.get("error_description") or body.get("error") or response.status_code
            )
            if body.get("error") == "invalid_grant":
                raise ReconnectNeeded(message)
            raise PlatformError(message, code="oauth_error")
        return Tokens(
            access_token=body["access_token"],
            refresh_token=body.get("refresh_token", ""),
            expires_in=body.get("expires_in"),
            refresh_expires_in=body.get("refresh_expires_in"),
            scopes=body.get("scope", ""),
        )

    def exchange_code(self, api: Api, *, code: str, verifier: str, redirect_uri: str) -> Tokens:
        return self._token(
            api, {"code": code, "grant_type": "authorization_code", "redirect_uri": redirect_uri}
        )

    def refresh(self, api: Api, *, access_token: str, refresh_token: str) -> Tokens:
        if not refresh_token:
            raise ReconnectNeeded("no refresh token")
        return self._token(api, {"grant_type": "refresh_token", "refresh_token": refresh_token})

    def revoke(self, api: Api, *, access_token: str) -> bool:
        response = api.call(
            "POST",
            _url("v2/oauth/revoke/"),
            data={
                "client_key": conf.get("TIKTOK_CLIENT_KEY"),
                "client_secret": conf.get("TIKTOK_CLIENT_SECRET"),
                "token": access_token,
            },
        )
        return response.status_code == 200

    def _user(self, api: Api, token: str) -> dict[str, Any]:
        data = self._check(
            api,
            api.call(
                "GET",
                _url("v2/user/info/"),
                params={"fields": USER_FIELDS},
                headers={"Authorization": f"Bearer {token}"},
            ),
        )
        return data.get("user") or {}

    def accounts(self, api: Api, token: str) -> list[Account]:
        user = self._user(api, token)
        return [
            Account(
                id=str(user.get("open_id", "")),
                name=user.get("display_name", ""),
                handle=user.get("username", ""),
                token=token,
            )
        ]

    def fetch(self, api: Api, *, account_id: str, token: str, window: Window) -> Fetched:
        result = Fetched()
        user = self._user(api, token)
        if isinstance(user.get("follower_count"), int):
            result.followers = user["follower_count"]
        cursor: int | None = None
        while True:
            body: dict[str, Any] = {"max_count": 20}
            if cursor is not None:
                body["cursor"] = cursor
            try:
                data = self._check(
                    api,
                    api.call(
                        "POST",
                        _url("v2/video/list/"),
                        params={"fields": VIDEO_FIELDS},
                        json_body=body,
                        headers={"Authorization": f"Bearer {token}"},
                    ),
                )
            except (TokenExpired, RateLimited):
                raise
            except PlatformError as exc:
                if cursor is None:
                    raise
                result.errors.append({"code": "partial", "message": exc.message})
                break
            older = False
            for video in data.get("videos") or []:
                created = datetime.fromtimestamp(int(video.get("create_time") or 0), tz=UTC)
                if created.date() < window.since:
                    older = True
                    continue
                if created.date() > window.until:
                    continue
                result.posts.append(
                    FetchedPost(
                        post_id=str(video["id"]),
                        content_type="video",
                        published_at=created,
                        permalink=video.get("share_url") or "",
                        caption=video.get("title") or "",
                        views=video.get("view_count"),
                        reactions=video.get("like_count"),
                        comments=video.get("comment_count"),
                        shares=video.get("share_count"),
                    )
                )
            if older or not data.get("has_more"):
                break
            cursor = data.get("cursor")
        return result
