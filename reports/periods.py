"""Reporting periods: parsing, labels and date ranges.

Pure Python, no Django. Two conventions:

* ``calendar``: the natural calendar dates (2026-H1 = 01/01/2026 – 30/06/2026).
* ``administrative``: the statistical reporting period of Decree 09/2019/NĐ-CP, from the 15th
  of the month before the period's first month to the 14th of its last month
  (2026-H1 = 15/12/2025 – 14/06/2026). A date range ("range") ignores the convention.

Accepted codes (case-insensitive, surrounding spaces ignored)::

    2026-07                 month
    2026-Q3                 quarter (Q1..Q4)
    2026-H1, 2026-H2        first / second half-year
    2026-9M                 first nine months
    2026                    year
    2026-01-01:2026-03-31   inclusive date range
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from reports.formatting import VN_TZ

__all__ = [
    "CONVENTIONS",
    "KINDS",
    "MAX_YEAR",
    "MIN_YEAR",
    "Period",
    "PeriodError",
    "ensure_begun",
    "parse_period",
]

MIN_YEAR = 2000
MAX_YEAR = 2100
KINDS = ("month", "quarter", "half", "nine_months", "year", "range")
CONVENTIONS = ("calendar", "administrative")

_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
_MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

ACCEPTED_FORMS_VI = (
    "2026-07 hoặc 07/2026 (tháng), 2026-Q3, Q3/2026 hoặc quý 3/2026 (quý), 2026-H1 hoặc "
    "6 tháng đầu năm 2026 (6 tháng), 2026-9M (9 tháng), 2026 (năm), 2026-01-01:2026-03-31 "
    "hoặc 01/01/2026-31/03/2026 (từ ngày đến ngày); năm từ 2000 đến 2100"
)
ACCEPTED_FORMS_EN = (
    "2026-07 or 07/2026 (month), 2026-Q3, Q3/2026 or quý 3/2026 (quarter), 2026-H1 or "
    "6 tháng đầu năm 2026 (half-year), "
    "2026-9M (nine months), 2026 (year), 2026-01-01:2026-03-31 (date range); "
    "years 2000 to 2100"
)


class PeriodError(ValueError):
    """A period code or convention that cannot be understood.

    ``str(err)`` is a Vietnamese, user-facing message naming the bad input and listing the
    accepted forms; ``err.message_en`` is the English equivalent, ``err.value`` the input.
    """

    def __init__(self, value: object, reason_vi: str = "", reason_en: str = "") -> None:
        shown = str(value)
        if len(shown) > 40:
            shown = shown[:40] + "…"
        self.value = value
        self.reason_vi = reason_vi
        self.reason_en = reason_en
        detail_vi = f" ({reason_vi})" if reason_vi else ""
        detail_en = f" ({reason_en})" if reason_en else ""
        self.message_vi = (
            f"Kỳ báo cáo không hợp lệ: “{shown}”{detail_vi}. "
            f"Các dạng được chấp nhận: {ACCEPTED_FORMS_VI}."
        )
        self.message_en = (
            f"Invalid reporting period: “{shown}”{detail_en}. Accepted forms: {ACCEPTED_FORMS_EN}."
        )
        super().__init__(self.message_vi)


def by_reporting_month(convention: str, kind: str) -> bool:
    """Whether a period's monthly breakdowns are by Decree 09 reporting month (the
    administrative convention; a date range keeps calendar months)."""
    return convention == "administrative" and kind != "range"


def _month_add(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def _last_day(year: int, month: int) -> int:
    ny, nm = _month_add(year, month, 1)
    return (date(ny, nm, 1) - timedelta(days=1)).day


def _shift_year(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February → 28 February
        return d.replace(year=d.year + years, day=28)


def _fmt(d: date) -> str:
    return d.strftime("%d/%m/%Y")


@dataclass(frozen=True)
class Period:
    """An inclusive range of Vietnam calendar dates plus how it was asked for.

    For every kind but "range", ``year``/``first_month``/``last_month`` give the nominal
    months (e.g. 2026-Q3 → 2026, 7, 9) whatever the convention.
    """

    start: date
    end: date
    kind: str
    convention: str
    code: str

    # -- nominal description -------------------------------------------------------------
    @property
    def year(self) -> int:
        return self._nominal()[0]

    @property
    def first_month(self) -> int:
        return self._nominal()[1]

    @property
    def last_month(self) -> int:
        return self._nominal()[2]

    def _nominal(self) -> tuple[int, int, int]:
        """(year, first month, last month) from the code; ranges use their own dates."""
        if self.kind == "range":
            return self.start.year, self.start.month, self.end.month
        year = int(self.code[:4])
        suffix = self.code[5:]
        if self.kind == "month":
            m = int(suffix)
            return year, m, m
        if self.kind == "quarter":
            q = int(suffix[1])
            return year, 3 * q - 2, 3 * q
        if self.kind == "half":
            return (year, 1, 6) if suffix == "H1" else (year, 7, 12)
        if self.kind == "nine_months":
            return year, 1, 9
        return year, 1, 12

    # -- labels --------------------------------------------------------------------------
    def label_vi(self) -> str:
        y, first, _last = self._nominal()
        if self.kind == "month":
            return f"tháng {first} năm {y}"
        if self.kind == "quarter":
            return f"quý {_ROMAN[(first + 2) // 3]} năm {y}"
        if self.kind == "half":
            return f"6 tháng {'đầu' if first == 1 else 'cuối'} năm {y}"
        if self.kind == "nine_months":
            return f"9 tháng năm {y}"
        if self.kind == "year":
            return f"năm {y}"
        return f"từ {_fmt(self.start)} đến {_fmt(self.end)}"

    def label_en(self) -> str:
        y, first, _last = self._nominal()
        if self.kind == "month":
            return f"{_MONTHS_EN[first - 1]} {y}"
        if self.kind == "quarter":
            return f"Q{(first + 2) // 3} {y}"
        if self.kind == "half":
            return f"{'first' if first == 1 else 'second'} half of {y}"
        if self.kind == "nine_months":
            return f"first nine months of {y}"
        if self.kind == "year":
            return str(y)
        return f"from {_fmt(self.start)} to {_fmt(self.end)}"

    def dates_vi(self) -> str:
        """ "từ 15/12/2025 đến 14/06/2026" – the actual dates, whatever the kind."""
        return f"từ {_fmt(self.start)} đến {_fmt(self.end)}"

    # -- arithmetic ----------------------------------------------------------------------
    def previous_year(self) -> Period:
        """The same period one year earlier (same kind and convention)."""
        if self.kind == "range":
            start = _shift_year(self.start, -1)
            end = _shift_year(self.end, -1)
            return Period(start, end, "range", self.convention, f"{start}:{end}")
        y = self.year - 1
        code = f"{y:04d}{self.code[4:]}"
        start, end = _nominal_dates(y, self.first_month, self.last_month, self.convention)
        return Period(start, end, self.kind, self.convention, code)

    def months(self) -> list[tuple[int, int]]:
        """(year, month) of every calendar month that [start, end] touches, in order.

        With the administrative convention this includes the month before the nominal
        first month (2026-07 administrative → [(2026, 6), (2026, 7)]); see
        :meth:`nominal_months` for the months the period is named after.
        """
        out = []
        y, m = self.start.year, self.start.month
        while (y, m) <= (self.end.year, self.end.month):
            out.append((y, m))
            y, m = _month_add(y, m, 1)
        return out

    def nominal_months(self) -> list[tuple[int, int]]:
        """The months the period is named after (2026-Q3 → Jul, Aug, Sep) in either convention.

        This is the list to use for "one report per unit per month" completeness. For a
        "range" it is the same as :meth:`months`.
        """
        if self.kind == "range":
            return self.months()
        y, first, last = self._nominal()
        return [(y, m) for m in range(first, last + 1)]

    @property
    def by_reporting_month(self) -> bool:
        return by_reporting_month(self.convention, self.kind)

    def start_datetime(self) -> datetime:
        """00:00 of ``start``, Asia/Ho_Chi_Minh (aware)."""
        return datetime.combine(self.start, time.min, tzinfo=VN_TZ)

    def end_datetime_exclusive(self) -> datetime:
        """00:00 of the day after ``end``, Asia/Ho_Chi_Minh (aware)."""
        return datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=VN_TZ)

    def contains(self, value: date | datetime) -> bool:
        """Whether a date (or an aware datetime, taken in Vietnam time) is in the period."""
        if isinstance(value, datetime):
            if value.tzinfo is None:
                raise ValueError("naive datetime")
            return self.start_datetime() <= value < self.end_datetime_exclusive()
        return self.start <= value <= self.end


def _nominal_dates(year: int, first: int, last: int, convention: str) -> tuple[date, date]:
    if convention == "administrative":
        py, pm = _month_add(year, first, -1)
        return date(py, pm, 15), date(year, last, 14)
    return date(year, first, 1), date(year, last, _last_day(year, last))


_YEAR = r"(?P<year>\d{4})"
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("year", re.compile(rf"{_YEAR}")),
    ("month", re.compile(rf"{_YEAR}-(?P<month>\d{{1,2}})")),
    ("quarter", re.compile(rf"{_YEAR}-Q(?P<quarter>\d)")),
    ("half", re.compile(rf"{_YEAR}-H(?P<half>\d)")),
    ("nine_months", re.compile(rf"{_YEAR}-9M")),
)
_RANGE = re.compile(r"(?P<a>\d{4}-\d{2}-\d{2})\s*(?::|/|\.\.)\s*(?P<b>\d{4}-\d{2}-\d{2})")


def _check_year(text: str, year: int) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise PeriodError(
            text,
            f"năm {year} nằm ngoài khoảng {MIN_YEAR}–{MAX_YEAR}",
            f"year {year} is outside {MIN_YEAR}–{MAX_YEAR}",
        )


_ROMAN_Q = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_VI_FORMS: tuple[tuple[re.Pattern[str], str], ...] = (
    # 07/2026, T7/2026, tháng 7/2026, tháng 7 năm 2026
    (re.compile(r"(?:t|tháng\s*)?(?P<m>\d{1,2})\s*(?:/|năm)\s*(?P<y>\d{4})"), "month"),
    # Q3/2026, quý 3/2026, quý III năm 2026
    (
        re.compile(r"(?:q|quý)\s*(?P<q>[1-4]|i{1,3}|iv)\s*(?:/|-|năm)\s*(?P<y>\d{4})"),
        "quarter",
    ),
    # 6 tháng đầu năm 2026, 6 tháng cuối năm 2026
    (re.compile(r"6 tháng (?P<h>đầu|cuối) năm (?P<y>\d{4})"), "half"),
    # 9 tháng năm 2026, 9 tháng đầu năm 2026
    (re.compile(r"9 tháng (?:đầu )?năm (?P<y>\d{4})"), "nine_months"),
    # năm 2026
    (re.compile(r"năm (?P<y>\d{4})"), "year"),
)
_VI_RANGE = re.compile(
    r"(?:từ )?(?P<a>\d{1,2}/\d{1,2}/\d{4})\s*(?:-|–|—|:|đến)\s*(?P<b>\d{1,2}/\d{1,2}/\d{4})"
)


def _vi_day(text: str) -> str:
    d, m, y = (int(x) for x in text.split("/"))
    return f"{y:04d}-{m:02d}-{d:02d}"


def _from_vietnamese(text: str) -> str | None:
    """The short code of a period written the Vietnamese way ("07/2026", "Q3/2026",
    "quý 3/2026", "6 tháng đầu năm 2026", "01/03/2026-30/04/2026"), or None."""
    low = " ".join(text.strip().lower().split())
    if m := _VI_RANGE.fullmatch(low):
        return f"{_vi_day(m['a'])}:{_vi_day(m['b'])}"
    for pattern, kind in _VI_FORMS:
        if not (m := pattern.fullmatch(low)):
            continue
        y = m["y"]
        if kind == "month":
            return f"{y}-{int(m['m']):02d}"
        if kind == "quarter":
            q = m["q"]
            return f"{y}-Q{_ROMAN_Q.get(q, q)}"
        if kind == "half":
            return f"{y}-H{1 if m['h'] == 'đầu' else 2}"
        if kind == "nine_months":
            return f"{y}-9M"
        return y
    return None


def parse_period(text: str, convention: str = "calendar") -> Period:
    """Parse a period code (see the module docstring) into a :class:`Period`.

    Raises :class:`PeriodError` (a ``ValueError``) with a user-facing message.
    """
    if convention not in CONVENTIONS:
        raise PeriodError(
            convention,
            "quy ước kỳ phải là “calendar” hoặc “administrative”",
            "the convention must be “calendar” or “administrative”",
        )
    if not isinstance(text, str):
        raise PeriodError(text, "không phải chuỗi ký tự", "not a string")
    raw = text
    try:
        text = _from_vietnamese(text) or text
    except ValueError as exc:
        raise PeriodError(raw, "ngày không tồn tại", "no such date") from exc
    text = text.strip().upper()
    if not text or len(text) > 40:
        raise PeriodError(raw)

    if m := _RANGE.fullmatch(text):
        try:
            start = date.fromisoformat(m["a"])
            end = date.fromisoformat(m["b"])
        except ValueError as exc:
            raise PeriodError(raw, "ngày không tồn tại", "no such date") from exc
        _check_year(raw, start.year)
        _check_year(raw, end.year)
        if start > end:
            raise PeriodError(
                raw,
                "ngày bắt đầu sau ngày kết thúc",
                "the start date is after the end date",
            )
        return Period(start, end, "range", convention, f"{start.isoformat()}:{end.isoformat()}")

    for kind, pattern in _PATTERNS:
        m = pattern.fullmatch(text)
        if not m:
            continue
        year = int(m["year"])
        _check_year(raw, year)
        if kind == "year":
            first, last, code = 1, 12, f"{year}"
        elif kind == "month":
            month = int(m["month"])
            if not 1 <= month <= 12:
                raise PeriodError(raw, "tháng phải từ 1 đến 12", "the month must be 1 to 12")
            first = last = month
            code = f"{year}-{month:02d}"
        elif kind == "quarter":
            q = int(m["quarter"])
            if not 1 <= q <= 4:
                raise PeriodError(raw, "quý phải từ 1 đến 4", "the quarter must be 1 to 4")
            first, last, code = 3 * q - 2, 3 * q, f"{year}-Q{q}"
        elif kind == "half":
            h = int(m["half"])
            if h not in (1, 2):
                raise PeriodError(raw, "nửa năm phải là H1 hoặc H2", "the half must be H1 or H2")
            first, last, code = (1, 6, f"{year}-H1") if h == 1 else (7, 12, f"{year}-H2")
        else:
            first, last, code = 1, 9, f"{year}-9M"
        start, end = _nominal_dates(year, first, last, convention)
        return Period(start, end, kind, convention, code)

    raise PeriodError(raw)


def ensure_begun(period: Period, today: date) -> None:
    """Refuse a period that has not begun (its figures would all be 0 and its change
    against last year −100 %). A begun period is shown with its figures so far."""
    if period.start > today:
        raise PeriodError(
            period.code,
            f"kỳ báo cáo chưa bắt đầu: bắt đầu từ ngày {_fmt(period.start)}",
            f"the period has not begun: it starts on {_fmt(period.start)}",
        )
