"""Playwright in Debian's Chromium (no browser download). Shared by every app's e2e test."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

CHROMIUM = os.environ.get("BANTIN_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def chromium_or_skip() -> str:
    path = CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium")
    if not path:
        message = "Debian's chromium is not installed (apt-get install chromium)"
        if os.environ.get("BANTIN_REQUIRE_E2E"):
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture
def page(live_server: Any) -> Iterator[Any]:
    from django.db import connections
    from playwright.sync_api import sync_playwright

    executable = chromium_or_skip()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN")
        pg = context.new_page()
        pg.set_default_timeout(15000)
        pg.base_url = live_server.url  # type: ignore[attr-defined]
        try:
            yield pg
        finally:
            # The test's queries ran while Playwright's sync API was running, in a
            # contextvars context of its own, so Django's context-local connection they
            # opened is not the one pytest-django closes after the test: close it here,
            # or PostgreSQL will not drop the test database at the end ("being accessed
            # by other users").
            connections.close_all()
            context.close()
            browser.close()


def log_in(page: Any, username: str, password: str) -> None:
    page.goto(page.base_url + "/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
