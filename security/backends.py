"""Login throttling: django-axes in front of Django's ModelBackend."""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.http import HttpRequest


class LoginThrottleBackend(AxesStandaloneBackend):
    """django-axes' backend, except for ``authenticate()`` calls without a request.

    Every login over HTTP (the login page, the Django admin's login) passes the request, and
    is throttled. Calls without one come from Python code only (a management command, the
    test client's ``login()``); there is no attacker to throttle there, and axes would
    otherwise raise instead of letting ModelBackend answer.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
