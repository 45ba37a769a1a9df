from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from accounts.services import api_token_authenticate


class BearerToken(HttpBearer):
    """``Authorization: Bearer <token>``; the request then acts as the token's user."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_token_authenticate(token)
        if user is None:
            return None
        request.user = user
        return user


class Session(SessionAuth):
    """The browser's login session (CSRF-checked for writes)."""


AUTH = [BearerToken(), Session()]
