from django.urls import URLPattern

app_name = "factchecks"
urlpatterns: list[URLPattern] = []
