from typing import Any

from django.contrib import admin

from core.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: audit events cannot be edited or deleted through the app."""

    list_display = ("created_at", "actor_label", "action", "object_repr", "ip")
    list_filter = ("action",)
    search_fields = ("actor_label", "object_repr", "action")

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False
