"""config.urls plus the hub's public pages at /p/noi-dung/, for tests, until the lead
includes hub.public_urls from config/urls.py."""

from django.urls import URLResolver, include, path

from config.urls import urlpatterns as base

MOUNTED = any(isinstance(p, URLResolver) and p.namespace == "hub_public" for p in base)

urlpatterns = list(base)
if not MOUNTED:
    urlpatterns.insert(0, path("p/noi-dung/", include("hub.public_urls")))
