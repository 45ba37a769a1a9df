"""Text helpers: Markdown rendered then sanitised; links in claim text; folding from core.text."""

from __future__ import annotations

import re

import markdown
import nh3

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "blockquote", "code", "pre",
    "h2", "h3", "h4", "a", "table", "thead", "tbody", "tr", "th", "td", "hr",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}
URL_RE = re.compile(r"(https?://|www\.|\b[a-z0-9-]+\.(com|vn|net|org|me|ly)/)", re.IGNORECASE)


def render_markdown(text: str) -> str:
    """Markdown to HTML, then nh3 keeps only a small set of tags; raw HTML never survives."""
    html = markdown.markdown(text, extensions=["tables", "sane_lists"], output_format="html")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


def contains_link(text: str) -> bool:
    return bool(URL_RE.search(text))
