"""The production profile, served by gunicorn on a loopback port against PostgreSQL,
answers the login page with the security headers (as nginx would forward it)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
DB_NAME = f"bantin_security_gunicorn_{os.getpid()}"  # one per test process (xdist)


def _postgres_admin_url() -> str | None:
    url = os.environ.get("BANTIN_TEST_POSTGRES", "postgres://postgres@127.0.0.1:5432/postgres")
    try:
        import psycopg

        with psycopg.connect(url.replace("postgres://", "postgresql://"), connect_timeout=3):
            return url
    except Exception:
        return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, Any, bytes]:
    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310 - loopback
    try:
        with opener.open(request, timeout=60) as response:  # a loaded CI machine is slow
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read()


@pytest.fixture(scope="module")
def server(tmp_path_factory: Any) -> Iterator[str]:
    admin_url = _postgres_admin_url()
    if admin_url is None:
        pytest.skip("no PostgreSQL reachable at BANTIN_TEST_POSTGRES / 127.0.0.1:5432")
    import psycopg

    pg = admin_url.replace("postgres://", "postgresql://")
    with psycopg.connect(pg, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DB_NAME}"')
    tmp = tmp_path_factory.mktemp("prod")
    (tmp / "media").mkdir()
    (tmp / "media" / "upload.html").write_text("<script>alert(1)</script>")
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings_production",
        SECRET_KEY="gunicorn-test-" + "k" * 60,
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=f"{admin_url.rsplit('/', 1)[0]}/{DB_NAME}",
        BANTIN_VAR_DIR=str(tmp),
        MEDIA_ROOT=str(tmp / "media"),
        STATIC_ROOT=str(tmp / "static"),
    )
    for command in (["migrate", "--noinput", "-v0"], ["createcachetable"]):
        subprocess.run(
            [sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True, timeout=300
        )
    port = _free_port()
    gunicorn = Path(sys.executable).with_name("gunicorn")
    proc = subprocess.Popen(
        [str(gunicorn), "-c", "deploy/gunicorn.conf.py", "-b", f"127.0.0.1:{port}", "-w", "1"]
        + ["config.wsgi:application"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                fetch(base + "/accounts/login/")
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("gunicorn did not start") from None
                time.sleep(0.5)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        with psycopg.connect(pg, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')


HTTPS = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "198.51.100.7"}


def test_login_page_is_served_with_the_security_headers(server: str) -> None:
    status, headers, body = fetch(server + "/accounts/login/", HTTPS)
    assert status == 200
    assert "Đăng nhập" in body.decode()
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    cookies = headers.get_all("Set-Cookie") or []
    csrf = [c for c in cookies if c.startswith("csrftoken=")]
    assert csrf and "Secure" in csrf[0]


def test_plain_http_is_redirected_to_https(server: str) -> None:
    status, headers, _body = fetch(server + "/accounts/login/")
    assert status == 301
    assert headers["Location"].startswith("https://127.0.0.1")


def test_uploads_are_not_served_by_the_application(server: str) -> None:
    status, _headers, body = fetch(server + "/media/upload.html", HTTPS)
    assert status == 404
    assert b"<script>" not in body


def test_static_files_are_served(server: str) -> None:
    status, headers, _body = fetch(server + "/static/css/bantin.css", HTTPS)
    assert status == 200
    assert headers["Content-Type"].startswith("text/css")
