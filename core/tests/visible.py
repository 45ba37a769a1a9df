"""The text of a page that a person sees, for tests that read pages as people do."""

from __future__ import annotations

from html.parser import HTMLParser

# Elements whose content is never shown as text.
HIDDEN = {"script", "style", "template", "head", "title", "noscript", "svg"}
VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr",
}  # fmt: skip
# Attributes read out or shown to people.
TEXT_ATTRIBUTES = ("alt", "title", "aria-label", "placeholder")


class _Text(HTMLParser):
    def __init__(self, *, skip_data: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.skip_data = skip_data
        self.stack: list[tuple[str, bool]] = []  # (tag, hidden-or-data)
        self.parts: list[str] = []

    def _skipping(self) -> bool:
        return any(skip for _tag, skip in self.stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        # ``lang`` on an element marks text in a language of its own: data (a unit's name,
        # a post's caption, a code), not the interface. ``translate="no"`` likewise.
        data = (
            self.skip_data and tag != "html" and ("lang" in named or named.get("translate") == "no")
        )
        hidden = tag in HIDDEN or "hidden" in named or named.get("aria-hidden") == "true"
        if not (data or self._skipping()):
            for key in TEXT_ATTRIBUTES:
                if named.get(key):
                    self.parts.append(str(named[key]))
            if tag == "input" and named.get("type") in ("submit", "button") and named.get("value"):
                self.parts.append(str(named["value"]))
        if tag not in VOID:
            self.stack.append((tag, data or hidden))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID and self.stack and self.stack[-1][0] == tag:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        if not self._skipping() and data.strip():
            self.parts.append(data.strip())


def visible_text(html: str, *, skip_data: bool = False) -> str:
    """The page's text, one piece a line; ``skip_data`` leaves out elements marked with
    ``lang`` or ``translate="no"`` (data in a language of its own)."""
    parser = _Text(skip_data=skip_data)
    parser.feed(html)
    return "\n".join(parser.parts)
