"""Public fact-check pages. Include at /p/kiem-chung/ (namespace ``factchecks_public``)."""

from django.urls import path

from factchecks import public_views as views

app_name = "factchecks_public"
urlpatterns = [
    path("", views.factcheck_list, name="list"),
    path("<int:pk>/", views.factcheck_detail, name="detail"),
    path("feed/", views.feed, name="feed"),
    path("phuong-phap/", views.methodology, name="methodology"),
    path("chinh-sach-dinh-chinh/", views.corrections_policy, name="corrections_policy"),
    path("de-nghi/", views.suggest, name="suggest"),
]
