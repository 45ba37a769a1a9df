"""django-csp's middleware, with the policy of a plain response built once per process.

django-csp builds the Content-Security-Policy header for every response (the settings'
directives copied, merged and joined), about a fifth of the CPU of a small JSON answer
such as the public lookup's. A response that uses no nonce and no per-view policy
(``@csp_update``, ``@csp_replace``, ``@csp``) gets the same header every time, so that
header is built once and reused; any other response goes through django-csp unchanged.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as BaseCSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponseBase

# What a view or a template can set to make a response's policy its own.
_PER_RESPONSE = (
    "_csp_config", "_csp_update", "_csp_replace",
    "_csp_config_ro", "_csp_update_ro", "_csp_replace_ro",
)  # fmt: skip
_DEBUG_EXEMPT = (404, 500)  # django-csp leaves Django's debug pages alone


@lru_cache(maxsize=1)
def _constant() -> tuple[tuple[str, str, str, tuple[str, ...]], ...]:
    """(header, value, exemption attribute, excluded path prefixes) of each policy."""
    out = []
    for header, report_only, exempt, name in (
        (HEADER, False, "_csp_exempt", "CONTENT_SECURITY_POLICY"),
        (HEADER_REPORT_ONLY, True, "_csp_exempt_ro", "CONTENT_SECURITY_POLICY_REPORT_ONLY"),
    ):
        value = build_policy(report_only=report_only)
        prefixes = tuple((getattr(settings, name, None) or {}).get("EXCLUDE_URL_PREFIXES") or ())
        if value:
            out.append((header, value, exempt, prefixes))
    return tuple(out)


@receiver(setting_changed)
def _forget(*, setting: str, **_kwargs: Any) -> None:
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        _constant.cache_clear()


class CSPMiddleware(BaseCSPMiddleware):
    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if (
            getattr(request, "_csp_nonce", None) is not None
            or any(getattr(response, name, None) is not None for name in _PER_RESPONSE)
            or (settings.DEBUG and response.status_code in _DEBUG_EXEMPT)
        ):
            return super().process_response(request, response)
        for header, value, exempt, prefixes in _constant():
            if (
                header not in response
                and getattr(response, exempt, False) is False
                and not request.path_info.startswith(prefixes)
            ):
                response[header] = value
        # As django-csp does: a nonce asked for after the header is written is an error.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)  # type: ignore[attr-defined]
        return response
