from connectors.models import Connection
from connectors.tests.factories import connected_of
from core.tests.matrix import listing, login_only, scoped


def _b(w):  # type: ignore[no-untyped-def]
    return connected_of(w, "b").channel_id


def _a(w):  # type: ignore[no-untyped-def]
    return connected_of(w, "a").channel_id


def _b_secret(w):  # type: ignore[no-untyped-def]
    return connected_of(w, "b").account_name


def _b_disconnected(w):  # type: ignore[no-untyped-def]
    return Connection.objects.get(pk=connected_of(w, "b").pk).status != "active"


ROUTES = {
    "connectors:list": listing(lambda w: (_b(w), "/connectors/")[1], secret=_b_secret),
    "connectors:detail": scoped(lambda w: f"/connectors/{_b(w)}/", secret=_b_secret),
    "connectors:callback": login_only(lambda w: "/connectors/callback/?state=unknown&code=x"),
    "connectors:connect": scoped(
        lambda w: f"/connectors/{_b(w)}/connect/",
        method="POST",
        write=True,
        own_url=lambda w: f"/connectors/{_a(w)}/connect/",
        min_role="editor",
    ),
    "connectors:disconnect": scoped(
        lambda w: f"/connectors/{_b(w)}/disconnect/",
        method="POST",
        write=True,
        own_url=lambda w: f"/connectors/{_a(w)}/disconnect/",
        min_role="editor",
    ),
    "connectors:sync": scoped(
        lambda w: f"/connectors/{_b(w)}/sync/",
        method="POST",
        write=True,
        own_url=lambda w: f"/connectors/{_a(w)}/sync/",
        min_role="editor",
    ),
}
