"""The public pages' matrix entries, run against the test urlconf that mounts them."""

from __future__ import annotations

from typing import Any

import pytest

from core.tests import test_permission_matrix as matrix
from hub.tests.matrix_routes import EDITOR_ROUTES, PUBLIC_ROUTES

pytestmark = pytest.mark.urls("hub.tests.urls")


def test_every_hub_route_has_an_entry() -> None:
    names = {n for n in matrix.url_pattern_names() if n.startswith("hub_public:")}
    assert names == set(PUBLIC_ROUTES)
    ours = {n for n in matrix.url_pattern_names() if n.startswith("hub:")}
    ours |= {n for n in matrix.api_operations() if n.split(" ")[1].startswith("/api/hub/")}
    assert ours == set(EDITOR_ROUTES)


@pytest.mark.parametrize("name", sorted(PUBLIC_ROUTES))
def test_public_matrix(name: str, world: Any, monkeypatch: Any) -> None:
    monkeypatch.setitem(matrix.ROUTES, name, PUBLIC_ROUTES[name])
    matrix.test_matrix(name, world)
