"""Tests for reports.periods."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reports.periods import Period, PeriodError, parse_period

D = date


@pytest.mark.parametrize(
    ("code", "convention", "start", "end", "kind", "norm", "label_vi", "label_en"),
    [
        (
            "2026-07",
            "calendar",
            D(2026, 7, 1),
            D(2026, 7, 31),
            "month",
            "2026-07",
            "tháng 7 năm 2026",
            "July 2026",
        ),
        (
            "2026-7",
            "calendar",
            D(2026, 7, 1),
            D(2026, 7, 31),
            "month",
            "2026-07",
            "tháng 7 năm 2026",
            "July 2026",
        ),
        (
            "2024-02",
            "calendar",
            D(2024, 2, 1),
            D(2024, 2, 29),
            "month",
            "2024-02",
            "tháng 2 năm 2024",
            "February 2024",
        ),
        (
            "2026-Q3",
            "calendar",
            D(2026, 7, 1),
            D(2026, 9, 30),
            "quarter",
            "2026-Q3",
            "quý III năm 2026",
            "Q3 2026",
        ),
        (
            " 2026-q4 ",
            "calendar",
            D(2026, 10, 1),
            D(2026, 12, 31),
            "quarter",
            "2026-Q4",
            "quý IV năm 2026",
            "Q4 2026",
        ),
        (
            "2026-H1",
            "calendar",
            D(2026, 1, 1),
            D(2026, 6, 30),
            "half",
            "2026-H1",
            "6 tháng đầu năm 2026",
            "first half of 2026",
        ),
        (
            "2026-H2",
            "calendar",
            D(2026, 7, 1),
            D(2026, 12, 31),
            "half",
            "2026-H2",
            "6 tháng cuối năm 2026",
            "second half of 2026",
        ),
        (
            "2026-9M",
            "calendar",
            D(2026, 1, 1),
            D(2026, 9, 30),
            "nine_months",
            "2026-9M",
            "9 tháng năm 2026",
            "first nine months of 2026",
        ),
        ("2026", "calendar", D(2026, 1, 1), D(2026, 12, 31), "year", "2026", "năm 2026", "2026"),
        (
            "2026-01-01:2026-03-31",
            "calendar",
            D(2026, 1, 1),
            D(2026, 3, 31),
            "range",
            "2026-01-01:2026-03-31",
            "từ 01/01/2026 đến 31/03/2026",
            "from 01/01/2026 to 31/03/2026",
        ),
        # Decree 09/2019/NĐ-CP administrative periods
        (
            "2026-H1",
            "administrative",
            D(2025, 12, 15),
            D(2026, 6, 14),
            "half",
            "2026-H1",
            "6 tháng đầu năm 2026",
            "first half of 2026",
        ),
        (
            "2026-H2",
            "administrative",
            D(2026, 6, 15),
            D(2026, 12, 14),
            "half",
            "2026-H2",
            "6 tháng cuối năm 2026",
            "second half of 2026",
        ),
        (
            "2026-07",
            "administrative",
            D(2026, 6, 15),
            D(2026, 7, 14),
            "month",
            "2026-07",
            "tháng 7 năm 2026",
            "July 2026",
        ),
        (
            "2026-01",
            "administrative",
            D(2025, 12, 15),
            D(2026, 1, 14),
            "month",
            "2026-01",
            "tháng 1 năm 2026",
            "January 2026",
        ),
        (
            "2026",
            "administrative",
            D(2025, 12, 15),
            D(2026, 12, 14),
            "year",
            "2026",
            "năm 2026",
            "2026",
        ),
        (
            "2026-Q3",
            "administrative",
            D(2026, 6, 15),
            D(2026, 9, 14),
            "quarter",
            "2026-Q3",
            "quý III năm 2026",
            "Q3 2026",
        ),
        (
            "2026-Q1",
            "administrative",
            D(2025, 12, 15),
            D(2026, 3, 14),
            "quarter",
            "2026-Q1",
            "quý I năm 2026",
            "Q1 2026",
        ),
        (
            "2026-9M",
            "administrative",
            D(2025, 12, 15),
            D(2026, 9, 14),
            "nine_months",
            "2026-9M",
            "9 tháng năm 2026",
            "first nine months of 2026",
        ),
        # a range ignores the convention
        (
            "2026-01-01:2026-03-31",
            "administrative",
            D(2026, 1, 1),
            D(2026, 3, 31),
            "range",
            "2026-01-01:2026-03-31",
            "từ 01/01/2026 đến 31/03/2026",
            "from 01/01/2026 to 31/03/2026",
        ),
    ],
)
def test_parse_every_form(
    code: str,
    convention: str,
    start: date,
    end: date,
    kind: str,
    norm: str,
    label_vi: str,
    label_en: str,
) -> None:
    p = parse_period(code, convention)
    assert (p.start, p.end, p.kind, p.convention, p.code) == (start, end, kind, convention, norm)
    assert p.label_vi() == label_vi
    assert p.label_en() == label_en
    assert parse_period(p.code, convention) == p  # the code round-trips


def test_default_convention_is_calendar() -> None:
    assert parse_period("2026").convention == "calendar"


def test_range_single_day_and_other_separators() -> None:
    p = parse_period("2026-02-28:2026-02-28")
    assert p.start == p.end == D(2026, 2, 28)
    assert parse_period("2026-01-01/2026-01-31").code == "2026-01-01:2026-01-31"


@pytest.mark.parametrize(
    ("code", "convention", "prev_start", "prev_end", "prev_code"),
    [
        ("2026-07", "calendar", D(2025, 7, 1), D(2025, 7, 31), "2025-07"),
        ("2025-02", "calendar", D(2024, 2, 1), D(2024, 2, 29), "2025-02".replace("5", "4", 1)),
        ("2026-Q3", "administrative", D(2025, 6, 15), D(2025, 9, 14), "2025-Q3"),
        ("2026-H1", "administrative", D(2024, 12, 15), D(2025, 6, 14), "2025-H1"),
        ("2026", "calendar", D(2025, 1, 1), D(2025, 12, 31), "2025"),
        ("2026-9M", "calendar", D(2025, 1, 1), D(2025, 9, 30), "2025-9M"),
        # 29 February safe
        (
            "2024-02-29:2024-03-10",
            "calendar",
            D(2023, 2, 28),
            D(2023, 3, 10),
            "2023-02-28:2023-03-10",
        ),
        (
            "2024-01-01:2024-02-29",
            "calendar",
            D(2023, 1, 1),
            D(2023, 2, 28),
            "2023-01-01:2023-02-28",
        ),
    ],
)
def test_previous_year(
    code: str, convention: str, prev_start: date, prev_end: date, prev_code: str
) -> None:
    p = parse_period(code, convention)
    prev = p.previous_year()
    assert (prev.start, prev.end, prev.code) == (prev_start, prev_end, prev_code)
    assert (prev.kind, prev.convention) == (p.kind, p.convention)


def test_previous_year_of_leap_month() -> None:
    prev = parse_period("2024-02").previous_year()
    assert (prev.start, prev.end) == (D(2023, 2, 1), D(2023, 2, 28))


def test_months() -> None:
    assert parse_period("2026-07").months() == [(2026, 7)]
    assert parse_period("2026-Q3").months() == [(2026, 7), (2026, 8), (2026, 9)]
    assert parse_period("2026-07", "administrative").months() == [(2026, 6), (2026, 7)]
    admin_h1 = parse_period("2026-H1", "administrative")
    assert admin_h1.months() == [(2025, 12)] + [(2026, m) for m in range(1, 7)]
    assert admin_h1.nominal_months() == [(2026, m) for m in range(1, 7)]
    assert len(parse_period("2026").months()) == 12
    assert parse_period("2025-11-20:2026-02-03").months() == [
        (2025, 11),
        (2025, 12),
        (2026, 1),
        (2026, 2),
    ]


def test_datetimes_are_aware_vietnam_time() -> None:
    p = parse_period("2026-07")
    start, end = p.start_datetime(), p.end_datetime_exclusive()
    assert start.utcoffset() == timedelta(hours=7)
    assert (start.year, start.month, start.day, start.hour) == (2026, 7, 1, 0)
    assert (end.year, end.month, end.day, end.hour) == (2026, 8, 1, 0)
    assert start.astimezone(UTC) == datetime(2026, 6, 30, 17, tzinfo=UTC)
    assert p.contains(datetime(2026, 7, 31, 16, 59, tzinfo=UTC))
    assert not p.contains(datetime(2026, 7, 31, 17, 0, tzinfo=UTC))
    assert p.contains(D(2026, 7, 31)) and not p.contains(D(2026, 8, 1))
    year_end = parse_period("2026").end_datetime_exclusive()
    assert (year_end.year, year_end.month, year_end.day) == (2027, 1, 1)


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "   ",
        "garbage",
        "2026-13",
        "2026-00",
        "2026-Q0",
        "2026-Q5",
        "2026-H3",
        "2026-H0",
        "2026-10M",
        "1999",
        "2101",
        "1999-07",
        "2026-03-31:2026-01-01",
        "2026-02-30:2026-03-01",
        "2026-01-01:2101-01-01",
        "26-07",
        "2026/07",
        "2026-07-01",
        "2026-Q3; DROP TABLE",
        "x" * 500,
    ],
)
def test_errors(bad: str) -> None:
    with pytest.raises(PeriodError) as info:
        parse_period(bad)
    message = str(info.value)
    assert "Kỳ báo cáo không hợp lệ" in message
    assert "2026-Q3" in message and "2026-H1" in message  # lists the accepted forms
    assert bad.strip()[:20] in message
    assert len(message) < 400
    assert "Accepted forms" in info.value.message_en
    assert isinstance(info.value, ValueError)


def test_bad_convention_and_type() -> None:
    with pytest.raises(PeriodError):
        parse_period("2026", "lunar")
    with pytest.raises(PeriodError):
        parse_period(2026)  # type: ignore[arg-type]


def test_period_is_frozen_and_hashable() -> None:
    p = parse_period("2026-Q1")
    with pytest.raises(AttributeError):
        p.start = D(2000, 1, 1)  # type: ignore[misc]
    assert {p: 1}[parse_period("2026-q1")] == 1


# ---------------------------------------------------------------------------- properties
_codes = st.one_of(
    st.builds(lambda y: f"{y}", st.integers(2000, 2100)),
    st.builds(lambda y, m: f"{y}-{m:02d}", st.integers(2000, 2100), st.integers(1, 12)),
    st.builds(lambda y, q: f"{y}-Q{q}", st.integers(2000, 2100), st.integers(1, 4)),
    st.builds(lambda y, h: f"{y}-H{h}", st.integers(2000, 2100), st.integers(1, 2)),
    st.builds(lambda y: f"{y}-9M", st.integers(2000, 2100)),
    st.builds(
        lambda a, n: f"{a.isoformat()}:{(a + timedelta(days=n)).isoformat()}",
        st.dates(D(2000, 1, 1), D(2098, 1, 1)),  # + 800 days stays within 2100
        st.integers(0, 800),
    ),
)


def _months_between(start: date, end: date) -> list[tuple[int, int]]:
    out = []
    d = start.replace(day=1)
    while d <= end:
        out.append((d.year, d.month))
        d = (d + timedelta(days=32)).replace(day=1)
    return out


@given(_codes, st.sampled_from(["calendar", "administrative"]))
def test_property_start_le_end_and_months_cover(code: str, convention: str) -> None:
    p = parse_period(code, convention)
    assert p.start <= p.end
    months = p.months()
    assert months == _months_between(p.start, p.end)
    assert months[0] == (p.start.year, p.start.month)
    assert months[-1] == (p.end.year, p.end.month)
    assert len(set(months)) == len(months)
    assert p.start_datetime() < p.end_datetime_exclusive()
    assert (p.end_datetime_exclusive() - p.start_datetime()).days == (p.end - p.start).days + 1
    if p.kind != "range":
        nominal = p.nominal_months()
        assert set(nominal) <= set(months)
        if convention == "administrative":
            assert p.start.day == 15 and p.end.day == 14
            # contiguous: each administrative month is the day after the previous one ends
            assert len(months) == len(nominal) + 1
    prev = p.previous_year()
    assert prev.kind == p.kind and prev.start <= prev.end
    assert abs((p.start - prev.start).days - 365) <= 1
    assert isinstance(p, Period)


@given(st.text(max_size=30))
def test_property_garbage_never_crashes(text: str) -> None:
    try:
        p = parse_period(text)
    except PeriodError:
        return
    assert p.start <= p.end


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("07/2026", "2026-07"),
        ("Q3/2026", "2026-Q3"),
        ("quý 3/2026", "2026-Q3"),
        ("Quý III năm 2026", "2026-Q3"),
        ("6 tháng đầu năm 2026", "2026-H1"),
        ("6 tháng cuối năm 2026", "2026-H2"),
        ("9 tháng năm 2026", "2026-9M"),
        ("01/03/2026-30/04/2026", "2026-03-01:2026-04-30"),
        ("từ 01/03/2026 đến 30/04/2026", "2026-03-01:2026-04-30"),
    ],
)
def test_vietnamese_forms_give_the_short_code(text: str, code: str) -> None:
    assert parse_period(text).code == code


def test_a_period_not_begun_is_refused() -> None:
    from datetime import date

    from reports.periods import ensure_begun

    ensure_begun(parse_period("2026-12"), date(2026, 12, 3))  # begun: figures so far
    with pytest.raises(PeriodError, match="chưa bắt đầu"):
        ensure_begun(parse_period("2027"), date(2026, 12, 3))
