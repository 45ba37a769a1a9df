"""Every page fits a 360 px phone, for every role: no horizontal scroll.

The pages are every HTML GET route of the permission matrix (``core.tests.pages``), opened
in Chromium at 360 px by each kind of demo user: the province's administrator, editor and
viewer, a commune's reporter (commune B, whose objects the matrix's URLs name), and an
anonymous visitor (public pages). A page a user may not open (403, 404) is skipped for that
user; one that scrolls sideways fails the test, with the elements that stick out.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.test import Client

from core.tests.pages import page_routes
from core.tests.test_permission_matrix import ROUTES

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

WIDTH = 360

# The elements wider than the screen, deepest first: what to fix when the test fails.
CULPRITS = """() => {
  const w = document.documentElement.clientWidth;
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.right > w + 1 && r.width > 0) {
      let inside = false;
      for (let p = el.parentElement; p; p = p.parentElement) {
        const s = getComputedStyle(p);
        if (s.overflowX === 'auto' || s.overflowX === 'scroll' || s.overflowX === 'hidden') {
          inside = true; break;
        }
      }
      if (!inside) {
        out.push(el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).split(' ').join('.') : '')
                 + ' ' + Math.round(r.right) + 'px');
      }
    }
  }
  return out.slice(-4);
}"""


def _pages_of(world: Any, user: Any) -> list[tuple[str, str]]:
    """(route, url) of every HTML page ``user`` may open (anonymous: the public ones),
    found with the test client first, so the browser opens no download and no refusal."""
    client = Client()
    if user is not None:
        client.force_login(user)
    found = []
    for name in page_routes():
        route = ROUTES[name]
        if user is None and route.access != "public":
            continue
        assert route.url is not None
        url = route.url(world)
        if route.data:
            url += ("&" if "?" in url else "?") + urlencode(route.data(world))
        response = client.get(url)
        if response.status_code != 200 or getattr(response, "streaming", False):
            continue
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        found.append((name, url))
    return found


def _session_cookie(user: Any, base_url: str) -> dict[str, Any]:
    client = Client()
    client.force_login(user)
    return {
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "url": base_url,
    }


def overflowing(page: Any, url: str) -> tuple[int, list[str]] | None:
    """None when the page is not this user's (an error status or not HTML); else its
    scroll width and the elements that stick out."""
    response = page.goto(page.base_url + url, wait_until="load")
    if response is None or response.status != 200:
        return None
    if not (response.headers.get("content-type") or "").startswith("text/html"):
        return None
    width = page.evaluate("document.documentElement.scrollWidth")
    return width, (page.evaluate(CULPRITS) if width > WIDTH else [])


@pytest.mark.parametrize("who", ["anonymous", "reporter", "viewer", "editor", "administrator"])
def test_every_page_fits_a_phone(world: Any, page: Any, who: str) -> None:
    if who == "anonymous":
        user = None
    elif who == "reporter":
        user = world.users_b["reporter"]
    else:
        user = world.province_users[who]
    urls = _pages_of(world, user)
    if user is not None:
        page.context.add_cookies([_session_cookie(user, page.base_url)])
    problems = {}
    seen = 0
    for name, url in urls:
        result = overflowing(page, url)
        if result is None:
            continue
        seen += 1
        width, culprits = result
        if width > WIDTH:
            problems[f"{name} {url}"] = f"{width}px: {culprits}"
    assert seen >= (5 if user is None else 20), f"only {seen} pages opened"
    assert not problems, f"{len(problems)} pages scroll sideways at {WIDTH}px: {problems}"


def test_the_check_sees_a_wide_page(world: Any, page: Any, settings: Any) -> None:
    """A page with an element wider than the phone is caught, with the element named."""
    page.route(
        "**/p/kiem-tra/",
        lambda route: route.fulfill(
            status=200,
            content_type="text/html; charset=utf-8",
            body='<!doctype html><meta name="viewport" content="width=device-width">'
            '<body><table class="wide"><tr><td>' + "x" * 120 + "</td></tr></table></body>",
        ),
    )
    result = overflowing(page, "/p/kiem-tra/")
    assert result is not None
    width, culprits = result
    assert width > WIDTH
    assert any(c.startswith("table.wide") for c in culprits), culprits
