from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from core.home import home_for


def home(request: HttpRequest) -> HttpResponse:
    """Signed in: what needs the user now, for each role they hold (``core.home``), and a
    way to the unit tree. Otherwise: what Bantin is, and the way in."""
    tasks = home_for(request.user)
    if tasks is None:
        return render(request, "core/landing.html")
    return render(request, "core/home.html", {"home": tasks, "unit": tasks.unit})


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page in Bantin's layout. No context processors: the database may be the fault."""
    from django.conf import settings
    from django.template import loader

    template = loader.get_template("500.html")
    return HttpResponse(template.render({"bantin_name": settings.BANTIN["SITE_NAME"]}), status=500)
