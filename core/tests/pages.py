"""Every page of the project, found from the permission matrix, as a user who may see it.

Public routes are opened anonymously, the others as the province's administrator (who may
see every unit's objects of the test world) or, where the administrator is refused (the
monthly form is a reporter's), as a reporter of commune A. A route the matrix lists for its
POST is opened with GET too: a form's page is a page. Only answers in HTML count.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.test import Client

from core.tests.test_permission_matrix import ROUTES

API_PREFIXES = ("GET ", "POST ", "PUT ", "PATCH ", "DELETE ")


def page_routes() -> list[str]:
    return sorted(
        name
        for name, route in ROUTES.items()
        if route.method in ("GET", "POST")
        and route.access != "operator"
        and not name.startswith(API_PREFIXES)
        and not name.startswith("api:")
    )


def pages(world: Any, *, language: str) -> Iterator[tuple[str, str, str]]:
    """(route name, url, html) of every HTML page, in ``language``."""
    admin = Client()
    admin.force_login(world.province_users["administrator"])
    reporter = Client()
    reporter.force_login(world.users_a["reporter"])
    anonymous = Client()
    for client in (admin, reporter, anonymous):
        client.cookies["django_language"] = language
    for name in page_routes():
        route = ROUTES[name]
        assert route.url is not None
        url = route.url(world)
        data = route.data(world) if route.data and route.method == "GET" else {}
        for client in [anonymous] if route.access == "public" else [admin, reporter]:
            response = client.get(url, data)
            if response.status_code == 200:
                break
        if response.status_code != 200:
            continue
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        if getattr(response, "streaming", False):
            continue
        yield name, url, response.content.decode()
