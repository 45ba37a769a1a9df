"""Permission matrix entries for every hub route, the public ones included.

The public pages (``hub_public:*``) join ``ROUTES`` once ``hub.public_urls`` is included
from config/urls.py at /p/noi-dung/; until then ``test_matrix_public.py`` checks them
against the test urlconf ``hub.tests.urls``.
"""

from __future__ import annotations

from typing import Any

from django.urls import NoReverseMatch, reverse

from core.tests.matrix import Route, listing, public, scoped
from hub.models import Item
from hub.tests.factories import B_SECRET, attachment_of, item_of


def _secret(w: Any) -> str:
    item_of(w, "b")
    return B_SECRET


def _b(w: Any) -> int:
    return item_of(w, "b").pk


def _a_draft(w: Any) -> int:
    return item_of(w, "a_draft").pk


def _province(w: Any) -> int:
    return item_of(w, "province").pk


def _a_post_url(w: Any) -> str:
    from registry.tests.factories import channel_of

    return channel_of(w, "a").url + "/posts/99887766"


EDITOR_ROUTES: dict[str, Route] = {
    "hub:home": listing(lambda w: "/hub/", secret=_secret),
    "hub:create": listing(
        lambda w: "/hub/new/",
        method="POST",
        min_role="editor",
        data=lambda w: {
            "issuing_unit": w.commune_b.code,
            "kind": "news",
            "title": "Ma trận: tin mới",
            "summary": "x",
            "audience": "subtree",
            "publish_start": "2026-01-01T08:00",
        },
        secret=_secret,
        effect=lambda w: Item.objects.filter(title="Ma trận: tin mới").exists(),
    ),
    "hub:detail": scoped(lambda w: f"/hub/items/{_b(w)}/", secret=_secret),
    "hub:edit": scoped(
        lambda w: f"/hub/items/{_b(w)}/edit/",
        method="POST",
        write=True,
        own_url=lambda w: f"/hub/items/{_a_draft(w)}/edit/",
        min_role="editor",
        data=lambda w: {"kind": "news", "title": "Sửa", "summary": "x", "audience": "subtree"},
        secret=_secret,
    ),
    "hub:approve": scoped(
        lambda w: f"/hub/items/{_b(w)}/approve/",
        method="POST",
        write=True,
        own_url=lambda w: f"/hub/items/{_a_draft(w)}/approve/",
        min_role="editor",
    ),
    "hub:reopen": scoped(
        lambda w: f"/hub/items/{_b(w)}/reopen/",
        method="POST",
        write=True,
        own_url=lambda w: f"/hub/items/{_a_draft(w)}/reopen/",
        min_role="editor",
    ),
    "hub:coverage": scoped(lambda w: f"/hub/items/{_b(w)}/coverage/", secret=_secret),
    "hub:coverage_xlsx": scoped(lambda w: f"/hub/items/{_b(w)}/coverage.xlsx"),
    "hub:attachment": scoped(lambda w: f"/hub/items/{_b(w)}/files/{attachment_of(w, 'b').pk}/"),
    "hub:attachment_delete": scoped(
        lambda w: f"/hub/items/{_b(w)}/files/{attachment_of(w, 'b').pk}/delete/",
        method="POST",
        write=True,
        own_url=lambda w: (
            f"/hub/items/{_a_draft(w)}/files/{attachment_of(w, 'a_draft').pk}/delete/"
        ),
        min_role="editor",
    ),
    "hub:unit": scoped(
        lambda w: f"/hub/don-vi/{w.commune_b.code}/", secret=lambda w: w.commune_b.name
    ),
    "hub:republish": scoped(
        lambda w: f"/hub/don-vi/{w.commune_b.code}/{_province(w)}/",
        method="POST",
        write=True,
        own_url=lambda w: f"/hub/don-vi/{w.commune_a.code}/{_province(w)}/",
        min_role="reporter",
        data=lambda w: {"url": _a_post_url(w)},
    ),
    "GET /api/hub/items": listing(lambda w: "/api/hub/items", secret=_secret),
    "GET /api/hub/items/{id}": scoped(lambda w: f"/api/hub/items/{_b(w)}", secret=_secret),
    "GET /api/hub/items/{id}/coverage": scoped(
        lambda w: f"/api/hub/items/{_b(w)}/coverage", secret=_secret
    ),
    # B's item is addressed to nobody in A; the province's item is addressed to A, where
    # roles below reporter are refused.
    "POST /api/hub/items/{id}/republications": scoped(
        lambda w: f"/api/hub/items/{_b(w)}/republications",
        method="POST",
        write=True,
        own_url=lambda w: f"/api/hub/items/{_province(w)}/republications",
        min_role="reporter",
        data=lambda w: {"unit": w.commune_a.code, "url": _a_post_url(w)},
    ),
}

PUBLIC_ROUTES: dict[str, Route] = {
    "hub_public:index": public(lambda w: "/p/noi-dung/"),
    "hub_public:all_feed": public(lambda w: "/p/noi-dung/feed.atom"),
    "hub_public:item": public(lambda w: f"/p/noi-dung/{item_of(w, 'b').code}/"),
    # The matrix's attachment row has no file on disk (no writes outside tmp dirs); the
    # download itself is tested in test_public.py.
    "hub_public:attachment": public(
        lambda w: f"/p/noi-dung/{item_of(w, 'b').code}/tep/{attachment_of(w, 'b').pk}/",
        status=(200, 404),
    ),
    "hub_public:unit": public(lambda w: f"/p/noi-dung/don-vi/{w.commune_b.code}/"),
    "hub_public:feed": public(lambda w: f"/p/noi-dung/don-vi/{w.commune_b.code}/feed.atom"),
}


def _public_mounted() -> bool:
    try:
        reverse("hub_public:item", args=["abcdef"], urlconf="config.urls")
    except NoReverseMatch:
        return False
    return True


ROUTES: dict[str, Route] = {**EDITOR_ROUTES, **(PUBLIC_ROUTES if _public_mounted() else {})}
