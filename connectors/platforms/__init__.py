"""One module per platform (``facebook``, ``instagram``, ``youtube``, ``tiktok``, ``zalo``)."""

from __future__ import annotations

from connectors.platforms.base import Platform


def get(name: str) -> Platform:
    from connectors.platforms import facebook, instagram, tiktok, youtube, zalo

    modules = {
        "facebook": facebook.Facebook,
        "instagram": instagram.Instagram,
        "youtube": youtube.YouTube,
        "tiktok": tiktok.TikTok,
        "zalo": zalo.Zalo,
    }
    return modules[name]()


SUPPORTED = ("facebook", "instagram", "youtube", "tiktok", "zalo")
