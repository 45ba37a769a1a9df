"""The public check's API answered ahead of the middleware it does not use."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.urls import reverse


class PublicLookupMiddleware:
    """``GET /api/registry/lookup`` goes straight to ``registry.api.lookup_view``.

    Placed after the middleware every answer needs (the client's address, the security
    headers, CSP, X-Frame-Options, the language) and before sessions, CSRF, users,
    two-factor, messages, htmx, the audit address and django-axes, none of which a public,
    anonymous, cookie-less GET of JSON reads or changes (issue 15, item 6). Any other method
    takes the whole chain, as before (a POST meets CSRF, then the view's 405).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.path = reverse("registry_lookup_api")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info == self.path and request.method in ("GET", "HEAD"):
            from registry.api import lookup_view

            return lookup_view(request)
        return self.get_response(request)
