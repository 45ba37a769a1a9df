"""What the pages show of an item: its short link, the text to copy, the length hints."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hub import text
from hub.models import Item

# Approximate limits as the platforms documented them when this was written; they are
# hints for the person posting, not checks.
PLATFORM_HINTS: list[tuple[str, int | None, Any]] = [
    ("Facebook", 63206, gettext_lazy("bài viết trên Trang")),
    ("Instagram", 2200, gettext_lazy("chú thích bài")),
    ("TikTok", 2200, gettext_lazy("chú thích video")),
    ("X", 280, gettext_lazy("bài đăng của tài khoản thường; liên kết tính 23 ký tự")),
    ("YouTube", 5000, gettext_lazy("phần mô tả video")),
    ("Zalo OA", None, gettext_lazy("đăng dạng Bài viết của OA; dán bản đầy đủ vào thân bài")),
]


def short_path(item: Item) -> str:
    return f"{text.SHORT_PATH}{item.code}/"


def short_url(request: HttpRequest, item: Item) -> str:
    return request.build_absolute_uri(short_path(item))


def full_text(item: Item, link: str) -> str:
    parts = [item.title, item.summary]
    body = text.html_to_text(item.body_html)
    if body:
        parts.append(body)
    parts.append(
        _("Nguồn: %(unit)s — %(link)s") % {"unit": item.issuing_unit.authority_name, "link": link}
    )
    return "\n\n".join(parts)


def short_text(item: Item, link: str) -> str:
    return "\n\n".join([item.title, item.summary, link])


@dataclass
class Hint:
    platform: str
    limit: int | None
    note: str
    full_fits: bool
    short_fits: bool


def hints(full: str, short: str) -> list[Hint]:
    return [
        Hint(
            platform=name,
            limit=limit,
            note=str(note),
            full_fits=limit is None or len(full) <= limit,
            short_fits=limit is None or len(short) <= limit,
        )
        for name, limit, note in PLATFORM_HINTS
    ]
