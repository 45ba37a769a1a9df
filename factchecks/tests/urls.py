"""config.urls plus the public fact-check pages at /p/kiem-chung/, for tests, until the
lead includes factchecks.public_urls from config/urls.py."""

from django.urls import URLResolver, include, path

from config.urls import urlpatterns as base

MOUNTED = any(isinstance(p, URLResolver) and p.namespace == "factchecks_public" for p in base)

urlpatterns = list(base)
if not MOUNTED:
    urlpatterns.insert(0, path("p/kiem-chung/", include("factchecks.public_urls")))
