from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from core.permissions import membership_of
from units import selectors


def home(request: HttpRequest) -> HttpResponse:
    """Signed in: the user's unit and its subtree. Otherwise: what Bantin is, and the way in."""
    membership = membership_of(request.user)
    if membership is None:
        return render(request, "core/landing.html")
    unit = membership.unit
    return render(
        request,
        "core/home.html",
        {
            "unit": unit,
            "children": selectors.children_with_counts(unit),
            "kind_counts": selectors.kind_counts(unit),
        },
    )


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page in Bantin's layout. No context processors: the database may be the fault."""
    from django.conf import settings
    from django.template import loader

    template = loader.get_template("500.html")
    return HttpResponse(template.render({"bantin_name": settings.BANTIN["SITE_NAME"]}), status=500)
