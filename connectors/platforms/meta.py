"""Meta's Graph API, shared by Facebook Pages and Instagram professional accounts.

Docs: https://developers.facebook.com/docs/graph-api/ (paging: /results; errors:
/guides/error-handling; rate limits and the usage headers: /overview/rate-limiting;
long-lived tokens: /facebook-login/guides/access-tokens/get-long-lived).
The token goes in the ``Authorization`` header, never in a URL that Bantin writes.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx
from authlib.common.urls import add_params_to_uri

from connectors import conf
from connectors.errors import (
    MetricRefused,
    PlatformError,
    RateLimited,
    ReconnectNeeded,
    TokenExpired,
)
from connectors.http import Api
from connectors.platforms.base import Platform, Tokens

# Meta's throttling codes: application, user, page and custom rate limits.
RATE_LIMIT_CODES = {4, 17, 32, 613, 80001, 80005}


def graph(path: str) -> str:
    return f"{conf.get('META_GRAPH_URL')}/{conf.get('META_GRAPH_VERSION')}/{path.lstrip('/')}"


def rebase(next_url: str) -> str:
    """``paging.next`` on the configured host (a proxy, or the local fake)."""
    base = urlsplit(conf.get("META_GRAPH_URL"))
    parts = urlsplit(next_url)
    return urlunsplit(
        (base.scheme, base.netloc, base.path.rstrip("/") + parts.path, parts.query, "")
    )


def check(api: Api, response: httpx.Response) -> Any:
    body = api.json(response)
    error = body.get("error") if isinstance(body, dict) else None
    if response.status_code < 400 and not error:
        return body
    if not isinstance(error, dict):
        error = {"message": str(error or "")}
    code = error.get("code")
    message = str(error.get("message") or f"HTTP {response.status_code}")
    if code == 190 or response.status_code == 401:
        raise TokenExpired(message)
    if code in RATE_LIMIT_CODES:
        raise RateLimited(message)
    if code == 100 and "metric" in message.lower():
        raise MetricRefused(message)
    raise PlatformError(message, code=f"meta_{code or response.status_code}")


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def timestamp(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.strptime(str(value), "%Y-%m-%dT%H:%M:%S%z")
    except ValueError:
        return None


def unix(day: Any) -> int:
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp())


def insight_values(item: dict[str, Any]) -> dict[str, int]:
    """{metric name: latest value} from an ``insights`` field expansion or edge."""
    out: dict[str, int] = {}
    data = item.get("insights", {}).get("data", []) if "insights" in item else item.get("data", [])
    for entry in data or []:
        values = entry.get("values") or []
        value = values[-1].get("value") if values else entry.get("total_value", {}).get("value")
        if isinstance(value, int) and value >= 0:
            out[str(entry.get("name"))] = value
    return out


class Meta(Platform):
    scopes: tuple[str, ...] = ()

    def configured(self) -> bool:
        return bool(conf.get("META_APP_ID") and conf.get("META_APP_SECRET"))

    def authorize_url(self, *, redirect_uri: str, state: str, challenge: str) -> str:
        url = f"{conf.get('META_DIALOG_URL')}/{conf.get('META_GRAPH_VERSION')}/dialog/oauth"
        return add_params_to_uri(
            url,
            [
                ("client_id", conf.get("META_APP_ID")),
                ("redirect_uri", redirect_uri),
                ("state", state),
                ("response_type", "code"),
                ("scope", ",".join(self.scopes)),
                ("code_challenge", challenge),
                ("code_challenge_method", "S256"),
            ],
        )

    def exchange_code(self, api: Api, *, code: str, verifier: str, redirect_uri: str) -> Tokens:
        body = check(
            api,
            api.call(
                "GET",
                graph("oauth/access_token"),
                params={
                    "client_id": conf.get("META_APP_ID"),
                    "client_secret": conf.get("META_APP_SECRET"),
                    "redirect_uri": redirect_uri,
                    "code": code,
                    "code_verifier": verifier,
                },
            ),
        )
        short = Tokens(access_token=body["access_token"], expires_in=body.get("expires_in"))
        # A long-lived token (about 60 days); Page tokens read with it do not expire.
        return self.refresh(api, access_token=short.access_token, refresh_token="")

    def refresh(self, api: Api, *, access_token: str, refresh_token: str) -> Tokens:
        try:
            body = check(
                api,
                api.call(
                    "GET",
                    graph("oauth/access_token"),
                    params={
                        "grant_type": "fb_exchange_token",
                        "client_id": conf.get("META_APP_ID"),
                        "client_secret": conf.get("META_APP_SECRET"),
                        "fb_exchange_token": access_token,
                    },
                ),
            )
        except TokenExpired as exc:
            raise ReconnectNeeded(exc.message) from exc
        expires = body.get("expires_in")
        return Tokens(
            access_token=body["access_token"], expires_in=int(expires) if expires else None
        )

    def revoke(self, api: Api, *, access_token: str) -> bool:
        body = check(api, api.call("DELETE", graph("me/permissions"), headers=bearer(access_token)))
        return bool(body.get("success"))

    def listing(
        self, api: Api, url: str, *, token: str, params: dict[str, Any] | None
    ) -> tuple[list[dict[str, Any]], str | None]:
        """Every item of an edge, following ``paging.next``. A page after the first that
        fails returns what came so far and the failure's message (a partial result)."""
        items: list[dict[str, Any]] = []
        next_url: str | None = url
        first = True
        while next_url:
            try:
                body = check(api, api.call("GET", next_url, params=params, headers=bearer(token)))
            except (MetricRefused, TokenExpired, RateLimited):
                raise
            except PlatformError as exc:
                if first:
                    raise
                return items, exc.message
            items.extend(body.get("data") or [])
            following = (body.get("paging") or {}).get("next")
            next_url = rebase(following) if following else None
            params = None  # paging.next carries them
            first = False
        return items, None

    def posts_with_insights(
        self,
        api: Api,
        *,
        edge: str,
        token: str,
        fields: str,
        wanted: dict[str, str],
        params: dict[str, Any],
        dropped: list[Any],
    ) -> tuple[list[dict[str, Any]], str | None]:
        """The edge's items with ``insights.metric(...)`` expanded. A metric the platform
        refuses (error 100) is dropped for the run, named in ``dropped``, and the call made
        again without it."""
        from connectors.platforms.base import Dropped

        while True:
            expansion = f",insights.metric({','.join(wanted)})" if wanted else ""
            try:
                return self.listing(
                    api, graph(edge), token=token, params={**params, "fields": fields + expansion}
                )
            except MetricRefused as exc:
                refused = self.find_refused(api, edge=edge, token=token, wanted=wanted, exc=exc)
                if not refused:
                    raise
                for name in refused:
                    dropped.append(
                        Dropped(metric=name, field=wanted.pop(name), message=exc.message)
                    )

    def find_refused(
        self, api: Api, *, edge: str, token: str, wanted: dict[str, str], exc: MetricRefused
    ) -> list[str]:
        """Which of ``wanted`` the platform refuses: named in the message, or else asked one
        by one on the newest item (Meta's message often names none)."""
        named = [name for name in wanted if name in exc.message]
        if named:
            return named
        items, _failure = self.listing(
            api, graph(edge), token=token, params={"fields": "id", "limit": 1}
        )
        if not items:
            # Nothing to ask about: this run needs no insights at all.
            return list(wanted)
        refused = []
        for name in wanted:
            try:
                check(
                    api,
                    api.call(
                        "GET",
                        graph(f"{items[0]['id']}/insights"),
                        params={"metric": name},
                        headers=bearer(token),
                    ),
                )
            except MetricRefused:
                refused.append(name)
        return refused
