"""The figure columns that several sections share (one label and format each)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any
from urllib.parse import urlencode

from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import gettext_lazy as _l

from reports.model import Figures
from reports.sections.base import COUNT, Column


def figure_columns(
    figures: Callable[[Any], Figures],
    href: Callable[[str], Callable[[Any], str | None]] | None = None,
    *,
    without_reach: bool = True,
    docx_cm: tuple[float, ...] | None = None,
) -> tuple[Column, ...]:
    """Posts, reach, views, engagements (and posts without reach) of ``figures(row)``;
    ``href(metric)`` gives the page's link from a row to the posts its figure sums;
    ``docx_cm`` narrower .docx widths, for a table with more columns (10 pt text)."""

    def link(metric: str) -> Callable[[Any], str | None] | None:
        return href(metric) if href else None

    cols = [
        Column(
            "posts",
            _l("Số bài viết"),
            COUNT,
            lambda r: figures(r).posts,
            docx_cm=2.2,
            href=link("posts"),
            sort="posts",
        ),
        Column(
            "reach",
            _l("Lượt tiếp cận"),
            COUNT,
            lambda r: figures(r).reach,
            docx_cm=2.6,
            xlsx_chars=16,
            href=link("reach"),
            sort="reach",
        ),
        Column(
            "views",
            _l("Lượt xem"),
            COUNT,
            lambda r: figures(r).views,
            docx_cm=2.4,
            href=link("views"),
            sort="views",
        ),
        Column(
            "engagements",
            _l("Lượt tương tác"),
            COUNT,
            lambda r: figures(r).engagements,
            docx_cm=2.3,
            href=link("engagements"),
            sort="engagements",
        ),
    ]
    if without_reach:
        cols.append(
            Column(
                "posts_without_reach",
                _l("Bài không có lượt tiếp cận"),
                COUNT,
                lambda r: figures(r).posts_without_reach,
                docx_cm=2.4,
                xlsx_chars=16,
                href=link("posts_without_reach"),
            )
        )
    if docx_cm is not None:
        cols = [replace(c, docx_cm=w) for c, w in zip(cols, docx_cm, strict=True)]
    return tuple(cols)


def drill(
    params: Callable[[Any], dict[str, str] | None],
    *,
    base: Callable[[Any], str] = lambda row: "posts/",
) -> Callable[[str], Callable[[Any], str | None]]:
    """``href`` for :func:`figure_columns`: a row's figure links to the list of the posts
    and monthly-form rows it sums (``reports.drilldown``), filtered by ``params(row)``
    (None: no link). The link is relative to the report page (``/reports/<code>/``), which
    adds the period to it; a row of another period (a month) carries its own."""

    def for_metric(metric: str) -> Callable[[Any], str | None]:
        def href(row: Any) -> str | None:
            p = params(row)
            if p is None:
                return None
            if metric == "posts_without_reach":
                p = {**p, "without_reach": "1"}
            return base(row) + (f"?{urlencode(p)}" if p else "")

        return href

    return for_metric


_PLAIN_CODE = re.compile(r"[0-9A-Za-z._-]+")
_PLACEHOLDER = "UNITCODE0"
_url_templates: dict[tuple[str, str, Any], str] = {}


def unit_url(name: str, code: str) -> str:
    """``reverse(name, args=[code])`` for a unit's page, from a template reversed once per
    URL name: a province's tables link each of ~150 rows several times, and a ``reverse``
    per cell took ~0.15 ms (about 1,200 a page). A code with characters ``reverse`` would
    quote goes through ``reverse`` itself."""
    if not _PLAIN_CODE.fullmatch(code):
        return reverse(name, args=[code])
    key = (name, get_script_prefix(), get_urlconf())
    template = _url_templates.get(key)
    if template is None:
        template = _url_templates[key] = reverse(name, args=[_PLACEHOLDER])
    return template.replace(_PLACEHOLDER, code)
