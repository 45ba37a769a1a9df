from __future__ import annotations

from django.contrib import admin

from units.models import Unit


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "authority_name", "kind", "parent", "level", "official")
    list_filter = ("kind", "official", "level")
    search_fields = ("code", "name")
    readonly_fields = ("path", "level", "official")
    raw_id_fields = ("parent",)
