from django.contrib import admin
from django.urls import include, path

from config.api import api
from core import views as core_views
from registry.api import lookup_view
from security.password_reset import ThrottledPasswordResetView

urlpatterns = [
    # The public check's API, first: resolved before the other patterns and served without
    # django-ninja's wrapper (its OpenAPI entry and behaviour are registry.api's; issue 15).
    path("api/registry/lookup", lookup_view, name="registry_lookup_api"),
    path("", core_views.home, name="home"),
    # Before Django's own, so the reset form is the throttled one (same name, same URL).
    path(
        "accounts/password_reset/",
        ThrottledPasswordResetView.as_view(),
        name="password_reset",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("accounts/", include("accounts.urls")),
    path("units/", include("units.urls")),
    path("registry/", include("registry.urls")),
    path("ledger/", include("ledger.urls")),
    path("reports/", include("reports.urls")),
    path("hub/", include("hub.urls")),
    path("factchecks/", include("factchecks.urls")),
    path("security/", include("security.urls")),
    path("connectors/", include("connectors.urls")),
    # Public pages, no login: /p/... (directory, the official-page check, fact-checks, items)
    path("p/kiem-chung/", include("factchecks.public_urls")),
    path("p/noi-dung/", include("hub.public_urls")),
    path("p/", include("public.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
]

handler500 = "core.views.server_error"
