"""Small factories for the ledger's tests."""

from __future__ import annotations

from typing import Any

from registry.models import Channel

# The platforms' export fixtures, copied into the repository (see fixtures/shared/README.md).
SHARED = __import__("pathlib").Path(__file__).resolve().parent / "fixtures" / "shared"


def make_channel(
    unit: Any,
    platform: str = "facebook",
    identifier: str = "ubnd-demo",
    *,
    external_id: str = "",
    status: str = "verified",
) -> Channel:
    return Channel.objects.create(
        unit=unit,
        platform=platform,
        identifier=identifier,
        url=f"https://example.org/{platform}/{identifier}",
        display_name=f"Kênh {identifier}",
        external_id=external_id,
        status=status,
    )
