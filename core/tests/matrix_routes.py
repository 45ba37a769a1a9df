from core.tests.matrix import OPERATOR, login_only, public

ROUTES = {
    "home": public(lambda w: "/"),
    "admin:*": OPERATOR,
    "set_language": public(
        lambda w: "/i18n/setlang/", method="POST", data=lambda w: {"language": "en"}, status=(302,)
    ),
    "api:openapi-json": public(lambda w: "/api/openapi.json"),
    "api:openapi-view": public(lambda w: "/api/docs"),
    "api:api-root": public(lambda w: "/api/", status=(404,)),
    # django.contrib.auth
    "login": public(lambda w: "/accounts/login/"),
    "logout": login_only(lambda w: "/accounts/logout/", method="POST"),
    "password_change": login_only(lambda w: "/accounts/password_change/"),
    "password_change_done": login_only(lambda w: "/accounts/password_change/done/"),
    "password_reset": public(lambda w: "/accounts/password_reset/"),
    "password_reset_done": public(lambda w: "/accounts/password_reset/done/"),
    "password_reset_confirm": public(lambda w: "/accounts/reset/MQ/bad-token/"),
    "password_reset_complete": public(lambda w: "/accounts/reset/done/"),
    "GET /api/me": login_only(lambda w: "/api/me"),
}
