"""Public pages of the hub. Include at /p/noi-dung/ (namespace ``hub_public``): the item's
short URL is its public page, /p/noi-dung/<code>/."""

from django.urls import path, register_converter

from hub import public_views as views
from hub.text import CODE_ALPHABET, CODE_LENGTH


class ShortCode:
    regex = f"[{CODE_ALPHABET}{CODE_ALPHABET.upper()}]{{{CODE_LENGTH}}}"

    def to_python(self, value: str) -> str:
        return value.lower()

    def to_url(self, value: str) -> str:
        return value


register_converter(ShortCode, "hubcode")

app_name = "hub_public"
urlpatterns = [
    path("", views.index, name="index"),
    path("feed.atom", views.AllFeed(), name="all_feed"),
    path("<hubcode:code>/", views.item, name="item"),
    path("<hubcode:code>/tep/<int:attachment_pk>/", views.attachment, name="attachment"),
    path("don-vi/<str:unit_code>/", views.unit_items, name="unit"),
    path("don-vi/<str:unit_code>/feed.atom", views.UnitFeed(), name="feed"),
]
