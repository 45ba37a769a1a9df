"""Dates and times in the exports: ISO and slashed dates (the day/month order decided by
the caller), Meta's fixed ``MM/DD/YYYY HH:MM`` fast path, and month names in English and
Vietnamese (pure Python: no Django)."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

from .base import BLANKS, CellError, _

_ISO = re.compile(
    r"(\d{4})-(\d{1,2})-(\d{1,2})"
    r"(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?"
)
_SLASHED = re.compile(
    r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})"
    r"(?:[ T,]+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*(AM|PM|SA|CH)?)?",
    re.IGNORECASE,
)


def slashed_fields(raw: str) -> tuple[int, int, int] | None:
    """(first, second, year) of a '01/02/2026 ...' date, else None."""
    m = _SLASHED.fullmatch(raw.strip())
    if not m:
        return None
    return int(m.group(1)), int(m.group(2)), int(m.group(3))


def is_iso_date(raw: str) -> bool:
    return _ISO.fullmatch(raw.strip()) is not None


# A publication year outside these is a placeholder or a typo (no platform is older than
# 2000); the same bounds as report periods.
MIN_YEAR, MAX_YEAR = 2000, 2100


def _check_year(year: int, raw: str) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise CellError(
            _(
                "Năm %(year)s nằm ngoài khoảng %(low)s–%(high)s: %(value)s",
                year=year,
                low=MIN_YEAR,
                high=MAX_YEAR,
                value=repr(raw.strip()[:40]),
            )
        )


def _aware(y: int, mo: int, d: int, h: int, mi: int, s: int, tz: tzinfo, raw: str) -> datetime:
    _check_year(y, raw)
    try:
        return datetime(y, mo, d, h, mi, s, tzinfo=tz)
    except ValueError:
        raise CellError(_("Ngày không hợp lệ: %(value)s", value=repr(raw.strip()[:40]))) from None


def parse_datetime(raw: str, order: str, tz: tzinfo) -> datetime | None:
    """ISO or slashed date(-time); ``order`` is 'mdy' or 'dmy' for slashed dates.

    Naive values are in ``tz``; blank → None; anything else → CellError.
    """
    text = raw.strip()
    if text.lower() in BLANKS:
        return None
    m = _ISO.fullmatch(text)
    if m:
        y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
        h, mi, s = int(m.group(4) or 0), int(m.group(5) or 0), int(m.group(6) or 0)
        zone: tzinfo = tz
        if m.group(7):
            z = m.group(7)
            if z == "Z":
                zone = ZoneInfo("UTC")
            else:
                sign = -1 if z[0] == "-" else 1
                hh, mm = int(z[1:3]), int(z[-2:])
                zone = timezone(sign * timedelta(hours=hh, minutes=mm))
        return _aware(y, mo, d, h, mi, s, zone, raw)
    m = _SLASHED.fullmatch(text)
    if m:
        a, b, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
        mo, d = (a, b) if order == "mdy" else (b, a)
        h, mi, s = int(m.group(4) or 0), int(m.group(5) or 0), int(m.group(6) or 0)
        ampm = (m.group(7) or "").upper()
        if ampm:
            if not 1 <= h <= 12:
                raise CellError(_("Giờ không hợp lệ: %(value)s", value=repr(text[:40])))
            h = h % 12 + (12 if ampm in ("PM", "CH") else 0)
        return _aware(y, mo, d, h, mi, s, tz, raw)
    raise CellError(_("Không đọc được ngày: %(value)s", value=repr(text[:40])))


_FIXED_SLASHED = re.compile(r"[0-9]{2}/[0-9]{2}/[0-9]{4} [0-9]{2}:[0-9]{2}")
is_fixed_slashed = _FIXED_SLASHED.fullmatch  # Meta's own 'MM/DD/YYYY HH:MM'


# "HH:MM" → the time of day, for every valid minute.
_CLOCK = {f"{h:02d}:{m:02d}": timedelta(hours=h, minutes=m) for h in range(24) for m in range(60)}


class DatetimeReader:
    """``parse_datetime`` for one column of one file, with a fast path for the fixed
    ``NN/NN/YYYY HH:MM`` shape of Meta's own export: each day's midnight is made once, and
    a row's time is that midnight plus its minute of the day (an aware datetime plus a
    timedelta is the same wall-clock time in the same zone, as ``datetime(...)`` makes it).

    Returns exactly what ``parse_datetime(raw, order, tz)`` returns (or raises).
    """

    __slots__ = ("days", "order", "tz")

    def __init__(self, order: str, tz: tzinfo) -> None:
        self.order = order
        self.tz = tz
        self.days: dict[str, datetime] = {}  # valid days only

    def __call__(self, raw: str) -> datetime | None:
        if len(raw) == 16 and raw[10] == " ":
            clock = _CLOCK.get(raw[11:16])
            if clock is not None:
                midnight = self.days.get(raw[:10])
                if midnight is None:
                    midnight = self._day(raw)
                if midnight is not None:
                    return midnight + clock
        return parse_datetime(raw, self.order, self.tz)

    def _day(self, raw: str) -> datetime | None:
        """The midnight of ``raw``'s day when it is a valid ``NN/NN/YYYY`` (then kept);
        None sends ``raw`` to the general path, which reads or words the error."""
        if not _FIXED_SLASHED.fullmatch(raw):
            return None
        a, b, year = int(raw[0:2]), int(raw[3:5]), int(raw[6:10])
        month, dom = (a, b) if self.order == "mdy" else (b, a)
        if not MIN_YEAR <= year <= MAX_YEAR:
            return None
        try:
            midnight = datetime(year, month, dom, tzinfo=self.tz)
        except ValueError:
            return None
        if len(self.days) < 100_000:
            self.days[raw[:10]] = midnight
        return midnight


EN_MONTHS = {
    name: i
    for i, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
VI_MONTHS = {
    "một": 1,
    "giêng": 1,
    "hai": 2,
    "ba": 3,
    "tư": 4,
    "bốn": 4,
    "năm": 5,
    "sáu": 6,
    "bảy": 7,
    "tám": 8,
    "chín": 9,
    "mười": 10,
    "mười một": 11,
    "mười hai": 12,
    "chạp": 12,
}


def month_number(word: str) -> int | None:
    """'Feb', 'March', 'Tám', 'Mười Một', '8' → month number."""
    key = " ".join(unicodedata.normalize("NFC", word).lower().strip(" .,").split())
    if key.isascii() and key.isdigit():
        n = int(key)
        return n if 1 <= n <= 12 else None
    return EN_MONTHS.get(key) or VI_MONTHS.get(key)


def latest_year(month: int, day: int, today: date) -> int:
    """The year of the latest (month, day) not after ``today`` (handles 29 February)."""
    for year in range(today.year, today.year - 9, -1):
        try:
            if date(year, month, day) <= today:
                return year
        except ValueError:
            continue
    raise CellError(_("Ngày không hợp lệ: %(value)s", value=f"{day}/{month}"))


def midnight(d: date, tz: tzinfo) -> datetime:
    _check_year(d.year, d.isoformat())
    return datetime(d.year, d.month, d.day, tzinfo=tz)
