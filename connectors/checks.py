"""System checks: a configured platform without token keys of its own is a deployment risk."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Tags, Warning, register

from connectors.conf import CREDENTIALS


@register(Tags.security, deploy=True)
def token_keys(app_configs: Any, **kwargs: Any) -> list[Warning]:
    conf = settings.BANTIN_CONNECTORS
    configured = any(conf.get(key) for key in CREDENTIALS.values())
    if configured and not conf.get("TOKEN_KEYS"):
        return [
            Warning(
                "BANTIN_CONNECTOR_KEYS is empty: platform tokens are encrypted with a key "
                "derived from SECRET_KEY.",
                hint="Set BANTIN_CONNECTOR_KEYS (python manage.py rotate_connector_keys --new-key).",
                id="connectors.W001",
            )
        ]
    return []
