from django.contrib.auth import get_user_model

from core.tests.matrix import listing

ROUTES = {
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
