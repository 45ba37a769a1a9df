"""The words of an import's refusals: what is wrong and what to do next, for a clerk.

Platforms by their names (never the code), pages by their name and ID or handle, and the
person who can fix it (the unit's editor, the administrator who verifies channels).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from registry.models import Channel


def platform_label(platform: str | None) -> str:
    """A platform's name for people (never the code)."""
    return str(dict(Channel.Platform.choices).get(platform or "", platform or ""))


def describe_page(platform: str, ref: str, name: str = "") -> str:
    """ "trang “UBND …” (mã 1000…)" or "tài khoản TikTok @handle", for a message."""
    if platform in (Channel.Platform.TIKTOK, Channel.Platform.INSTAGRAM):
        return _("tài khoản %(platform)s @%(handle)s") % {
            "platform": platform_label(platform),
            "handle": ref.lstrip("@"),
        }
    if name:
        return _("trang “%(name)s” (mã %(ref)s)") % {"name": name, "ref": ref}
    return _("trang có mã %(ref)s") % {"ref": ref}


def platform_mismatch_message(platform: str, channel: Channel) -> str:
    has_one = (
        Channel.objects.filter(unit=channel.unit, platform=platform)
        .exclude(status=Channel.Status.RETIRED)
        .exists()
    )
    values = {
        "file": platform_label(platform),
        "chosen": channel,
        "unit": channel.unit.name,
    }
    if has_one:
        message = _(
            "Đây là file số liệu %(file)s, nhưng kênh đã chọn là %(chosen)s. Hãy nhập lại và "
            "chọn kênh %(file)s của %(unit)s ở ô “Kênh”."
        )
    else:
        message = _(
            "Đây là file số liệu %(file)s, nhưng %(unit)s chưa có kênh %(file)s nào trong danh "
            "sách kênh chính thức. Biên tập viên của đơn vị đăng ký kênh %(file)s, quản trị "
            "xác minh, rồi bạn nhập lại file này và chọn kênh đó."
        )
    return message % values
