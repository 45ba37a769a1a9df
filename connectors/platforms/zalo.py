"""Zalo Official Account Open API.

Calls: ``GET /v2.0/oa/getoa`` (the OA's id, name and follower count) and
``GET /v2.0/article/getslice?offset&limit&type`` (``total_view``, ``total_share``) for the
``normal`` and ``video`` articles, the access token in the ``access_token`` header. Tokens:
``POST {oauth}/v4/oa/access_token`` (``secret_key`` header; PKCE), the refresh token single-
use: the new pair is stored before anything else. Zalo has no revocation call.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx
from authlib.common.urls import add_params_to_uri

from connectors import conf
from connectors.errors import PlatformError, ReconnectNeeded, TokenExpired
from connectors.http import Api
from connectors.platforms.base import Account, Fetched, FetchedPost, Platform, Tokens, Window

# Zalo's codes for an invalid or expired access token.
TOKEN_ERRORS = {-216, -124, -14014}
REFRESH_DAYS = 90  # a refresh token lasts three months
PAGE = 10


def _api(path: str) -> str:
    return f"{conf.get('ZALO_API_URL')}/{path.lstrip('/')}"


class Zalo(Platform):
    name = "zalo"
    scopes = ()

    def configured(self) -> bool:
        return bool(conf.get("ZALO_APP_ID") and conf.get("ZALO_APP_SECRET"))

    def _check(self, api: Api, response: httpx.Response) -> Any:
        body = api.json(response)
        code = body.get("error", 0)
        if response.status_code < 400 and code == 0:
            return body.get("data") or {}
        message = str(body.get("message") or response.status_code)
        if code in TOKEN_ERRORS or response.status_code == 401:
            raise TokenExpired(message)
        raise PlatformError(message, code=f"zalo_{code}")

    def _get(self, api: Api, path: str, token: str, params: dict[str, Any] | None = None) -> Any:
        return self._check(
            api, api.call("GET", _api(path), params=params, headers={"access_token": token})
        )

    def authorize_url(self, *, redirect_uri: str, state: str, challenge: str) -> str:
        return add_params_to_uri(
            f"{conf.get('ZALO_OAUTH_URL')}/v4/oa/permission",
            [
                ("app_id", conf.get("ZALO_APP_ID")),
                ("redirect_uri", redirect_uri),
                ("code_challenge", challenge),
                ("state", state),
            ],
        )

    def _token(self, api: Api, data: dict[str, str]) -> Tokens:
        response = api.call(
            "POST",
            f"{conf.get('ZALO_OAUTH_URL')}/v4/oa/access_token",
            data={**data, "app_id": conf.get("ZALO_APP_ID")},
            headers={"secret_key": conf.get("ZALO_APP_SECRET")},
        )
        body = api.json(response)
        if "access_token" not in body:
            message = str(
                body.get("error_description") or body.get("error_name") or body.get("error")
            )
            if data.get("grant_type") == "refresh_token":
                raise ReconnectNeeded(message)
            raise PlatformError(message, code="oauth_error")
        return Tokens(
            access_token=body["access_token"],
            refresh_token=body.get("refresh_token", ""),
            expires_in=int(body.get("expires_in") or 0) or None,  # Zalo sends a string
            refresh_expires_in=REFRESH_DAYS * 86400,
        )

    def exchange_code(self, api: Api, *, code: str, verifier: str, redirect_uri: str) -> Tokens:
        return self._token(
            api, {"code": code, "code_verifier": verifier, "grant_type": "authorization_code"}
        )

    def refresh(self, api: Api, *, access_token: str, refresh_token: str) -> Tokens:
        if not refresh_token:
            raise ReconnectNeeded("no refresh token")
        return self._token(api, {"refresh_token": refresh_token, "grant_type": "refresh_token"})

    def accounts(self, api: Api, token: str) -> list[Account]:
        oa = self._get(api, "v2.0/oa/getoa", token)
        return [Account(id=str(oa.get("oa_id", "")), name=oa.get("name", ""), token=token)]

    def fetch(self, api: Api, *, account_id: str, token: str, window: Window) -> Fetched:
        result = Fetched()
        oa = self._get(api, "v2.0/oa/getoa", token)
        if str(oa.get("oa_id")) != account_id:
            raise PlatformError("token of another OA", code="account_mismatch")
        if isinstance(oa.get("num_follower"), int):
            result.followers = oa["num_follower"]
        for kind, content_type in (("normal", "article"), ("video", "video")):
            offset = 0
            while True:
                try:
                    data = self._get(
                        api,
                        "v2.0/article/getslice",
                        token,
                        {"offset": offset, "limit": PAGE, "type": kind},
                    )
                except TokenExpired:
                    raise
                except PlatformError as exc:
                    if offset == 0 and kind == "normal":
                        raise
                    result.errors.append({"code": "partial", "message": exc.message})
                    break
                medias = data.get("medias") or []
                older = False
                for media in medias:
                    created = datetime.fromtimestamp(
                        int(media.get("create_date") or 0) / 1000, tz=UTC
                    )
                    if created.date() < window.since:
                        older = True
                        continue
                    if created.date() > window.until:
                        continue
                    result.posts.append(
                        FetchedPost(
                            post_id=str(media["id"]),
                            content_type=content_type,
                            published_at=created,
                            permalink=media.get("link") or "",
                            caption=media.get("title") or "",
                            views=media.get("total_view"),
                            shares=media.get("total_share"),
                        )
                    )
                if older or len(medias) < PAGE:
                    break
                offset += PAGE
        return result
