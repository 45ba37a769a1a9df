"""The deployment files say what docs/deploy.md says (issue 18: findings 3, 10, 11, 13)."""

from __future__ import annotations

import importlib
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
NGINX = (DEPLOY / "nginx" / "bantin.conf").read_text()


def _locations(conf: str) -> dict[str, str]:
    """``location <prefix> { body }`` at the server level (nested blocks kept in the body)."""
    found: dict[str, str] = {}
    for match in re.finditer(r"location\s+([^\s{]+)\s*\{", conf):
        depth, i = 1, match.end()
        while depth:
            depth += {"{": 1, "}": -1}.get(conf[i], 0)
            i += 1
        found[match.group(1)] = conf[match.end() : i - 1]
    return found


def test_nginx_serves_no_upload_by_a_public_url() -> None:
    media_root = "/srv/bantin/var/media"
    serving_media = {
        prefix: body for prefix, body in _locations(NGINX).items() if media_root in body
    }
    assert serving_media, "the internal location for X-Accel-Redirect is missing"
    for prefix, body in serving_media.items():
        assert re.search(r"^\s*internal;", body, re.M), f"location {prefix} is public"
    assert "/media/" not in _locations(NGINX)


def production_settings(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """config.settings_production as a server would load it (a fresh import)."""
    monkeypatch.setenv("SECRET_KEY", "x" * 64)
    monkeypatch.setenv("ALLOWED_HOSTS", "example.org")
    sys.modules.pop("config.settings_production", None)
    try:
        return importlib.import_module("config.settings_production")
    finally:
        sys.modules.pop("config.settings_production", None)


def test_the_internal_location_is_the_one_the_app_redirects_to(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    prefix = production_settings(monkeypatch).BANTIN_MEDIA_ACCEL_PREFIX
    assert prefix in _locations(NGINX)


def test_backup_units_write_private_files() -> None:
    """The backup service (and the timer's service) create files no one else can read."""
    service = (DEPLOY / "systemd" / "bantin-backup.service").read_text()
    assert re.search(r"^UMask=0077$", service, re.M)


def test_production_uses_redis_when_given(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    cache = production_settings(monkeypatch).CACHES["default"]
    assert cache["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert "REDIS_URL=redis://" in (DEPLOY / "bantin.env.example").read_text()
    monkeypatch.delenv("REDIS_URL")
    fallback = production_settings(monkeypatch).CACHES["default"]
    assert fallback["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
