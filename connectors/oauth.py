"""The OAuth 2.0 authorization-code flow, PKCE where the platform takes it (Authlib's
RFC 7636 helpers). The state, channel and code verifier wait in the person's session."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from authlib.common.security import generate_token
from authlib.oauth2.rfc7636 import create_s256_code_challenge

from connectors import http, platforms, services
from connectors.errors import PlatformError
from connectors.models import Connection
from registry.models import Channel

SESSION_KEY = "connectors_oauth"


@dataclass
class Started:
    url: str
    state: str


def start(*, session: Any, channel: Channel, redirect_uri: str) -> Started:
    platform = platforms.get(channel.platform)
    state = generate_token(32)
    verifier = generate_token(64) if platform.pkce else ""
    challenge = create_s256_code_challenge(verifier) if verifier else ""
    pending = dict(session.get(SESSION_KEY) or {})
    # At most a few flows at once per person; the oldest goes.
    while len(pending) >= 5:
        pending.pop(next(iter(pending)))
    pending[state] = {"channel": channel.pk, "verifier": verifier}
    session[SESSION_KEY] = pending
    return Started(
        platform.authorize_url(redirect_uri=redirect_uri, state=state, challenge=challenge), state
    )


def pending_channel(*, session: Any, state: str) -> tuple[int, str] | None:
    pending = dict(session.get(SESSION_KEY) or {})
    entry = pending.pop(state, None)
    session[SESSION_KEY] = pending
    if not entry:
        return None
    return int(entry["channel"]), str(entry["verifier"])


def finish(
    *, acting_user: Any, channel: Channel, code: str, verifier: str, redirect_uri: str
) -> Connection:
    """Exchange the code, find the account, check it is the registered channel, store."""
    services.ensure_connectable(acting_user=acting_user, channel=channel)
    platform = platforms.get(channel.platform)
    with http.client() as client:
        api = http.Api(client, http.Limits(channel.platform))
        tokens = platform.exchange_code(
            api, code=code, verifier=verifier, redirect_uri=redirect_uri
        )
        try:
            account = services.match_account(
                channel=channel, accounts=platform.accounts(api, tokens.access_token)
            )
        except PlatformError:
            try:
                platform.revoke(api, access_token=tokens.access_token)
            except PlatformError:
                pass
            raise
    return services.connection_store(
        acting_user=acting_user, channel=channel, account=account, tokens=tokens
    )
