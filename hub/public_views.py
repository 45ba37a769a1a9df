"""Public pages of the hub (no login): the index of published items (by unit, searchable,
with its feed), the item's page at its short URL, its images and files, a unit's published
items and their Atom feed. Drafts and items whose window has
not opened answer 404."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.contrib.syndication.views import Feed
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from hub import presenting, selectors
from hub.models import Attachment, Item
from hub.views import _attachment_response
from units.models import Unit


def _share_links(url: str, title: str) -> list[tuple[str, str]]:
    u = quote(url, safe="")
    t = quote(title, safe="")
    return [
        ("Facebook", f"https://www.facebook.com/sharer/sharer.php?u={u}"),
        ("X", f"https://twitter.com/intent/tweet?url={u}&text={t}"),
        ("Telegram", f"https://t.me/share/url?url={u}&text={t}"),
        (_("Thư điện tử"), f"mailto:?subject={t}&body={u}"),
    ]


def item(request: HttpRequest, code: str) -> HttpResponse:
    obj = selectors.public_item(code)
    if obj is None:
        raise Http404
    link = presenting.short_url(request, obj)
    attachments = list(obj.attachments.all())
    images = [a for a in attachments if a.kind == Attachment.Kind.IMAGE]
    og_image = (
        request.build_absolute_uri(reverse("hub_public:attachment", args=[obj.code, images[0].pk]))
        if images
        else ""
    )
    return render(
        request,
        "hub/public_item.html",
        {
            "item": obj,
            "short_url": link,
            "images": images,
            "files": [a for a in attachments if a.kind != Attachment.Kind.IMAGE],
            "tags": list(obj.tags.all()),
            "og_image": og_image,
            "og_image_item": images[0] if images else None,
            "share_links": _share_links(link, obj.title),
            "ended": obj.state() == Item.ENDED,
        },
    )


def attachment(request: HttpRequest, code: str, attachment_pk: int) -> HttpResponseBase:
    obj = selectors.public_item(code)
    if obj is None:
        raise Http404
    att = get_object_or_404(Attachment, item=obj, pk=attachment_pk)
    # Images are shown inline on the page and in link previews; PDFs are downloads.
    return _attachment_response(att, inline=att.kind == Attachment.Kind.IMAGE)


PER_PAGE = 20


def index(request: HttpRequest) -> HttpResponse:
    """Latest published items of every unit, filtered by unit and searched by words."""
    units = selectors.public_issuing_units()
    code = (request.GET.get("don_vi") or "").strip()
    unit = next((u for u in units if u.code == code), None)
    query = (request.GET.get("q") or "").strip()[:100]
    items = selectors.public_items(unit=unit, query=query)
    page = Paginator(items, PER_PAGE).get_page(request.GET.get("trang"))
    kept = request.GET.copy()
    kept.pop("trang", None)
    return render(
        request,
        "hub/public_index.html",
        {
            "page": page,
            "units": units,
            "unit": unit,
            "query": query,
            "kept": kept.urlencode(),
        },
    )


def _public_unit(unit_code: str) -> Unit:
    return get_object_or_404(Unit, code=unit_code)


def unit_items(request: HttpRequest, unit_code: str) -> HttpResponse:
    unit = _public_unit(unit_code)
    return render(
        request,
        "hub/public_unit.html",
        {"unit": unit, "items": selectors.public_items_of(unit)},
    )


class AllFeed(Feed):  # type: ignore[type-arg]
    """Atom feed of every unit's published items (newest first, 50 at most)."""

    feed_type = Atom1Feed

    def title(self) -> str:
        return _("Nội dung chính thức")

    def subtitle(self) -> str:
        return _(
            "Tin, thông báo, giải thích chính sách do các cơ quan, đơn vị phát hành trên Bantin."
        )

    def link(self) -> str:
        return reverse("hub_public:index")

    def items(self) -> list[Item]:
        return list(selectors.public_items()[:50])

    def item_title(self, item: Item) -> str:
        return item.title

    def item_description(self, item: Item) -> str:
        return item.summary

    def item_link(self, item: Item) -> str:
        return presenting.short_path(item)

    def item_pubdate(self, item: Item) -> Any:
        return item.publish_start

    def item_author_name(self, item: Item) -> str:
        return item.issuing_unit.authority_name


class UnitFeed(Feed):  # type: ignore[type-arg]
    """Atom feed of a unit's published items (newest first, 50 at most)."""

    feed_type = Atom1Feed

    def get_object(self, request: HttpRequest, unit_code: str) -> Unit:  # type: ignore[override]
        self._request = request
        return _public_unit(unit_code)

    def title(self, obj: Unit) -> str:
        return _("Nội dung chính thức của %(unit)s") % {"unit": obj.name}

    def subtitle(self, obj: Unit) -> str:
        return _("Tin, thông báo, giải thích chính sách do %(unit)s phát hành trên Bantin.") % {
            "unit": obj.name
        }

    def link(self, obj: Unit) -> str:
        return reverse("hub_public:unit", args=[obj.code])

    def items(self, obj: Unit) -> list[Item]:
        return selectors.public_items_of(obj)

    def item_title(self, item: Item) -> str:
        return item.title

    def item_description(self, item: Item) -> str:
        return item.summary

    def item_link(self, item: Item) -> str:
        return presenting.short_path(item)

    def item_guid(self, item: Item) -> str:
        return presenting.short_path(item)

    def item_pubdate(self, item: Item) -> Any:
        return item.publish_start

    def item_updateddate(self, item: Item) -> Any:
        return item.approved_at or item.updated_at

    def item_author_name(self, item: Item) -> str:
        return item.issuing_unit.authority_name

    def item_categories(self, item: Item) -> list[str]:
        return [t.name for t in item.tags.all()]
