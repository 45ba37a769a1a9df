from core.tests.matrix import listing, public, scoped
from registry.models import Channel
from registry.tests.factories import channel_of


def _b_secret(w):  # type: ignore[no-untyped-def]
    return channel_of(w, "b").identifier


ROUTES = {
    "registry:list": listing(lambda w: "/registry/", secret=_b_secret),
    "registry:register": listing(
        lambda w: "/registry/register/",
        method="POST",
        min_role="editor",
        data=lambda w: {
            "unit": w.commune_b.code,
            "url": "https://www.facebook.com/matrix.new.page",
            "display_name": "x",
        },
        secret=lambda w: w.commune_b.name,
        effect=lambda w: Channel.objects.filter(identifier="matrix.new.page").exists(),
    ),
    "registry:detail": scoped(lambda w: f"/registry/{channel_of(w, 'b').pk}/", secret=_b_secret),
    "registry:verify": scoped(
        lambda w: f"/registry/{channel_of(w, 'b').pk}/verify/",
        method="POST",
        write=True,
        own_url=lambda w: f"/registry/{channel_of(w, 'a').pk}/verify/",
        min_role="administrator",
        data=lambda w: {"method": "công văn"},
    ),
    "registry:retire": scoped(
        lambda w: f"/registry/{channel_of(w, 'b').pk}/retire/",
        method="POST",
        write=True,
        own_url=lambda w: f"/registry/{channel_of(w, 'a').pk}/retire/",
        min_role="administrator",
        data=lambda w: {"reason": "x"},
    ),
    "GET /api/registry/lookup": public(
        lambda w: f"/api/registry/lookup?q={channel_of(w, 'b').url}"
    ),
    # the same path, served by a plain view ahead of the API's URLs (config/urls.py)
    "registry_lookup_api": public(lambda w: f"/api/registry/lookup?q={channel_of(w, 'b').url}"),
    "GET /api/registry/channels": listing(lambda w: "/api/registry/channels", secret=_b_secret),
    "GET /api/registry/channels/{channel_id}": scoped(
        lambda w: f"/api/registry/channels/{channel_of(w, 'b').pk}", secret=_b_secret
    ),
    "POST /api/registry/channels": listing(
        lambda w: "/api/registry/channels",
        method="POST",
        min_role="editor",
        data=lambda w: {"unit": w.commune_b.code, "url": "https://zalo.me/4455667788"},
        secret=lambda w: w.commune_b.name,
        effect=lambda w: Channel.objects.filter(identifier="4455667788").exists(),
    ),
    "POST /api/registry/channels/{channel_id}/verify": scoped(
        lambda w: f"/api/registry/channels/{channel_of(w, 'b').pk}/verify",
        method="POST",
        write=True,
        own_url=lambda w: f"/api/registry/channels/{channel_of(w, 'a').pk}/verify",
        min_role="administrator",
        data=lambda w: {"method": "công văn"},
    ),
    "POST /api/registry/channels/{channel_id}/retire": scoped(
        lambda w: f"/api/registry/channels/{channel_of(w, 'b').pk}/retire",
        method="POST",
        write=True,
        own_url=lambda w: f"/api/registry/channels/{channel_of(w, 'a').pk}/retire",
        min_role="administrator",
        data=lambda w: {"reason": "x"},
    ),
}
