"""The parsers' fast paths give exactly what the general helpers give (or raise)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from ledger.formats.base import (
    CellError,
    DatetimeReader,
    ExtraReader,
    extra_value,
    parse_datetime,
)

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
DATES = [
    "03/04/2025 07:05",
    "12/31/2025 23:59",
    "13/04/2025 07:05",  # mdy: month 13
    "02/30/2025 10:00",  # no such day
    "03/04/2025 24:00",  # no such hour
    "03/04/2025 07:60",
    " 03/04/2025 07:05",
    "03/04/2025 7:05",
    "3/4/2025 07:05 PM",
    "2025-04-03 07:05",
    "",
    "undefined",
    "03/04/2025 07:05x",
    "٠٣/04/2025 07:05",  # Arabic-Indic digits go to the general path
]


@pytest.mark.parametrize("order", ["mdy", "dmy"])
@pytest.mark.parametrize("raw", DATES)
def test_datetime_reader_matches_parse_datetime(raw: str, order: str) -> None:
    reader = DatetimeReader(order, TZ)
    try:
        expected = parse_datetime(raw, order, TZ)
    except CellError as exc:
        with pytest.raises(CellError, match=str(exc)[:20]):
            reader(raw)
        with pytest.raises(CellError):
            reader(raw)  # the cached day part does not change the outcome
        return
    assert reader(raw) == expected
    assert reader(raw) == expected


EXTRAS = ["0", "12", "No", "vi", "1,234", "1.5", "0:04:04", "  7 ", "n/a", "x" * 1200, "٣"]


@pytest.mark.parametrize("decimal", [".", ",", None])
def test_extra_reader_matches_extra_value(decimal: str | None) -> None:
    reader = ExtraReader(decimal)
    for _ in range(2):
        for raw in EXTRAS:
            assert reader(raw) == extra_value(raw, decimal), raw
