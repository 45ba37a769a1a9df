"""The Django admin, read-only for every model.

Every write in Bantin goes through a service that checks the role and records an audit
event; the admin's forms would bypass both (a superuser once made an administrator there
and left no trace). So the admin is for reading: whatever registers a model (ours, auth,
axes, django-otp, django-tasks), the site wraps its ModelAdmin in ``ReadOnlyAdminMixin``.
Operators act through the app's pages and the management commands
(``axes_reset_username``, ``backup``, ...), which are audited.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib import admin
from django.db.models.base import ModelBase


class ReadOnlyAdminMixin:
    """No add, change or delete, no bulk actions; the change view shows the fields."""

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def get_actions(self, request: Any) -> dict[str, Any]:
        return {}


class BantinAdminSite(admin.AdminSite):
    def register(
        self,
        model_or_iterable: ModelBase | Iterable[ModelBase],
        admin_class: type[admin.ModelAdmin[Any]] | None = None,
        **options: Any,
    ) -> None:
        base = admin_class or admin.ModelAdmin
        if not issubclass(base, ReadOnlyAdminMixin):
            base = type(f"ReadOnly{base.__name__}", (ReadOnlyAdminMixin, base), {})
        super().register(model_or_iterable, base, **options)
