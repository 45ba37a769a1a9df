"""Folding text for diacritics-insensitive search ("Cô Tô", "co to" and "CÔ TÔ" match)."""

from __future__ import annotations

import unicodedata

_EXTRA = str.maketrans({"đ": "d", "Đ": "d", "ð": "d"})


def fold(text: str) -> str:
    """Lower-case, strip accents (đ→d), collapse whitespace."""
    text = unicodedata.normalize("NFKD", (text or "").translate(_EXTRA)).casefold()
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(text.split())
