"""One language at a time: the catalogue-completeness test, extended to rendered pages.

Every HTML page of the project (``core.tests.pages``) is rendered in Vietnamese and in
English. The interface's words must all be in the chosen language; the data (a unit's name,
an item's title, a channel's URL) stays as it was written. So before looking:
- text inside an element marked with ``lang`` or ``translate="no"`` is left out (the
  language switch says "English" in English on purpose);
- every text value stored in the test database (the data the pages show) is taken out.
Then the English page must contain no Vietnamese letter, and the Vietnamese page none of
the common English interface words below.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.apps import apps
from django.db import models
from django.utils import translation

from core.tests.pages import pages
from core.tests.visible import visible_text

# Letters that only Vietnamese uses among the two languages (tones and đ, ă, â, ê, ô, ơ, ư).
VIETNAMESE = re.compile(
    "[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]",
    re.IGNORECASE,
)
ENGLISH_UI_WORDS = (
    "Save",
    "Cancel",
    "Search",
    "Next",
    "Previous",
    "Download",
    "Upload",
    "Status",
    "Submit",
    "Delete",
    "Edit",
    "Sign in",
    "Log in",
    "Log out",
    "Password",
    "Username",
    "Required",
    "This field",
    "Choose",
    "Home",
    "Back",
    "Filter",
    "Page",
    "Skip to",
)
ENGLISH = re.compile(r"\b(?:" + "|".join(re.escape(w) for w in ENGLISH_UI_WORDS) + r")\b")


def stored_text() -> list[str]:
    """Every text value in the database, longest first (so a name is taken out whole)."""
    values: set[str] = set()
    for model in apps.get_models():
        fields = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, (models.CharField, models.TextField))
        ]
        if not fields:
            continue
        for row in model._default_manager.values_list(*fields):
            for value in row:
                if isinstance(value, str) and len(value.strip()) > 2:
                    values.add(value.strip())
                    values.update(line.strip() for line in value.splitlines() if line.strip())
    return sorted(values, key=len, reverse=True)


# Proper names written in the interface's own strings (an example in a help text).
PROPER_NAMES = {"minh", "châu", "quảng", "ninh", "hạ", "long", "cô", "tô"}


def words_of(values: list[str]) -> set[str]:
    return {w.lower() for v in values for w in re.findall(r"\w+", v)}


def foreign_lines(text: str, language: str, data: list[str]) -> list[str]:
    """Lines of ``text`` in the other language, the data's words and values set aside.

    English: a word with a Vietnamese letter that no stored value contains (markdown splits
    a stored paragraph over several elements, so data is told apart word by word).
    Vietnamese: an English interface word outside every stored value."""
    found = []
    if language == "en":
        known = words_of(data) | PROPER_NAMES
        for line in text.splitlines():
            words = re.findall(r"\w+", line)
            if any(VIETNAMESE.search(w) and w.lower() not in known for w in words):
                found.append(line)
        return found
    english_data = [v for v in data if ENGLISH.search(v)]
    for line in text.splitlines():
        for value in english_data:
            line = line.replace(value, " ")
        if ENGLISH.search(line):
            found.append(line.strip())
    return found


def _world_with_content(world: Any) -> None:
    from hub.tests.factories import item_of

    item_of(world, "b")
    item_of(world, "province")


@pytest.mark.slow
@pytest.mark.parametrize("language", ["vi", "en"])
def test_every_page_speaks_one_language(world: Any, language: str) -> None:
    _world_with_content(world)
    try:
        rendered = list(pages(world, language=language))
    finally:
        translation.activate("vi")
    # Read after rendering: the routes' builders create the objects their pages show.
    data = stored_text()
    problems: dict[str, list[str]] = {}
    for name, url, html in rendered:
        found = foreign_lines(visible_text(html, skip_data=True), language, data)
        if found:
            problems[f"{name} {url}"] = found[:4]
    assert len(rendered) > 20
    assert not problems, f"{len(problems)} pages mix languages: {problems}"


def test_the_check_sees_a_mixed_page() -> None:
    html = (
        '<html lang="en"><body><h1>Reports</h1><p>Số âm không hợp lệ / negative number</p>'
        '<button lang="vi">Tiếng Việt</button><td>Phường Hạ Long</td></body></html>'
    )
    data = ["Phường Hạ Long", "Save the date"]
    text = visible_text(html, skip_data=True)
    assert foreign_lines(text, "en", data) == ["Số âm không hợp lệ / negative number"]
    vi = (
        '<html lang="vi"><p>Lưu</p><button>Save</button><a lang="en">English</a>'
        "<td>Save the date</td></html>"
    )
    assert foreign_lines(visible_text(vi, skip_data=True), "vi", data) == ["Save"]
