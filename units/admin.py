from __future__ import annotations

from typing import Any

from django.contrib import admin

from units.models import Unit


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "authority_name", "kind", "parent", "level", "official")
    list_filter = ("kind", "official", "level")
    search_fields = ("code", "name")
    readonly_fields = ("path", "level", "official")
    raw_id_fields = ("parent",)

    def save_model(self, request: Any, obj: Unit, form: Any, change: bool) -> None:
        from units import services

        if change:
            services.unit_rename(acting_user=request.user, unit=obj, name=obj.name)
            if "authority_name" in form.changed_data and not obj.is_administrative:
                services.unit_set_authority_name(
                    acting_user=request.user, unit=obj, authority_name=obj.authority_name
                )
        else:
            # Superusers operate the installation; they act through the same service.
            saved = services.unit_create(
                acting_user=request.user,
                parent=obj.parent,  # type: ignore[arg-type]
                code=obj.code,
                name=obj.name,
                kind=obj.kind,
                authority_name=obj.authority_name,
            )
            obj.pk = saved.pk
