"""No localised number inside an HTML attribute, on any page, in either language.

``1600`` renders as ``1.600`` (vi) or ``1,600`` (en) in text, which is right, but an
attribute such as ``<img width>`` then means 1 pixel. During this test every number that
Django localises is wrapped in markers, so a localised number of any size (a primary key of
7 as much as a width of 1600) is found wherever it lands.
"""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import pytest
from django.utils import formats

from core.tests.pages import pages

MARK = "\u2063"  # invisible separator: never typed by anyone
# Attributes that carry words for people, where a localised number is right.
TEXT_ATTRIBUTES = {"alt", "title", "aria-label", "placeholder", "aria-description"}


class _Attributes(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        for key, value in attrs:
            if not value or MARK not in value or key in TEXT_ATTRIBUTES:
                continue
            if (
                tag == "meta"
                and key == "content"
                and "description" in ((named.get("name") or "") + (named.get("property") or ""))
            ):
                continue
            self.found.append(f"<{tag} {key}={value.replace(MARK, '|')!r}>")

    handle_startendtag = handle_starttag


def localised_numbers_in_attributes(html: str) -> list[str]:
    parser = _Attributes()
    parser.feed(html)
    return parser.found


@pytest.fixture
def marked_numbers(monkeypatch: pytest.MonkeyPatch) -> None:
    original = formats.number_format

    def marked(value: Any, *args: Any, **kwargs: Any) -> str:
        return MARK + original(value, *args, **kwargs) + MARK

    monkeypatch.setattr(formats, "number_format", marked)


@pytest.mark.slow
@pytest.mark.parametrize("language", ["vi", "en"])
def test_no_localised_number_in_an_attribute(
    world: Any, marked_numbers: None, language: str
) -> None:
    from hub.tests.factories import item_of

    item_of(world, "b")  # a published item with an image, and its page
    problems = {}
    seen = 0
    for name, url, html in pages(world, language=language):
        seen += 1
        found = localised_numbers_in_attributes(html)
        if found:
            problems[f"{name} {url}"] = found[:3]
    assert seen > 20
    assert not problems, problems


def test_the_check_sees_a_localised_width() -> None:
    html = f'<img src="a.jpg" width="{MARK}1.600{MARK}" alt="Ảnh {MARK}1.600{MARK} px">'
    assert localised_numbers_in_attributes(html) == ["<img width='|1.600|'>"]
