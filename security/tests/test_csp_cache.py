"""``security.csp.CSPMiddleware`` writes exactly the headers django-csp writes, whatever
the response: plain (its header built once), with a nonce, with a per-view policy,
exempt, under a report-only policy, on a path left out, and after the settings change."""

from __future__ import annotations

from typing import Any

import pytest
from csp.constants import HEADER, HEADER_REPORT_ONLY, SELF
from csp.decorators import csp_exempt, csp_update
from csp.middleware import CSPMiddleware as DjangoCSP
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from security import csp

factory = RequestFactory()


def plain(request: HttpRequest) -> HttpResponse:
    return HttpResponse("x")


def with_nonce(request: HttpRequest) -> HttpResponse:
    return HttpResponse(str(request.csp_nonce))  # type: ignore[attr-defined]


@csp_update({"img-src": "https://tiles.example.org"})
def updated(request: HttpRequest) -> HttpResponse:
    return HttpResponse("x")


@csp_exempt()
def exempt(request: HttpRequest) -> HttpResponse:
    return HttpResponse("x")


def headers(middleware: type[Any], view: Any, path: str = "/p/") -> dict[str, str]:
    request = factory.get(path)
    # The nonce is random: both middlewares get the same one.
    request._csp_nonce = None  # type: ignore[attr-defined]
    response = middleware(view)(request)
    got = {h: response[h] for h in (HEADER, HEADER_REPORT_ONLY) if h in response}
    nonce = getattr(request, "_csp_nonce", None)
    return {h: v.replace(nonce, "NONCE") if nonce else v for h, v in got.items()}


VIEWS = [plain, with_nonce, updated, exempt]


@pytest.mark.parametrize("view", VIEWS, ids=lambda v: v.__name__)
def test_same_headers_as_django_csp(view: Any) -> None:
    ours = headers(csp.CSPMiddleware, view)
    assert ours == headers(DjangoCSP, view)
    if view is not exempt:
        assert HEADER in ours


@pytest.mark.parametrize("view", VIEWS, ids=lambda v: v.__name__)
def test_report_only_and_excluded_paths(settings: Any, view: Any) -> None:
    settings.CONTENT_SECURITY_POLICY = {
        **settings.CONTENT_SECURITY_POLICY,
        "EXCLUDE_URL_PREFIXES": ["/khong/"],
    }
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = {
        "DIRECTIVES": {"default-src": [SELF], "report-uri": "/csp-report/"}
    }
    for path in ("/p/", "/khong/x"):
        ours = headers(csp.CSPMiddleware, view, path)
        assert ours == headers(DjangoCSP, view, path)
    assert HEADER not in headers(csp.CSPMiddleware, plain, "/khong/x")
    assert HEADER_REPORT_ONLY in headers(csp.CSPMiddleware, plain, "/p/")


def test_a_changed_policy_is_not_served_from_the_cache(settings: Any) -> None:
    before = headers(csp.CSPMiddleware, plain)[HEADER]
    settings.CONTENT_SECURITY_POLICY = {
        "DIRECTIVES": {"default-src": [SELF, "https://cdn.example.org"]}
    }
    after = headers(csp.CSPMiddleware, plain)[HEADER]
    assert after != before and "cdn.example.org" in after
    assert after == headers(DjangoCSP, plain)[HEADER]


def test_a_nonce_asked_after_the_header_is_an_error() -> None:
    from csp.exceptions import CSPNonceError

    request = factory.get("/p/")
    csp.CSPMiddleware(plain)(request)
    with pytest.raises(CSPNonceError):
        str(request.csp_nonce)  # type: ignore[attr-defined]
