"""Request-level security: the client's real address behind nginx, and two-factor."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from security import twofactor

Handler = Callable[[HttpRequest], HttpResponse]


class ProxiedClientIPMiddleware:
    """The client's real address behind nginx, trusting ``X-Forwarded-For`` only from a
    proxy listed in ``BANTIN_TRUSTED_PROXIES`` (addresses or networks; ``unix`` for
    gunicorn's Unix socket, whose peer has no address). From anyone else the header is
    ignored: with gunicorn reachable, a rotated header gave an attacker endless login
    guesses, or locked an administrator out "from" a chosen address.

    Behind a trusted peer, the address is the right-most entry that is not itself a
    trusted proxy (nginx appends the address it saw; anything to its left came from the
    client). Login throttling, the audit trail and rate limits all read the result."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        peer = str(request.META.get("REMOTE_ADDR") or "")
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded and is_trusted_proxy(peer):
            for entry in reversed(forwarded.split(",")):
                candidate = entry.strip()
                if not _is_address(candidate):
                    break  # a malformed entry: nothing to its left can be trusted
                request.META["REMOTE_ADDR"] = candidate
                if not is_trusted_proxy(candidate):
                    break
        return self.get_response(request)


def _is_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def is_trusted_proxy(peer: str) -> bool:
    trusted = getattr(settings, "BANTIN_TRUSTED_PROXIES", ()) or ()
    if not _is_address(peer):
        return "unix" in trusted and peer == ""  # gunicorn on a Unix socket
    address = ipaddress.ip_address(peer)
    for entry in trusted:
        if entry == "unix":
            continue
        try:
            if address in ipaddress.ip_network(entry, strict=False):
                return True
        except ValueError:
            continue  # a typo in the setting trusts nothing
    return False


class TwoFactorRequiredMiddleware:
    """A signed-in user who must pass a second factor sees only the two-factor pages
    (set up, verify), logging out and the language switch until they do.

    Who must: every user with a confirmed device, and, when
    ``BANTIN_REQUIRE_2FA_FOR_ADMINS`` is on, every administrator and superuser (who are
    sent to set up a device first). Whether the user is an administrator or holds a device
    is remembered in the session at login, so ordinary requests cost no query.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response
        self._exempt: tuple[str, ...] | None = None

    def exempt_prefixes(self) -> tuple[str, ...]:
        if self._exempt is None:
            self._exempt = (
                reverse("security:setup"),
                reverse("security:verify"),
                reverse("logout"),
                reverse("set_language"),
                settings.STATIC_URL or "/static/",
            )
        return self._exempt

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user: Any = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        flags = twofactor.session_flags(request)
        if not twofactor.must_verify(flags) or user.is_verified():
            return self.get_response(request)
        if request.path_info.startswith(self.exempt_prefixes()):
            return self.get_response(request)
        if request.path_info.startswith("/api/"):
            return JsonResponse(
                {"detail": _("Cần xác thực hai bước trước khi dùng phiên đăng nhập này.")},
                status=403,
            )
        target = "security:verify" if flags["device"] else "security:setup"
        query = urlencode({"next": request.get_full_path()})
        return redirect(f"{reverse(target)}?{query}")


class RejectNullCharactersMiddleware:
    """Refuse (400) a request whose path, query string or text body (JSON, form) holds a
    NUL character. No text field can store one (PostgreSQL refuses them outright), so such
    a request is never legitimate; refusing it here keeps every endpoint from a 500.
    Uploaded files (multipart) are not inspected: binary files contain NUL bytes."""

    TEXT_BODIES = ("application/json", "application/x-www-form-urlencoded")

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._has_null(request):
            message = _("Yêu cầu chứa ký tự NUL (\\x00), không hợp lệ.")
            if request.path_info.startswith("/api/"):
                return JsonResponse({"detail": message}, status=400)
            # A page, not a bare error: the public check is where people paste odd text.
            return render(request, "security/bad_request.html", {"message": message}, status=400)
        return self.get_response(request)

    def _has_null(self, request: HttpRequest) -> bool:
        if "\x00" in request.path_info:
            return True
        query = request.META.get("QUERY_STRING", "")
        if "%00" in query or "\x00" in query:
            return True
        content_type = request.META.get("CONTENT_TYPE", "")
        if content_type.startswith(self.TEXT_BODIES):
            body = request.body
            return b"\x00" in body or b"\\u0000" in body or b"%00" in body
        return False
