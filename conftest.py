"""Shared fixtures: a small world of units and users, and helpers to log in as a role."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

import pytest

# Playwright's sync API runs an event loop; Django's ORM calls from the test thread are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROLES = ("administrator", "editor", "reporter", "viewer")
PASSWORD = "Test-password-2026"  # noqa: S105


@dataclass
class World:
    province: Any
    commune_a: Any
    commune_b: Any
    department: Any
    users_a: dict[str, Any] = field(default_factory=dict)  # role -> user of commune A
    users_b: dict[str, Any] = field(default_factory=dict)  # role -> user of commune B
    province_users: dict[str, Any] = field(default_factory=dict)
    cache: dict[str, Any] = field(default_factory=dict)  # objects made by matrix builders


def make_unit(code: str, name: str, kind: str, parent: Any = None) -> Any:
    from units.models import Unit

    return Unit.objects.create(
        code=code,
        name=name,
        kind=kind,
        parent=parent,
        path=Unit.build_path(parent, code),
        level=(parent.level + 1) if parent else 0,
        official=kind not in ("department", "agency", "organisation", "other"),
    )


def make_user(username: str, unit: Any, role: str) -> Any:
    from accounts.services import user_create

    return user_create(username=username, unit=unit, role=role, password=PASSWORD)


@pytest.fixture
def world(db: Any) -> World:
    province = make_unit("22", "Tỉnh Quảng Ninh", "province")
    a = make_unit("07192", "Đặc khu Cô Tô", "special_zone", province)
    b = make_unit("06688", "Phường Hạ Long", "ward", province)
    dept = make_unit("22-SVHTTDL", "Sở Văn hóa, Thể thao và Du lịch", "department", province)
    w = World(province=province, commune_a=a, commune_b=b, department=dept)
    for role in ROLES:
        w.users_a[role] = make_user(f"a_{role}", a, role)
        w.users_b[role] = make_user(f"b_{role}", b, role)
        w.province_users[role] = make_user(f"p_{role}", province, role)
    return w


@pytest.fixture
def login(client: Any) -> Any:
    def _login(user: Any) -> Any:
        client.force_login(user)
        return client

    return _login


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Two-factor for administrators is on by default; the tests of security/ turn it on
    # again themselves. Other tests sign in with force_login.
    settings.BANTIN_REQUIRE_2FA_FOR_ADMINS = False


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """Rate-limit counters live in the cache: every test starts with none."""
    from django.core.cache import cache

    cache.clear()


from core.tests.e2e import page  # noqa: E402,F401  (the Playwright fixture, for every app)
