"""English is the second language: the catalogue is complete and compiled."""

from __future__ import annotations

import ast
import gettext
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# The project catalogue (core, units, accounts) and one per feature app (<app>/locale/).
CATALOGUES = sorted(
    p for p in ROOT.glob("*/locale/en/LC_MESSAGES/django.po") if ".venv" not in p.parts
) + [ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"]


def parse_po(text: str) -> list[tuple[str, str, bool]]:
    """(msgid, msgstr, fuzzy) for each entry; enough of the PO grammar for our catalogue."""
    entries = []
    for block in re.split(r"\n\s*\n", text):
        fuzzy = "#, fuzzy" in block or ", fuzzy" in block
        parts: dict[str, list[str]] = {}
        current = None
        for line in block.splitlines():
            m = re.match(r'^(msgid|msgid_plural|msgstr(?:\[\d\])?|msgctxt) (".*")$', line)
            if m:
                current = m.group(1)
                parts[current] = [ast.literal_eval(m.group(2))]
            elif line.startswith('"') and current:
                parts[current].append(ast.literal_eval(line))
        if "msgid" in parts:
            msgstr = "".join(parts.get("msgstr", parts.get("msgstr[0]", [""])))
            msgid = "".join(parts["msgid"])
            if "msgid_plural" in parts:
                msgid = msgid + "\x00" + "".join(parts["msgid_plural"])
            entries.append((msgid, msgstr, fuzzy))
    return entries


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_string_has_an_english_translation(po: Path) -> None:
    entries = [e for e in parse_po(po.read_text(encoding="utf-8")) if e[0]]
    assert entries
    untranslated = [msgid for msgid, msgstr, fuzzy in entries if not msgstr or fuzzy]
    assert not untranslated, f"translate these in {po} (make messages): {untranslated[:20]}"


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_compiled_catalogue_is_up_to_date(po: Path) -> None:
    with open(po.with_suffix(".mo"), "rb") as fh:
        catalogue = gettext.GNUTranslations(fh)
    for msgid, msgstr, _fuzzy in parse_po(po.read_text(encoding="utf-8")):
        if not msgid:
            continue
        if "\x00" in msgid:
            singular, plural = msgid.split("\x00")
            assert catalogue.ngettext(singular, plural, 1) == msgstr, f"recompile: {singular!r}"
        else:
            assert catalogue.gettext(msgid) == msgstr, f"recompile the .mo: {msgid!r}"
