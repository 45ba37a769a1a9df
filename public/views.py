"""Public pages (no login): the channel directory, the official-page check, open data, feed."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core.spreadsheets import BOM, CsvWriter
from registry import selectors
from registry.models import Channel
from registry.ratelimits import RATE_MESSAGE, lookup_allowed, retry_after

OPEN_DATA_SCHEMA = "bantin.registry.channels/1"
QUERY_MAX = 2000


@require_GET
def check(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")[:QUERY_MAX].strip()
    limited = bool(q) and not lookup_allowed(request)
    result = selectors.lookup(q) if q and not limited else None
    context = {"q": q, "result": result, "rate_message": RATE_MESSAGE if limited else None}
    template = (
        "public/_check_result.html" if getattr(request, "htmx", False) else "public/check.html"
    )
    # Limited: the same friendly page, but a 429 that clients and crawlers understand.
    response = render(request, template, context, status=429 if limited else 200)
    if limited:
        response["Retry-After"] = retry_after()
    return response


@require_GET
def directory(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")[:200].strip()
    code = request.GET.get("unit", "").strip()
    unit = selectors.unit_by_code_public(code) if code else None
    context: dict[str, Any] = {"q": q, "unit": unit, "unknown_unit": bool(code) and unit is None}
    if q:
        context["results"] = selectors.directory_search(q)
    elif unit is not None:
        context["ancestors"] = selectors.ancestors(unit)
        context["nodes"] = selectors.directory_children(unit)
        context["channels"] = selectors.unit_channels(unit)
    else:
        context["nodes"] = selectors.directory_roots()
    return render(request, "public/directory.html", context)


@require_GET
def open_data(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "public/open_data.html",
        {
            "fields": selectors.OPEN_DATA_FIELDS,
            "counts": selectors.channel_counts(),
            "schema": OPEN_DATA_SCHEMA,
        },
    )


@require_GET
def open_data_csv(request: HttpRequest) -> StreamingHttpResponse:
    writer = CsvWriter()

    def rows() -> Iterator[str]:
        yield BOM + writer.writerow(selectors.OPEN_DATA_FIELDS)
        for record in selectors.open_data_rows():
            yield writer.writerow([record[f] for f in selectors.OPEN_DATA_FIELDS])

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="kenh-chinh-thuc.csv"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def open_data_json(request: HttpRequest) -> HttpResponse:
    body = {
        "schema": OPEN_DATA_SCHEMA,
        "generated_at": timezone.now().isoformat(),
        "fields": list(selectors.OPEN_DATA_FIELDS),
        "channels": list(selectors.open_data_rows()),
    }
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False), content_type="application/json; charset=utf-8"
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _feed_title(kind: str, channel: Channel) -> str:
    names = {"channel": channel.display_name or channel.identifier, "unit": channel.unit.name}
    if kind == "register":
        return _("Đăng ký kênh: %(channel)s (%(unit)s)") % names
    if kind == "verify":
        return _("Xác minh kênh chính thức: %(channel)s (%(unit)s)") % names
    return _("Ngừng sử dụng kênh: %(channel)s (%(unit)s)") % names


@require_GET
def feed(request: HttpRequest) -> HttpResponse:
    directory_url = request.build_absolute_uri(reverse("public:directory"))
    atom = Atom1Feed(
        title=_("Kênh chính thức: đăng ký, xác minh, ngừng sử dụng"),
        link=directory_url,
        description=_("Thay đổi trong danh bạ kênh chính thức của các cơ quan, đơn vị."),
        language="vi",
        feed_url=request.build_absolute_uri(),
    )
    for event in selectors.feed_events():
        channel = event.channel
        link = request.build_absolute_uri(
            reverse("public:directory") + f"?unit={channel.unit.code}"
        )
        atom.add_item(
            title=_feed_title(event.kind, channel),
            link=link,
            description=f"{channel.get_platform_display()}: {channel.url}",
            unique_id=f"{link}#{event.kind}-{channel.pk}-{int(event.when.timestamp())}",
            pubdate=event.when,
            updateddate=event.when,
            categories=[event.kind, channel.platform],
        )
    return HttpResponse(
        atom.writeString("utf-8"), content_type="application/atom+xml; charset=utf-8"
    )
