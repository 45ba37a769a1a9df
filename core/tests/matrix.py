"""The permission matrix: one entry per URL pattern and API operation of the project.

Each app lists its routes in ``<app>/tests/matrix.py`` as ``ROUTES = {name: Route(...)}``.
URL names are ``namespace:name``; API operations are ``"METHOD /api/path/{param}"`` exactly
as in the OpenAPI schema. ``test_permission_matrix`` fails when a route has no entry.

Access kinds:
- ``public``: anyone, no login; ``url`` must answer ``public_status`` to an anonymous client.
- ``login``: any signed-in user, about themselves only (no other unit's object in the URL).
- ``scoped``: about an object of a unit. ``url`` builds the URL of an object of commune B;
  every role of commune A must get 403 or 404 there, and never the object's data.
  For ``write=True`` routes, ``own_url`` builds the URL of commune A's object, where roles
  below ``min_role`` must be refused too.
- ``listing``: a page of the user's own scope (a list, a form) that may answer 200, but
  must never show ``secret`` (commune B's data) nor perform ``effect`` (a write on commune
  B) for any role of commune A; roles below ``min_role`` are refused outright.
- ``operator``: the Django admin; only superusers, never a unit role.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

UrlBuilder = Callable[[Any], str]


@dataclass(frozen=True)
class Route:
    access: str
    url: UrlBuilder | None = None
    method: str = "GET"
    write: bool = False
    own_url: UrlBuilder | None = None
    min_role: str = "viewer"
    data: Callable[[Any], dict[str, Any]] | None = None
    public_status: tuple[int, ...] = (200,)
    secret: Callable[[Any], str] | None = None  # text of B's object that must never show
    effect: Callable[[Any], bool] | None = None  # True when a forbidden write happened
    note: str = ""


def public(
    url: UrlBuilder,
    *,
    method: str = "GET",
    status: tuple[int, ...] = (200,),
    data: Callable[[Any], dict[str, Any]] | None = None,
) -> Route:
    return Route("public", url=url, method=method, public_status=status, data=data)


def login_only(
    url: UrlBuilder, *, method: str = "GET", data: Callable[[Any], dict[str, Any]] | None = None
) -> Route:
    return Route("login", url=url, method=method, data=data)


def scoped(
    url: UrlBuilder,
    *,
    method: str = "GET",
    write: bool = False,
    own_url: UrlBuilder | None = None,
    min_role: str = "viewer",
    data: Callable[[Any], dict[str, Any]] | None = None,
    secret: Callable[[Any], str] | None = None,
) -> Route:
    if write:
        assert own_url is not None, "write routes need own_url"
        assert min_role != "viewer", "a viewer can never write"
    return Route(
        "scoped",
        url=url,
        method=method,
        write=write,
        own_url=own_url,
        min_role=min_role,
        data=data,
        secret=secret,
    )


def listing(
    url: UrlBuilder,
    *,
    secret: Callable[[Any], str],
    method: str = "GET",
    min_role: str = "viewer",
    data: Callable[[Any], dict[str, Any]] | None = None,
    effect: Callable[[Any], bool] | None = None,
) -> Route:
    return Route(
        "listing",
        url=url,
        method=method,
        min_role=min_role,
        data=data,
        secret=secret,
        effect=effect,
        write=method != "GET",
    )


OPERATOR = Route("operator")
