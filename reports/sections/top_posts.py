"""Bài viết có lượt tiếp cận cao nhất: the ten posts of the period that reached most."""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _l

from reports.model import TopPost
from reports.sections.base import COUNT, DATE, LINK, TEXT, Column, Section

_WEB = re.compile(r"https?://[^\s<>\"]{1,2000}")


def _post(p: TopPost) -> tuple[str, str | None]:
    caption = re.sub(r"\s+", " ", p.caption).strip() or p.url
    if len(caption) > 110:
        caption = caption[:109].rstrip() + "…"
    return caption, (p.url if _WEB.fullmatch(p.url) else None)


SECTION = Section(
    key="top_posts",
    title=_l("Bài viết có lượt tiếp cận cao nhất"),
    sheet="Bài nổi bật",
    columns=(
        Column("unit", _l("Đơn vị"), TEXT, lambda p: p.unit, docx_cm=3.0, xlsx_chars=28),
        Column("platform", _l("Nền tảng"), TEXT, lambda p: p.platform, docx_cm=2.3),
        Column("post", _l("Bài viết"), LINK, _post, docx_cm=5.4, xlsx_chars=60),
        Column("published", _l("Ngày đăng"), DATE, lambda p: p.published, docx_cm=2.4),
        Column("reach", _l("Lượt tiếp cận"), COUNT, lambda p: p.reach, docx_cm=2.4),
    ),
    rows=lambda data: data.top_posts,
    empty=_l("Chưa có bài nào có số liệu lượt tiếp cận trong kỳ."),
)
