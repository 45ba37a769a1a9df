"""Every page carries the strict headers; the production profile adds HTTPS-only ones."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

ROOT = Path(__file__).resolve().parents[2]


def production_env(**values: str) -> dict[str, str]:
    """The environment a server would have (the test runner's async escape hatch removed)."""
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings_production"
    env.update(values)
    return env


def csp_directives(header: str) -> dict[str, list[str]]:
    return {
        parts[0]: parts[1:] for parts in (d.strip().split() for d in header.split(";")) if parts
    }


def assert_strict(response: Any) -> None:
    csp = csp_directives(response["Content-Security-Policy"])
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]  # no 'unsafe-inline', no 'unsafe-eval'
    assert csp["style-src"] == ["'self'"]
    assert csp["img-src"] == ["'self'", "data:"]
    assert csp["connect-src"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["object-src"] == ["'none'"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.parametrize("path", ["/accounts/login/", "/", "/api/docs"])
def test_public_pages_send_the_strict_headers(db: Any, path: str) -> None:
    response = Client().get(path)
    assert response.status_code == 200
    assert_strict(response)


def test_signed_in_pages_have_no_inline_script_or_style(world: Any) -> None:
    client = Client()
    client.force_login(world.users_a["administrator"])
    for path in ("/security/", "/security/2fa/setup/", "/security/audit/", "/security/lockouts/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert_strict(response)
        html = response.content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)", html), path
        assert " style=" not in html and "<style" not in html, path


def test_the_production_profile_passes_check_deploy() -> None:
    env = production_env(
        SECRET_KEY="x" * 20 + "-production-profile-test-key-" + "y" * 20,
        ALLOWED_HOSTS="example.org",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("secret", "hosts", "message"),
    [
        ("", "example.org", "SECRET_KEY"),
        ("bantin-demo-only-not-secret-0b1d6c5e7f", "example.org", "SECRET_KEY"),
        ("k" * 64, "", "ALLOWED_HOSTS"),
    ],
)
def test_the_production_profile_refuses_demo_values(secret: str, hosts: str, message: str) -> None:
    env = production_env(SECRET_KEY=secret, ALLOWED_HOSTS=hosts)
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert message in result.stderr


def test_the_deployment_guide_covers_every_environment_variable() -> None:
    guide = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    example = (ROOT / "deploy" / "bantin.env.example").read_text(encoding="utf-8")
    names = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", example, flags=re.M))
    assert {"SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"} <= names
    missing = sorted(n for n in names if f"`{n}`" not in guide)
    assert not missing, f"docs/deploy.md does not explain {missing}"
    nginx = (ROOT / "deploy" / "nginx" / "bantin.conf").read_text(encoding="utf-8")
    assert "location /media/" not in nginx  # uploads go through the app's permission check
    media = nginx.split("location /_protected/media/", 1)[1].split("\n    }\n", 1)[0]
    assert "internal;" in media
    assert "nosniff" in media
    assert "fastcgi_pass" not in nginx and "uwsgi_pass" not in nginx


def test_nul_characters_are_refused_before_any_view(world: Any) -> None:
    """Found by schemathesis: a NUL in a query parameter made PostgreSQL fail (500)."""
    client = Client()
    client.force_login(world.users_a["viewer"])
    assert client.get("/api/units", {"parent": "07\x0092"}).status_code == 400
    response = client.post("/api/me", data='{"name": "a\\u0000b"}', content_type="application/json")
    assert response.status_code == 400
    assert client.get("/units/07192/", {"q": "\x00"}).status_code == 400
    assert client.get("/api/units", {"parent": "07192"}).status_code == 200
