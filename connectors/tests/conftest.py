"""Fixtures: the local fake platforms on 127.0.0.1 and connected channels of each platform."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from connectors.tests.fakes import FakeAccount, FakePlatforms

PLATFORMS = ("facebook", "instagram", "youtube", "tiktok", "zalo")

# (channel URL to register, platform account id, handle) per platform; "n" numbers them.
CHANNELS = {
    "facebook": ("https://www.facebook.com/profile.php?id=10000{n}", "10000{n}", ""),
    "instagram": ("https://www.instagram.com/ubnd.test{n}/", "1784140000000{n}", "ubnd.test{n}"),
    "youtube": (
        "https://www.youtube.com/channel/UCaaaaaaaaaaaaaaaaaaaa{n:02d}",
        "UCaaaaaaaaaaaaaaaaaaaa{n:02d}",
        "ubndtest{n}",
    ),
    "tiktok": ("https://www.tiktok.com/@ubndtest{n}", "open-id-{n}", "ubndtest{n}"),
    "zalo": ("https://zalo.me/430000000000000{n:04d}", "430000000000000{n:04d}", ""),
}


@pytest.fixture
def fakes(settings: Any) -> Iterator[FakePlatforms]:
    with FakePlatforms() as running:
        settings.BANTIN_CONNECTORS = {
            **settings.BANTIN_CONNECTORS,
            **running.settings(),
            "CONCURRENCY": 4,
            "MAX_RETRY_AFTER": 5.0,
            "META_USAGE_PAUSE": 0.2,
            "TIMEOUT": 10.0,
        }
        yield running


@dataclass
class Connected:
    channel: Any
    account: FakeAccount
    access: str
    refresh: str


def connect(
    fakes: FakePlatforms, unit: Any, platform: str, n: int = 1, *, posts: int = 12
) -> Connected:
    """A registered, verified channel of ``unit`` connected to its fake account."""
    from connectors import http, platforms, services
    from connectors.platforms.base import Tokens
    from registry.tests.factories import make_channel

    url, account_id, handle = (part.format(n=n) for part in CHANNELS[platform])
    channel = make_channel(unit, url, name=f"Kênh {platform} {n}", verified=True)
    account = fakes.world.add_account(
        platform, account_id, name=f"UBND {platform} {n}", handle=handle, posts=posts
    )
    meta = platform in ("facebook", "instagram")
    access, refresh = fakes.world.issue(
        platform,
        [account_id],
        expires_in=None if meta else 3600,
        refresh=not meta,
    )
    with http.client() as client:
        api = http.Api(client, http.Limits(platform))
        found = services.match_account(
            channel=channel, accounts=platforms.get(platform).accounts(api, access)
        )
    services.connection_store(
        acting_user=None,
        channel=channel,
        account=found,
        tokens=Tokens(
            access_token=access,
            refresh_token=refresh,
            expires_in=None if meta else 3600,
            refresh_expires_in=None if meta else 86400 * 300,
        ),
    )
    channel.refresh_from_db()
    return Connected(channel, account, access, refresh)
