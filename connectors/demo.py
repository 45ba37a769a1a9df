"""The demo has no platform credentials: connections show "chưa cấu hình" and nothing
else needs them. No demo step writes a connection (a fake token would be a lie)."""

from __future__ import annotations


def register() -> None:
    return None
