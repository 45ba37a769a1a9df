from typing import Any

from django.contrib.auth import get_user_model

from core.tests.matrix import listing, login_only, scoped


def _b_token(w: Any) -> Any:
    """An API token of commune B's editor (made once per world)."""
    if "b_token" not in w.cache:
        from accounts.services import api_token_create

        w.cache["b_token"] = api_token_create(user=w.users_b["editor"], name="b")[0]
    return w.cache["b_token"]


ROUTES = {
    # A user's own tokens only; another user's token answers 404, whatever the role.
    "accounts:tokens": login_only(lambda w: "/accounts/tokens/"),
    "accounts:token_revoke": scoped(
        lambda w: f"/accounts/tokens/{_b_token(w).pk}/revoke/", method="POST"
    ),
    # Administrators only; a commune A administrator sees only commune A's users.
    "accounts:users": listing(
        lambda w: "/accounts/users/", secret=lambda w: "b_viewer", min_role="administrator"
    ),
    "accounts:invite": listing(
        lambda w: "/accounts/users/invite/",
        method="POST",
        min_role="administrator",
        data=lambda w: {
            "username": "newbie",
            "email": "n@example.org",
            "unit": w.commune_b.code,
            "role": "viewer",
        },
        secret=lambda w: w.commune_b.name,
        effect=lambda w: get_user_model().objects.filter(username="newbie").exists(),
    ),
}
