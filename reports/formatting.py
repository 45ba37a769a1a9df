"""Vietnamese (vi-VN) formatting helpers shared by the report builders.

Pure functions, no Django. Numbers use "." for thousands and "," for decimals
(1.234.567; 12,5), dates use dd/mm/yyyy in the Asia/Ho_Chi_Minh calendar.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime, timedelta, timezone, tzinfo

__all__ = [
    "DASH",
    "VN_TZ",
    "clean_text",
    "format_change_vi",
    "format_date_vi",
    "format_axis_vi",
    "format_month_vi",
    "month_label_vi",
    "format_number_vi",
    "format_percent_vi",
    "format_place_date_vi",
    "percent_change",
    "to_local_date",
]

DASH = "—"


def _vn_tz() -> tzinfo:
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo("Asia/Ho_Chi_Minh")
    except Exception:  # pragma: no cover - no tz database; Vietnam is UTC+7 without DST
        return timezone(timedelta(hours=7), "ICT")


VN_TZ: tzinfo = _vn_tz()

# Characters that are not allowed in XML 1.0 (python-docx / OOXML would reject them).
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean_text(value: object) -> str:
    """``str(value)`` without the control characters that XML cannot hold; None → ""."""
    if value is None:
        return ""
    return _XML_INVALID.sub("", str(value))


def _group(digits: str) -> str:
    parts = []
    while len(digits) > 3:
        parts.append(digits[-3:])
        digits = digits[:-3]
    parts.append(digits)
    return ".".join(reversed(parts))


def format_number_vi(n: int | float | None, decimals: int | None = None) -> str:
    """Format a number the Vietnamese way.

    >>> format_number_vi(1234567)
    '1.234.567'
    >>> format_number_vi(12.5)
    '12,5'
    >>> format_number_vi(None)
    '—'

    Integers get no decimals. Floats get ``decimals`` places (default 1, with a
    trailing ",0" dropped). None, NaN and infinities give "—".
    """
    if n is None or isinstance(n, bool):
        return DASH
    if isinstance(n, float):
        if not math.isfinite(n):
            return DASH
        places = 1 if decimals is None else decimals
        text = f"{abs(n):.{places}f}"
        whole, _, frac = text.partition(".")
        if decimals is None:
            frac = frac.rstrip("0")
        negative = n < 0 and (set(whole) != {"0"} or frac.strip("0") != "")
        out = _group(whole) + ("," + frac if frac else "")
        return ("-" if negative else "") + out
    value = int(n)
    if decimals:
        return format_number_vi(float(value), decimals)
    return ("-" if value < 0 else "") + _group(str(abs(value)))


def format_percent_vi(ratio: float | None, decimals: int = 1) -> str:
    """A ratio (0.857) as a percentage "85,7%"; None → "—"."""
    if ratio is None or not math.isfinite(ratio):
        return DASH
    return format_number_vi(ratio * 100, decimals) + "%"


def percent_change(current: int | float | None, previous: int | float | None) -> float | None:
    """Relative change in percent, or None if it cannot be computed (missing or previous == 0)."""
    if current is None or previous is None or previous == 0:
        return None
    return (current - previous) / previous * 100


def format_change_vi(change: float | None) -> str:
    """A change in percent with an explicit sign: "+12,3%", "-4,5%", "0%"; None → "—"."""
    if change is None or not math.isfinite(change):
        return DASH
    rounded = round(change, 1)
    if rounded == 0:
        return "0%"
    return ("+" if rounded > 0 else "") + format_number_vi(rounded, 1) + "%"


def to_local_date(value: date | datetime | str) -> date:
    """A date in the Asia/Ho_Chi_Minh calendar from a date, datetime or ISO 8601 string.

    Aware datetimes are converted to Vietnam time first; naive ones are taken as local.
    """
    if isinstance(value, str):
        text = value.strip()
        if len(text) == 10:
            return date.fromisoformat(text)
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(VN_TZ)
        return value.date()
    return value


def format_date_vi(d: date | datetime | str | None) -> str:
    """dd/mm/yyyy (Vietnam calendar); None or "" → "—"."""
    if d is None or d == "":
        return DASH
    return to_local_date(d).strftime("%d/%m/%Y")


def format_month_vi(month: str) -> str:
    """ "2026-03" → "03/2026"."""
    year, _, mon = month.partition("-")
    return f"{int(mon):02d}/{year}" if mon else month


def format_place_date_vi(place: str, d: date | datetime | str) -> str:
    """The place-and-date line of Decree 30/2020/NĐ-CP: "Quảng Ninh, ngày 03 tháng 7 năm 2026".

    Days below 10 and the months 1 and 2 get a leading zero.
    """
    day = to_local_date(d)
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    text = f"ngày {day.day:02d} tháng {month} năm {day.year}"
    place = clean_text(place).strip()
    return f"{place}, {text}" if place else text.capitalize()


def month_label_vi(month: date) -> str:
    """A month's short label: "T1/2026" (a reporting month under Decree 09 is labelled the
    same: T7/2026 = 15/06–14/07/2026)."""
    return f"T{month.month}/{month.year}"


AXIS_UNITS_VI = ((1e9, " tỷ"), (1e6, " triệu"), (1e3, " nghìn"))


def format_axis_vi(value: int | float | None) -> str:
    """A chart axis tick: "500", "5 nghìn", "1,5 triệu", "2 tỷ" (the same words on every
    tick, so an axis never mixes "5.000" with "10 nghìn")."""
    if value is None:
        return DASH
    for size, word in AXIS_UNITS_VI:
        if abs(value) >= size:
            return format_number_vi(float(value) / size) + word
    return format_number_vi(int(value))
