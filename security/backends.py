"""Login throttling: django-axes in front of Django's ModelBackend (per username and
address: 5 failures), and a slower lock per username alone (``BANTIN_LOGIN_USER_FAILURE_RATE``,
20 failures an hour from any addresses), so a guesser cannot spread over many addresses."""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from axes.exceptions import AxesBackendPermissionDenied
from axes.helpers import get_lockout_message
from django.conf import settings
from django.http import HttpRequest

from security.ratelimit import over


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
        if username and user_locked(username):
            # Failures from many addresses (a spray that rotates addresses): the name is
            # locked for everyone until the window ends; axes' middleware answers 429.
            kwargs.get("response_context", {})["error"] = get_lockout_message()
            request.axes_locked_out = True  # type: ignore[attr-defined]
            raise AxesBackendPermissionDenied("too many failures for this username")
        return super().authenticate(request, username=username, password=password, **kwargs)


def user_rate() -> str:
    return str(getattr(settings, "BANTIN_LOGIN_USER_FAILURE_RATE", "20/h"))


def user_key(username: str) -> str:
    return f"login-user:{username.strip().lower()}"


def user_locked(username: str) -> bool:
    return over(user_key(username), user_rate())
