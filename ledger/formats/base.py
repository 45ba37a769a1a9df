"""Shared types and cell helpers for the import parsers (pure Python: no Django).

Everything a format module needs lives here: the ``Row``/``RowError`` records the parsers
yield, ``FileRefused`` (the only exception a parser may raise), ``ParseContext``, header
normalisation and matching (``Columns``), and the number/date/caption helpers.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit
from zoneinfo import ZoneInfo

CONTENT_TYPES = ("article", "photo", "video", "livestream", "other")  # article = news/text/link
PLATFORMS = ("facebook", "instagram", "zalo", "youtube", "tiktok", "website", "other")

CAPTION_MAX = 500
POST_ID_MAX = 128
PERMALINK_MAX = 2000
METRIC_MAX = 9_223_372_036_854_775_807  # PostgreSQL bigint

ExtraValue = str | int | float | None


@dataclass(slots=True)
class Row:
    """One post and its metrics, as read from one line of an export."""

    line: int  # 1-based physical line where the record starts (xlsx: sheet row number)
    platform: str  # one of PLATFORMS
    post_id: str  # the platform's post/video id
    published_at: datetime | None  # timezone-aware
    content_type: str  # one of CONTENT_TYPES
    permalink: str | None
    caption: str  # excerpt, at most CAPTION_MAX characters
    channel_ref: str | None  # Page ID / Instagram Account ID / TikTok handle / template "Kênh"
    channel_name: str | None
    views: int | None = None
    reach: int | None = None
    reactions: int | None = None
    comments: int | None = None
    shares: int | None = None
    clicks: int | None = None
    watch_time_seconds: int | None = None
    extras: dict[str, ExtraValue] = field(default_factory=dict)


@dataclass(slots=True)
class RowError:
    """A data row that could not be imported; ``field`` is the column name as in the file."""

    line: int
    field: str
    message: str


class Text(str):
    """A message in Vietnamese, the source language, that remembers its gettext msgid and
    named values, so that the Django side can show it in the reader's language
    (``ledger.messages.translated``) while the parsers stay free of Django. As a ``str`` it
    reads as the Vietnamese text; it pickles whole.
    """

    msgid: str
    params: dict[str, Any]

    def __new__(cls, msgid: str, **params: Any) -> Text:
        text = super().__new__(cls, msgid % params if params else msgid)
        text.msgid = msgid
        text.params = params
        return text

    def __reduce__(self) -> tuple[Any, ...]:
        return (_text, (self.msgid, self.params))


def _text(msgid: str, params: dict[str, Any]) -> Text:
    return Text(msgid, **params)


def _(msgid: str, **params: Any) -> Text:
    """Mark a message for translation (``makemessages`` collects ``_("…")``), with its
    named values: ``_("Số âm không hợp lệ: %(value)s", value=raw)``."""
    return Text(msgid, **params)


class FileRefused(Exception):  # noqa: N818 - public name fixed by the interface
    """The whole file is refused; ``str(e)`` tells the user what to do.

    ``code`` is a stable machine-readable reason (``empty``, ``encoding``, ``mojibake``,
    ``corrupt``, ``zip``, ``too_big``, ``too_many_rows``, ``unknown_header``,
    ``page_level``, ``ambiguous_dates``, ``missing_column``, ``xls``).
    """

    def __init__(self, message: str, code: str = "refused") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass
class ParseContext:
    """Per-import settings and the parser's running tallies.

    ``rows_read`` counts data rows handed to the parser that are posts (each yields exactly
    one Row or RowError, so ``rows_read == rows + errors``); ``rows_skipped`` counts data
    rows that are not posts (YouTube's ``Total`` line).
    """

    filename: str
    today: date  # the import day (TikTok dates have no year)
    tz: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Ho_Chi_Minh"))
    notes: list[str] = field(default_factory=list)
    # Used by the Bantin template for rows whose "Nền tảng" is empty (or when the column is
    # absent); None means such rows are errors.
    default_platform: str | None = None
    rows_read: int = 0
    rows_skipped: int = 0

    def note(self, text: str) -> None:
        """Append a batch note once."""
        if text not in self.notes:
            self.notes.append(text)


class CellError(ValueError):
    """Raised by the cell helpers; the parser turns it into a RowError for the column."""

    def __str__(self) -> str:
        # The message itself (a ``Text`` keeps its msgid), not a copy of its characters.
        return self.args[0] if self.args and isinstance(self.args[0], str) else super().__str__()


# --------------------------------------------------------------------------- headers

_SPACES = re.compile(r"\s+")
_SLASH_SPACES = re.compile(r"\s*/\s*")
_INVISIBLE = dict.fromkeys(map(ord, "\ufeff\u200b\u200c\u200d\u2060"), None)


def norm_header(text: str) -> str:
    """Case- and space-insensitive key for a header cell (accents are kept)."""
    text = unicodedata.normalize("NFC", text).translate(_INVISIBLE)
    text = text.replace("\u00a0", " ").strip().strip("*").strip()
    text = _SLASH_SPACES.sub("/", text)
    return _SPACES.sub(" ", text).lower()


class Columns:
    """Finds columns by name. ``aliases`` maps a canonical key to accepted header names."""

    def __init__(self, header: Sequence[str], aliases: Mapping[str, Iterable[str]]) -> None:
        self.header = list(header)
        normed = [norm_header(h) for h in header]
        first: dict[str, int] = {}
        for i, name in enumerate(normed):
            first.setdefault(name, i)
        self.index: dict[str, int] = {}
        for key, names in aliases.items():
            for alias in names:
                found = first.get(norm_header(alias))
                if found is not None and found not in self.index.values():
                    self.index[key] = found
                    break

    def has(self, key: str) -> bool:
        return key in self.index

    def label(self, key: str) -> str:
        i = self.index.get(key)
        return self.header[i].strip() if i is not None else key

    def get(self, cells: Sequence[str], key: str) -> str:
        i = self.index.get(key)
        if i is None or i >= len(cells):
            return ""
        return cells[i]


def extras_plan(
    cols: Columns, keep_as_extra: Mapping[str, str], extra_aliases: Mapping[str, Iterable[str]]
) -> list[tuple[int, str]]:
    """(index, extras key) for every column that is not a mapped field.

    ``keep_as_extra`` maps mapped keys that are *also* stored in extras to their extras key
    (e.g. Impressions). ``extra_aliases`` gives canonical extras keys for known columns; an
    unknown column is kept under its header as written in the file. Keys mapped to ``""``
    are dropped (e.g. Meta's ``Date`` = "Lifetime").
    """
    canon: dict[str, str] = {}
    for key, names in extra_aliases.items():
        for alias in names:
            canon.setdefault(norm_header(alias), key)
    mapped = {i: k for k, i in cols.index.items()}
    plan: list[tuple[int, str]] = []
    seen: set[str] = set()
    for i, head in enumerate(cols.header):
        if not head.strip():
            continue
        if i in mapped:
            kept = keep_as_extra.get(mapped[i])
            if kept is None:
                continue
            key = kept
        else:
            key = canon.get(norm_header(head), head.strip())
        if key and key not in seen:
            seen.add(key)
            plan.append((i, key))
    return plan


# --------------------------------------------------------------------------- numbers

BLANKS = frozenset({"", "undefined", "n/a", "na", "-", "--", "—", "null", "none", "nan"})
_GROUPED = re.compile(r"[+-]?[0-9]{1,3}([.,  '])[0-9]{3}(?:\1[0-9]{3})*")
_MIXED = re.compile(r"[+-]?[0-9]{1,3}(?:([.,  '])[0-9]{3})*([.,])[0-9]+")
_PLAIN = re.compile(r"[+-]?[0-9]+(?:[.,][0-9]+)?")
_SCI = re.compile(r"[+-]?[0-9]+(?:[.,][0-9]+)?[eE][+-]?[0-9]{1,3}")
_SIMPLE_ID = re.compile(r"[0-9A-Za-z][0-9A-Za-z_:-]{0,127}")
_WHITESPACE = re.compile(r"\s")
_DIGIT = re.compile(r"[0-9]")


def is_blank(raw: str) -> bool:
    return raw.strip().lower() in BLANKS


def _as_kind(value: float, raw: str, *, integer: bool) -> int | float:
    """``value`` as an int for counts (refusing a fraction), as a float otherwise."""
    if not integer:
        return float(value)
    if not float(value).is_integer():
        raise CellError(_("Không phải số nguyên: %(value)s", value=repr(raw)))
    return int(value)


def _scientific(text: str, raw: str) -> float:
    """Excel's "1,2E+05": a finite float, or CellError."""
    if not _SCI.fullmatch(text):
        raise CellError(_("Không phải số: %(value)s", value=repr(raw[:60])))
    value = float(text.replace(",", "."))
    if value != value or value in (float("inf"), float("-inf")):
        raise CellError(_("Không phải số: %(value)s", value=repr(raw)))
    return value


def parse_number(raw: str, *, decimal: str | None, integer: bool) -> int | float | None:
    """Parse a number as written by the platform or by Excel; blank → None.

    Thousands separators ("1,234", "1.234", "1 234") are accepted. A single separator
    followed by exactly three digits is a thousands separator for counts, and for
    non-integer fields unless it is the file's decimal separator (``decimal``: "." for
    comma-separated files, "," for semicolon-separated ones, None when unknown).
    """
    text = raw.strip().replace("\u00a0", "").replace("\u202f", "")
    if text.lower() in BLANKS:
        return None
    if text.endswith("%"):
        text = text[:-1].rstrip()
    if len(text) > 40:
        raise CellError(_("Số quá dài: %(value)s…", value=repr(raw[:40])))
    m = _GROUPED.fullmatch(text)
    if m and (integer or text.count(m.group(1)) > 1 or m.group(1) not in (decimal or ".,")):
        return _as_kind(int(text.replace(m.group(1), "")), raw, integer=integer)
    m2 = _MIXED.fullmatch(text)
    if m2 and m2.group(1) and m2.group(1) != m2.group(2):
        text = text.replace(m2.group(1), "")
    elif not _PLAIN.fullmatch(text):
        return _as_kind(_scientific(text, raw), raw, integer=integer)
    text = text.replace(",", ".")
    if "." not in text:
        return _as_kind(int(text), raw, integer=integer)
    return _as_kind(float(text), raw, integer=integer)


def parse_metric(raw: str, decimal: str | None) -> int | None:
    """A count: blank → None; negative, fractional or absurd → CellError."""
    if raw.isascii() and raw.isdigit() and len(raw) < 19:  # fast path
        return int(raw)
    value = parse_number(raw, decimal=decimal, integer=True)
    if value is None:
        return None
    if value < 0:
        raise CellError(_("Số âm không hợp lệ: %(value)s", value=repr(raw.strip())))
    if value > METRIC_MAX:
        raise CellError(_("Số quá lớn: %(value)s", value=repr(raw.strip()[:30])))
    return int(value)


def parse_seconds(raw: str, decimal: str | None, *, factor: float = 1.0) -> int | None:
    """A duration in seconds (or hours with ``factor=3600``), rounded; blank → None."""
    value = parse_number(raw, decimal=decimal, integer=False)
    if value is None:
        return None
    if value < 0:
        raise CellError(_("Số âm không hợp lệ: %(value)s", value=repr(raw.strip())))
    seconds = value * factor
    if seconds > METRIC_MAX:
        raise CellError(_("Số quá lớn: %(value)s", value=repr(raw.strip()[:30])))
    return round(seconds)


_HMS = re.compile(r"(?:(\d+):)?(\d{1,2}):(\d{2})")


def extra_value(raw: str, decimal: str | None) -> ExtraValue:
    """A cell kept in extras: a number when it reads as one, else the text (blank → None)."""
    if not raw:
        return None
    text = raw.strip()
    if text.isascii() and text.isdigit() and len(text) < 16:
        return int(text)
    if text.lower() in BLANKS:
        return None
    if len(text) <= 40 and _DIGIT.search(text) and not _HMS.fullmatch(text):
        try:
            number = parse_number(text, decimal=decimal, integer=False)
        except CellError:
            pass
        else:
            if number is not None and abs(number) < 1e15:
                if isinstance(number, int) or (number.is_integer() and "." not in text):
                    return int(number)
                return number
    return excerpt(text, 1000)


def hms_seconds(raw: str) -> int | None:
    """'0:04:04' → 244."""
    m = _HMS.fullmatch(raw.strip())
    if not m:
        return None
    return int(m.group(1) or 0) * 3600 + int(m.group(2)) * 60 + int(m.group(3))


# --------------------------------------------------------------------------- text


def excerpt(text: str, limit: int = CAPTION_MAX) -> str:
    """Whitespace collapsed, cut to ``limit`` characters with an ellipsis."""
    # Already collapsed (most captions): no whitespace but single inner spaces; every
    # other whitespace character, NBSP included, is not printable.
    if not (text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " "):
        text = " ".join(text.split())
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text


def clean_permalink(raw: str) -> str | None:
    text = raw.strip()
    if not text.lower().startswith(("http://", "https://")) or len(text) > PERMALINK_MAX:
        return None
    if _WHITESPACE.search(text):
        return None
    return text


_TRACKING = re.compile(r"^(utm_.*|fbclid|gclid|igsh|igshid|si|feature|_rdr|mibextid|__.*)$")


def normalise_url(url: str) -> str:
    """Stable form of a link for deriving ids: lower host, no www/m., no tracking, no #."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    for prefix in ("www.", "m.", "mobile.", "web."):
        if host.startswith(prefix):
            host = host[len(prefix) :]
    query = sorted((k, v) for k, v in parse_qsl(parts.query) if not _TRACKING.match(k))
    path = parts.path.rstrip("/") or "/"
    return urlunsplit(("https", host, path, urlencode(query), ""))


def stable_id(url: str) -> str:
    return "sha1:" + hashlib.sha1(normalise_url(url).encode(), usedforsecurity=False).hexdigest()


def check_post_id(raw: str) -> str:
    """Trimmed id; empty, Excel-rounded (1.23E+17) or absurd ids are CellError."""
    text = raw.strip()
    if _SIMPLE_ID.fullmatch(text):
        return text
    if not text or text.lower() in BLANKS:
        raise CellError(_("Thiếu mã bài viết"))
    if _SCI.fullmatch(text):
        raise CellError(
            _(
                "Mã bài viết bị Excel làm tròn (%(value)s); hãy xuất lại file từ nền tảng, "
                "không mở bằng Excel",
                value=text,
            )
        )
    if len(text) > POST_ID_MAX or _WHITESPACE.search(text):
        raise CellError(_("Mã bài viết không hợp lệ: %(value)s", value=repr(text[:40])))
    return text


is_simple_id = _SIMPLE_ID.fullmatch  # an id that needs no further checks (check_post_id)


MISSING = object()  # a cache miss (None is a value)


class ExtraReader(dict[str, ExtraValue]):
    """``extra_value`` for one file, memoised for repeated cells ("No", "vi", "0", …): a
    dict that computes a cell it lacks (kept while it holds fewer than ``LIMIT``), so a
    hit (``map(reader.__getitem__, cells)`` for a row) is one C call, no Python frame."""

    __slots__ = ("decimal",)

    LIMIT = 8192

    def __init__(self, decimal: str | None) -> None:
        super().__init__()
        self.decimal = decimal

    def __missing__(self, raw: str) -> ExtraValue:
        if raw.isdigit() and raw.isascii() and len(raw) < 16:
            value: ExtraValue = int(raw)
        else:
            value = extra_value(raw, self.decimal)
        if len(self) < self.LIMIT:
            self[raw] = value
        return value

    __call__ = dict.__getitem__
