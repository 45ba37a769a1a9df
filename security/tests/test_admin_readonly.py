"""The Django admin writes nothing (issue 18, finding 12): every write in Bantin goes
through a service, which checks and audits it; the admin would bypass both. The operator
reads every model there and acts through the app's pages or the management commands."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import Client, RequestFactory

from accounts.models import Membership
from core.models import AuditEvent


@pytest.fixture
def operator(db: Any) -> Any:
    return get_user_model().objects.create_superuser("operator", "op@example.org", "x")


def test_every_registered_model_is_read_only(operator: Any) -> None:
    request = RequestFactory().get("/admin/")
    request.user = operator
    writable = []
    for model, model_admin in admin.site._registry.items():
        for kind in ("add", "change", "delete"):
            check = getattr(model_admin, f"has_{kind}_permission")
            allowed = check(request) if kind == "add" else check(request, None)
            if allowed:
                writable.append(f"{model._meta.label}: {kind}")
        if model_admin.get_actions(request):
            writable.append(
                f"{model._meta.label}: actions {list(model_admin.get_actions(request))}"
            )
        assert model_admin.has_view_permission(request), model._meta.label  # still readable
    assert writable == []


def test_a_superuser_cannot_make_an_administrator_in_the_admin(world: Any, operator: Any) -> None:
    """The probe's case: a role changed in the admin left no audit record."""
    client = Client()
    client.force_login(operator)
    membership = Membership.objects.get(user=world.users_a["viewer"])
    url = f"/admin/accounts/membership/{membership.pk}/change/"
    assert client.get(url).status_code == 200  # readable
    events = AuditEvent.objects.count()
    response = client.post(
        url,
        {
            "user": membership.user_id,
            "unit": membership.unit_id,
            "role": "administrator",
            "invited_by": "",
        },
    )
    assert response.status_code == 403
    membership.refresh_from_db()
    assert membership.role == "viewer" and AuditEvent.objects.count() == events
    user = world.users_a["viewer"]
    response = client.post(
        f"/admin/auth/user/{user.pk}/change/",
        {"username": user.username, "is_superuser": "on", "is_staff": "on", "is_active": "on"},
    )
    assert response.status_code == 403
    user.refresh_from_db()
    assert not user.is_superuser
    assert client.post(f"/admin/auth/user/{user.pk}/delete/", {"post": "yes"}).status_code == 403
    assert get_user_model().objects.filter(pk=user.pk).exists()
