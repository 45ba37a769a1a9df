"""The JSON API, mounted at /api/. Each app adds its router here."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI

from core.api_auth import AUTH

api = NinjaAPI(
    title="Bantin API",
    version="1",
    description=(
        "Bantin's JSON API. Machine clients send `Authorization: Bearer <token>` "
        "(`python manage.py create_api_token --username U`) and see exactly what that "
        "user may see."
    ),
    auth=AUTH,
    urls_namespace="api",
    docs_url="/docs",
)


@api.exception_handler(PermissionDenied)
def permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or "Forbidden"}, status=403)


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    detail = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return api.create_response(request, {"detail": detail}, status=400)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": "Not found"}, status=404)


def _register_routers() -> None:
    from accounts.api import router as accounts_router
    from factchecks.api import router as factchecks_router
    from hub.api import router as hub_router
    from ledger.api import router as ledger_router
    from registry.api import router as registry_router
    from reports.api import router as reports_router
    from units.api import router as units_router

    api.add_router("/", accounts_router)
    api.add_router("/units", units_router)
    api.add_router("/registry", registry_router)
    api.add_router("/", ledger_router)  # /api/imports, /api/posts
    api.add_router("/reports", reports_router)
    api.add_router("/hub", hub_router)
    api.add_router("/factchecks", factchecks_router)


_register_routers()
