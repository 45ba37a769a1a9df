from __future__ import annotations

from typing import Any

from core.tests.matrix import listing, login_only

SECRET_EVENT = "Sự kiện riêng của Phường Hạ Long"


def _b_failures(w: Any) -> str:
    """Login failures recorded for a commune B user; their name must never show in A."""
    from axes.models import AccessAttempt

    if "b_failures" not in w.cache:
        w.cache["b_failures"] = AccessAttempt.objects.create(
            username="b_viewer",
            ip_address="203.0.113.50",
            user_agent="x",
            http_accept="x",
            path_info="/accounts/login/",
            get_data="",
            post_data="",
            failures_since_start=5,
        )
    return "b_viewer"


def _b_unlocked(w: Any) -> bool:
    from axes.models import AccessAttempt

    return not AccessAttempt.objects.filter(username="b_viewer").exists()


def _b_event(w: Any) -> str:
    from core.audit import audit

    if "b_event" not in w.cache:
        w.cache["b_event"] = audit(
            w.users_b["administrator"],
            "registry.secret_b",
            None,
            unit_path=w.commune_b.path,
            after={"note": SECRET_EVENT},
        )
        w.cache["b_event"].object_repr = SECRET_EVENT
        w.cache["b_event"].save(update_fields=["object_repr"])
    return SECRET_EVENT


ROUTES = {
    # One's own account: two-factor set up, verify, recovery codes, turn off.
    "security:home": login_only(lambda w: "/security/"),
    "security:setup": login_only(lambda w: "/security/2fa/setup/"),
    "security:verify": login_only(lambda w: "/security/2fa/verify/"),
    "security:recovery_codes": login_only(lambda w: "/security/2fa/recovery-codes/", method="POST"),
    "security:disable": login_only(lambda w: "/security/2fa/disable/", method="POST"),
    # Administrators: their subtree's lockouts and audit trail only.
    "security:lockouts": listing(
        lambda w: "/security/lockouts/", secret=_b_failures, min_role="administrator"
    ),
    "security:unlock": listing(
        lambda w: "/security/lockouts/unlock/",
        method="POST",
        min_role="administrator",
        data=lambda w: {"username": _b_failures(w)},
        secret=lambda w: "203.0.113.50",
        effect=_b_unlocked,
    ),
    "security:audit": listing(
        lambda w: "/security/audit/", secret=_b_event, min_role="administrator"
    ),
    "security:audit_csv": listing(
        lambda w: "/security/audit.csv", secret=_b_event, min_role="administrator"
    ),
}
