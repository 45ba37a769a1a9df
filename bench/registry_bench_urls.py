"""The project's URLs plus /bench/constant, a bare Django view (bench only)."""

from django.http import HttpRequest, JsonResponse
from django.urls import path

from config.urls import urlpatterns as project_urlpatterns


def constant(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "not_found", "channel": None, "unit": None, "similar": []})


urlpatterns = [path("bench/constant", constant), *project_urlpatterns]
