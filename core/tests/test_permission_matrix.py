"""Every URL pattern and API operation, every role: a user of commune A never gets
commune B's data, and a viewer never writes."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from django.apps import apps
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from conftest import ROLES
from core.permissions import Role
from core.tests.matrix import Route

IGNORED_NAMESPACES = {"admin"}  # the Django admin: operator only, checked below
NINJA_PAGES = {"openapi-json", "openapi-view", "api-root"}


def collect_routes() -> dict[str, Route]:
    routes: dict[str, Route] = {}
    for config in apps.get_app_configs():
        if not config.path.startswith(str(apps.get_app_config("core").path).rsplit("/", 1)[0]):
            continue
        try:
            module = importlib.import_module(f"{config.name}.tests.matrix_routes")
        except ModuleNotFoundError as exc:
            if exc.name and exc.name.startswith(config.name):
                continue
            raise
        for name, route in module.ROUTES.items():
            assert name not in routes, f"{name} has two matrix entries"
            routes[name] = route
    return routes


ROUTES = collect_routes()


def url_pattern_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns: list[Any], namespace: str | None) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = p.namespace or namespace
                if ns in IGNORED_NAMESPACES:
                    names.add(f"{ns}:*")
                    continue
                if p.namespace == "api":
                    # Operations are listed from the OpenAPI schema; keep ninja's own pages.
                    for q in p.url_patterns:
                        q_name = getattr(q, "name", None)
                        if q_name in NINJA_PAGES:
                            names.add(f"api:{q_name}")
                    continue
                walk(p.url_patterns, ":".join(x for x in (namespace, p.namespace) if x) or None)
            elif isinstance(p, URLPattern):
                if p.name is None:
                    names.add(f"<unnamed {p.pattern}>")
                else:
                    names.add(f"{namespace}:{p.name}" if namespace else p.name)

    walk(get_resolver().url_patterns, None)
    return names


def api_operations() -> set[str]:
    from config.api import api

    schema = api.get_openapi_schema()
    return {
        f"{method.upper()} /api{path[len('/api') :] if path.startswith('/api') else path}"
        for path, ops in schema["paths"].items()
        for method in ops
    }


def test_every_route_has_a_matrix_entry() -> None:
    wanted = url_pattern_names() | api_operations()
    missing = sorted(wanted - set(ROUTES))
    assert not missing, (
        "These URL patterns or API operations have no entry in the permission matrix "
        f"(add them to <app>/tests/matrix_routes.py): {missing}"
    )
    stale = sorted(set(ROUTES) - wanted)
    assert not stale, f"Matrix entries for routes that no longer exist: {stale}"


def _request(client: Client, route: Route, url: str, world: Any, token: str | None) -> Any:
    kwargs: dict[str, Any] = {}
    if token:
        kwargs["headers"] = {"Authorization": f"Bearer {token}"}
    data = route.data(world) if route.data else None
    method = route.method.lower()
    if method == "get":
        return client.get(url, data or {}, **kwargs)
    if url.startswith("/api/"):
        return getattr(client, method)(url, data or {}, content_type="application/json", **kwargs)
    return getattr(client, method)(url, data or {}, **kwargs)


def _token_for(user: Any) -> str:
    from accounts.services import api_token_create

    return api_token_create(user=user)[1]


def _refused(response: Any) -> bool:
    return response.status_code in (401, 403, 404)


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_matrix(name: str, world: Any) -> None:
    route = ROUTES[name]
    is_api = name.split(" ", 1)[0] in {"GET", "POST", "PUT", "PATCH", "DELETE"}
    anon = Client()
    if route.access == "operator":
        for role in ROLES:
            c = Client()
            c.force_login(world.users_a[role])
            response = c.get("/admin/units/unit/")
            assert response.status_code == 302 and "/admin/login/" in response["Location"], role
        return
    assert route.url is not None
    url = route.url(world)
    if route.access == "public":
        response = _request(anon, route, url, world, None)
        assert response.status_code in route.public_status, (name, response.status_code)
        return
    # Signed-in routes refuse the anonymous.
    response = _request(anon, route, url, world, None)
    assert response.status_code in (302, 401, 403, 404), (name, response.status_code)
    if response.status_code == 302:
        assert "/accounts/login/" in response["Location"]
    if route.access == "login":
        for role in ROLES:
            c = Client()
            c.force_login(world.users_a[role])
            r = _request(c, route, url, world, None)
            assert r.status_code < 500, (name, role, r.status_code)
        return
    if route.access == "listing":
        assert route.secret is not None
        secret_text = route.secret(world)
        for role in ROLES:
            c = Client()
            token = _token_for(world.users_a[role]) if is_api else None
            if not is_api:
                c.force_login(world.users_a[role])
            r = _request(c, route, url, world, token)
            if Role.RANK[role] < Role.RANK[route.min_role]:
                assert _refused(r), (name, role, "got", r.status_code)
                continue
            assert _refused(r) or r.status_code in (200, 201, 302), (name, role, r.status_code)
            assert secret_text not in r.content.decode(errors="ignore"), (name, role)
            if route.effect:
                assert not route.effect(world), (name, role, "wrote outside its subtree")
        return
    assert route.access == "scoped", name
    secret = route.secret(world) if route.secret else None
    for role in ROLES:
        c = Client()
        token = None
        if is_api:
            token = _token_for(world.users_a[role])
        else:
            c.force_login(world.users_a[role])
        r = _request(c, route, url, world, token)
        assert _refused(r), (name, role, "got", r.status_code, "for commune B's object")
        if secret:
            assert secret not in r.content.decode(errors="ignore"), (name, role)
    if route.write:
        assert route.own_url is not None
        own = route.own_url(world)
        for role in ROLES:
            if Role.RANK[role] >= Role.RANK[route.min_role]:
                continue
            c = Client()
            token = None
            if is_api:
                token = _token_for(world.users_a[role])
            else:
                c.force_login(world.users_a[role])
            r = _request(c, route, own, world, token)
            assert _refused(r), (name, role, "may not write; got", r.status_code)


def test_matrix_fails_when_a_route_is_added_without_an_entry(settings: Any) -> None:
    """The guard itself: a new URL pattern without a matrix entry is reported."""
    from django.urls import clear_url_caches, path

    import config.urls

    def new_view(request: Any) -> Any:  # pragma: no cover - never called
        return None

    original = list(config.urls.urlpatterns)
    config.urls.urlpatterns.append(path("brand-new/", new_view, name="brand_new"))
    clear_url_caches()
    try:
        missing = url_pattern_names() - set(ROUTES)
        assert missing == {"brand_new"}
    finally:
        config.urls.urlpatterns[:] = original
        clear_url_caches()
