"""YouTube Data API v3, through the channel's uploads playlist.

Calls: ``channels.list part=snippet,contentDetails,statistics mine=true`` (the account, its
uploads playlist, its subscriber count), ``playlistItems.list part=contentDetails`` (50 a
page, newest first, stopping before the window), ``videos.list part=snippet,statistics``
(50 ids a call). Each costs 1 quota unit; ``search.list`` (100 units) is never used.
Tokens: Google's OAuth 2.0 for web server apps (refresh token, PKCE, revocation).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import httpx
from authlib.common.urls import add_params_to_uri

from connectors import conf
from connectors.errors import PlatformError, QuotaExhausted, ReconnectNeeded, TokenExpired
from connectors.http import Api
from connectors.platforms.base import Account, Fetched, FetchedPost, Platform, Tokens, Window

SCOPE = "https://www.googleapis.com/auth/youtube.readonly"


def _url(path: str) -> str:
    return f"{conf.get('YOUTUBE_API_URL')}/{path}"


def _int(value: Any) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number >= 0 else None


def _time(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None


class YouTube(Platform):
    name = "youtube"
    scopes = (SCOPE,)

    def configured(self) -> bool:
        return bool(conf.get("GOOGLE_CLIENT_ID") and conf.get("GOOGLE_CLIENT_SECRET"))

    def _check(self, api: Api, response: httpx.Response) -> Any:
        body = api.json(response)
        if response.status_code < 400:
            return body
        error = (body or {}).get("error") or {}
        message = str(error.get("message") if isinstance(error, dict) else error)
        reasons = (
            {e.get("reason") for e in (error.get("errors") or [])}
            if isinstance(error, dict)
            else set()
        )
        if response.status_code == 401:
            raise TokenExpired(message)
        if reasons & {"quotaExceeded", "dailyLimitExceeded", "rateLimitExceeded"}:
            api.limits.exhaust_quota()
            raise QuotaExhausted(message)
        raise PlatformError(message, code=f"youtube_{response.status_code}")

    def _get(self, api: Api, path: str, token: str, params: dict[str, Any]) -> Any:
        return self._check(
            api,
            api.call(
                "GET", _url(path), params=params, headers={"Authorization": f"Bearer {token}"}
            ),
        )

    def authorize_url(self, *, redirect_uri: str, state: str, challenge: str) -> str:
        return add_params_to_uri(
            conf.get("GOOGLE_AUTH_URL"),
            [
                ("client_id", conf.get("GOOGLE_CLIENT_ID")),
                ("redirect_uri", redirect_uri),
                ("response_type", "code"),
                ("scope", SCOPE),
                ("access_type", "offline"),
                ("prompt", "consent"),
                ("state", state),
                ("code_challenge", challenge),
                ("code_challenge_method", "S256"),
            ],
        )

    def _token(self, api: Api, data: dict[str, str]) -> Tokens:
        response = api.call(
            "POST",
            conf.get("GOOGLE_TOKEN_URL"),
            data={
                **data,
                "client_id": conf.get("GOOGLE_CLIENT_ID"),
                "client_secret": conf.get("GOOGLE_CLIENT_SECRET"),
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
            expires_in=_int(body.get("expires_in")),
            refresh_expires_in=_int(body.get("refresh_token_expires_in")),
            scopes=body.get("scope", ""),
        )

    def exchange_code(self, api: Api, *, code: str, verifier: str, redirect_uri: str) -> Tokens:
        return self._token(
            api,
            {
                "code": code,
                "code_verifier": verifier,
                "redirect_uri": redirect_uri,
                "grant_type": "authorization_code",
            },
        )

    def refresh(self, api: Api, *, access_token: str, refresh_token: str) -> Tokens:
        if not refresh_token:
            raise ReconnectNeeded("no refresh token")
        tokens = self._token(api, {"refresh_token": refresh_token, "grant_type": "refresh_token"})
        tokens.refresh_token = tokens.refresh_token or refresh_token  # Google keeps it
        return tokens

    def revoke(self, api: Api, *, access_token: str) -> bool:
        response = api.call("POST", conf.get("GOOGLE_REVOKE_URL"), data={"token": access_token})
        return response.status_code == 200

    def _channel(self, api: Api, token: str) -> dict[str, Any]:
        body = self._get(
            api,
            "channels",
            token,
            {"part": "snippet,contentDetails,statistics", "mine": "true", "maxResults": 50},
        )
        items = body.get("items") or []
        if not items:
            raise PlatformError("no channel", code="youtube_no_channel")
        return items[0]

    def accounts(self, api: Api, token: str) -> list[Account]:
        item = self._channel(api, token)
        snippet = item.get("snippet") or {}
        return [
            Account(
                id=item["id"],
                name=snippet.get("title", ""),
                handle=snippet.get("customUrl", ""),
                token=token,
            )
        ]

    def fetch(self, api: Api, *, account_id: str, token: str, window: Window) -> Fetched:
        result = Fetched()
        channel = self._channel(api, token)
        if channel["id"] != account_id:
            raise PlatformError("token of another channel", code="account_mismatch")
        stats = channel.get("statistics") or {}
        if not stats.get("hiddenSubscriberCount"):
            result.followers = _int(stats.get("subscriberCount"))
        uploads = ((channel.get("contentDetails") or {}).get("relatedPlaylists") or {}).get(
            "uploads"
        )
        ids: list[str] = []
        page_token: str | None = None
        while uploads:
            params: dict[str, Any] = {
                "part": "contentDetails",
                "playlistId": uploads,
                "maxResults": 50,
            }
            if page_token:
                params["pageToken"] = page_token
            try:
                body = self._get(api, "playlistItems", token, params)
            except (TokenExpired, QuotaExhausted):
                raise
            except PlatformError as exc:
                if not ids and page_token is None:
                    raise
                result.errors.append({"code": "partial", "message": exc.message})
                break
            older = False
            for item in body.get("items") or []:
                details = item.get("contentDetails") or {}
                published = _time(details.get("videoPublishedAt"))
                if published is not None and published.date() < window.since:
                    older = True
                    continue
                if published is not None and published.date() > window.until:
                    continue
                ids.append(details["videoId"])
            page_token = body.get("nextPageToken")
            if older or not page_token:
                break
        for start in range(0, len(ids), 50):
            body = self._get(
                api,
                "videos",
                token,
                {"part": "snippet,statistics", "id": ",".join(ids[start : start + 50])},
            )
            for video in body.get("items") or []:
                snippet = video.get("snippet") or {}
                stats = video.get("statistics") or {}
                live = snippet.get("liveBroadcastContent") in ("live", "upcoming")
                result.posts.append(
                    FetchedPost(
                        post_id=video["id"],
                        content_type="livestream" if live else "video",
                        published_at=_time(snippet.get("publishedAt")),
                        permalink=f"https://www.youtube.com/watch?v={video['id']}",
                        caption=snippet.get("title", ""),
                        views=_int(stats.get("viewCount")),
                        reactions=_int(stats.get("likeCount")),
                        comments=_int(stats.get("commentCount")),
                    )
                )
        return result
