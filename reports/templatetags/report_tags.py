from __future__ import annotations

from typing import Any

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def num(value: Any) -> str:
    """A localised whole number (1.234.567 in Vietnamese); unknown values show a dash."""
    if value is None:
        return "—"
    return number_format(value, decimal_pos=0, use_l10n=True, force_grouping=True)


@register.filter
def pct(value: Any) -> str:
    if value is None:
        return "—"
    return number_format(value * 100, decimal_pos=1, use_l10n=True) + " %"


@register.filter
def change(value: Any) -> str:
    if value is None:
        return _("không so sánh được")
    sign = "+" if value > 0 else ""
    return sign + number_format(value, decimal_pos=1, use_l10n=True) + " %"


@register.simple_tag
def sort_link(current: str, key: str) -> str:
    """The sort parameter for a column header: toggles direction on the active column."""
    if current == f"-{key}":
        return key
    return f"-{key}"


@register.filter
def index(items: Any, i: int) -> Any:
    """``items[i]`` in a template (a section's column kinds and sort keys)."""
    return items[i]
