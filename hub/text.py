"""Pure text helpers of the hub: Markdown to safe HTML, HTML to plain text for social posts,
short codes, and the normal form of a post's address. No database access."""

from __future__ import annotations

import re
import secrets
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urlsplit

import markdown
import nh3

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "b",
    "i",
    "ul",
    "ol",
    "li",
    "a",
    "h2",
    "h3",
    "h4",
    "blockquote",
    "code",
    "pre",
    "hr",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}

# Crockford-like base32 without the letters people misread (0/o, 1/l/i).
CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
CODE_LENGTH = 6
SHORT_PATH = "/p/noi-dung/"
SHORT_LINK_RE = re.compile(
    r"/p/noi-dung/([" + CODE_ALPHABET + r"]{" + str(CODE_LENGTH) + r"})(?![a-z0-9])",
    re.IGNORECASE,
)


def render_markdown(source: str) -> str:
    """Markdown rendered, then sanitised: no script, no style, no event handler, only
    http(s) and mailto links."""
    html = markdown.markdown(source or "", extensions=["tables", "sane_lists"])
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


class _TextMaker(HTMLParser):
    BLOCKS = {"p", "h2", "h3", "h4", "blockquote", "pre", "table", "tr", "ul", "ol", "hr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.list_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("ul", "ol"):
            self.list_depth += 1
        if tag == "li":
            self.parts.append("\n" + "  " * max(self.list_depth - 1, 0) + "• ")
        elif tag == "br":
            self.parts.append("\n")
        elif tag in ("td", "th"):
            self.parts.append(" | ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("ul", "ol"):
            self.list_depth = max(self.list_depth - 1, 0)
        if tag in self.BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not data.strip() and "\n" in data:
            return  # the newlines between block tags
        self.parts.append(data)

    def text(self) -> str:
        raw = "".join(self.parts)
        lines = [
            " ".join(line.split()) if not line.startswith("  ") else line.rstrip()
            for line in raw.split("\n")
        ]
        text = "\n".join(lines)
        return re.sub(r"\n{3,}", "\n\n", text).strip()


def html_to_text(html: str) -> str:
    maker = _TextMaker()
    maker.feed(html or "")
    maker.close()
    return maker.text()


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def codes_in(text: str) -> list[str]:
    """Short codes of hub items linked from ``text`` (".../p/noi-dung/abc234/")."""
    return [m.group(1).lower() for m in SHORT_LINK_RE.finditer(text or "")]


# Query parameters that identify a post (everything else is tracking or display).
_KEPT_PARAMS = {"v", "story_fbid", "fbid", "id", "p", "set", "vanity", "item_id"}
_DROPPED_HOST_PREFIXES = ("www.", "m.", "mobile.", "mbasic.", "web.", "vm.", "touch.")


def normalize_post_url(url: str) -> str:
    """The comparable form of a post's address: https, lower-case host without www./m.,
    no fragment, no trailing slash, only the query parameters that identify a post
    (sorted). Returns "" for anything that is not an http(s) address."""
    text = (url or "").strip()
    if not text:
        return ""
    if "://" not in text:
        text = "https://" + text
    try:
        parts = urlsplit(text)
    except ValueError:
        return ""
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return ""
    host = parts.hostname.lower().rstrip(".")
    for prefix in _DROPPED_HOST_PREFIXES:
        if host.startswith(prefix) and host.count(".") >= 2:
            host = host[len(prefix) :]
            break
    path = re.sub(r"/{2,}", "/", parts.path or "/").rstrip("/")
    query = sorted((k, v) for k, v in parse_qsl(parts.query) if k in _KEPT_PARAMS)
    result = f"https://{host}{path}"
    if query:
        result += "?" + urlencode(query)
    return result[:500]
