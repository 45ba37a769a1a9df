"""Template tags of the public pages."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from units.selectors import installation_roots

register = template.Library()


@register.simple_tag
def served_by() -> str:
    """Whom this installation serves, in words: the root unit's authority name
    ("UBND tỉnh Quảng Ninh"), or how many provinces when it holds several."""
    roots = list(installation_roots()[:2])
    if not roots:
        return ""
    if len(roots) == 1:
        return _("Trang thông tin của %(authority)s") % {"authority": roots[0].authority_name}
    count = installation_roots().count()
    return ngettext(
        "Trang thông tin của %(count)s tỉnh, thành phố",
        "Trang thông tin của %(count)s tỉnh, thành phố",
        count,
    ) % {"count": count}
