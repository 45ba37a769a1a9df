"""The connectors' settings, read from the environment (``config.settings`` calls
:func:`from_environ`; tests override ``settings.BANTIN_CONNECTORS``).

Every base URL is a setting so that an installation can go through a proxy and the tests
can point at the local fakes (``connectors/tests/fakes``). No Django import here: the
settings module imports this one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# Environment variable -> (key, default). The defaults are the platforms' own hosts.
URLS = {
    "BANTIN_META_GRAPH_URL": ("META_GRAPH_URL", "https://graph.facebook.com"),
    "BANTIN_META_DIALOG_URL": ("META_DIALOG_URL", "https://www.facebook.com"),
    "BANTIN_YOUTUBE_API_URL": ("YOUTUBE_API_URL", "https://www.googleapis.com/youtube/v3"),
    "BANTIN_GOOGLE_AUTH_URL": ("GOOGLE_AUTH_URL", "https://accounts.google.com/o/oauth2/v2/auth"),
    "BANTIN_GOOGLE_TOKEN_URL": ("GOOGLE_TOKEN_URL", "https://oauth2.googleapis.com/token"),
    "BANTIN_GOOGLE_REVOKE_URL": ("GOOGLE_REVOKE_URL", "https://oauth2.googleapis.com/revoke"),
    "BANTIN_TIKTOK_API_URL": ("TIKTOK_API_URL", "https://open.tiktokapis.com"),
    "BANTIN_TIKTOK_AUTH_URL": ("TIKTOK_AUTH_URL", "https://www.tiktok.com/v2/auth/authorize/"),
    "BANTIN_ZALO_API_URL": ("ZALO_API_URL", "https://openapi.zalo.me"),
    "BANTIN_ZALO_OAUTH_URL": ("ZALO_OAUTH_URL", "https://oauth.zaloapp.com"),
}

# The platforms' app credentials (empty = not configured: the page says "chưa cấu hình").
CREDENTIALS = {
    "BANTIN_META_APP_ID": "META_APP_ID",
    "BANTIN_META_APP_SECRET": "META_APP_SECRET",
    "BANTIN_GOOGLE_CLIENT_ID": "GOOGLE_CLIENT_ID",
    "BANTIN_GOOGLE_CLIENT_SECRET": "GOOGLE_CLIENT_SECRET",
    "BANTIN_TIKTOK_CLIENT_KEY": "TIKTOK_CLIENT_KEY",
    "BANTIN_TIKTOK_CLIENT_SECRET": "TIKTOK_CLIENT_SECRET",
    "BANTIN_ZALO_APP_ID": "ZALO_APP_ID",
    "BANTIN_ZALO_APP_SECRET": "ZALO_APP_SECRET",
}

# Numbers: env variable -> (key, default, type).
NUMBERS: dict[str, tuple[str, Any, type]] = {
    # The posts of the last N days have their figures refreshed every day.
    "BANTIN_SYNC_DAYS": ("SYNC_DAYS", 30, int),
    # Channels fetched at the same time, per platform.
    "BANTIN_SYNC_CONCURRENCY": ("CONCURRENCY", 8, int),
    # Threads that write the results to the database (PostgreSQL only; 0 = the command's
    # own thread).
    "BANTIN_SYNC_WRITERS": ("WRITERS", 2, int),
    # Channels whose results are written in one transaction, with one refresh of the
    # aggregate for them all (1 = each channel on its own).
    "BANTIN_SYNC_GROUP": ("GROUP", 25, int),
    # Seconds for one HTTP request to the platform.
    "BANTIN_SYNC_TIMEOUT": ("TIMEOUT", 30.0, float),
    # The longest Retry-After the sync waits for before giving the channel up for the run.
    "BANTIN_SYNC_MAX_RETRY_AFTER": ("MAX_RETRY_AFTER", 120.0, float),
    # Meta's usage headers: above this percentage every Meta call pauses this many seconds.
    "BANTIN_META_USAGE_LIMIT": ("META_USAGE_LIMIT", 90.0, float),
    "BANTIN_META_USAGE_PAUSE": ("META_USAGE_PAUSE", 60.0, float),
    # YouTube Data API units the sync may spend in one run (the default project quota is
    # 10,000 a day; every call made here costs 1).
    "BANTIN_YOUTUBE_QUOTA": ("YOUTUBE_QUOTA", 10_000, int),
    # Days before a refresh token expires when the unit's editors are told.
    "BANTIN_CONNECTOR_WARN_DAYS": ("WARN_DAYS", 14, int),
}


def from_environ(env: Mapping[str, str]) -> dict[str, Any]:
    conf: dict[str, Any] = {}
    for var, (key, default) in URLS.items():
        conf[key] = (env.get(var) or default).rstrip("/")
    for var, key in CREDENTIALS.items():
        conf[key] = env.get(var, "")
    for var, (key, default, kind) in NUMBERS.items():
        raw = env.get(var)
        conf[key] = kind(raw) if raw not in (None, "") else default
    conf["META_GRAPH_VERSION"] = env.get("BANTIN_META_GRAPH_VERSION") or "v23.0"
    # Fernet keys, comma-separated; the first encrypts, all decrypt (rotation).
    conf["TOKEN_KEYS"] = [
        k.strip() for k in env.get("BANTIN_CONNECTOR_KEYS", "").split(",") if k.strip()
    ]
    return conf


def get(key: str) -> Any:
    from django.conf import settings

    return settings.BANTIN_CONNECTORS[key]
