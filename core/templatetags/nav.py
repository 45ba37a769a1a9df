from __future__ import annotations

from typing import Any

from django import template

from core.nav import menu_for

register = template.Library()


@register.simple_tag(takes_context=True)
def main_menu(context: Any) -> Any:
    """``{% main_menu as menu %}``: (links shown first, links under "Thêm")."""
    return menu_for(context["request"].user)
