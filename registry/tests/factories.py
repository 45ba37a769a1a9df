from __future__ import annotations

from typing import Any

from registry import services
from registry.models import Channel


def make_channel(
    unit: Any,
    url: str,
    *,
    name: str = "",
    verified: bool = False,
    retired: bool = False,
    acknowledge: str = "",
) -> Channel:
    """A channel registered (and optionally verified or retired) by the operator.
    ``acknowledge``: the reason to go on when it resembles a registered channel."""
    channel = services.channel_register(
        acting_user=None, unit=unit, url=url, display_name=name, acknowledge_lookalike=acknowledge
    )
    if verified:
        channel = services.channel_verify(
            acting_user=None,
            channel=channel,
            method="công văn 1",
            acknowledge_lookalike=acknowledge,
        )
    if retired:
        channel = services.channel_retire(acting_user=None, channel=channel)
    return channel


def channel_of(w: Any, which: str) -> Channel:
    """Commune A's or B's channel, made once per world (matrix builders)."""
    key = f"registry_channel_{which}"
    if key not in w.cache:
        if which == "a":
            w.cache[key] = make_channel(
                w.commune_a, "https://www.facebook.com/ubndcoto", name="UBND đặc khu Cô Tô"
            )
        else:
            w.cache[key] = make_channel(
                w.commune_b,
                "https://www.facebook.com/phuonghalong.secret",
                name="Trang bí mật Hạ Long B",
            )
    return w.cache[key]
