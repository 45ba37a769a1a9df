"""The parsers' fast paths give exactly what the general helpers give (or raise)."""

from __future__ import annotations

import csv
import io
import unicodedata
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.formats import ParseContext, Row, RowError, parse_file
from ledger.formats.base import (
    CellError,
    ExtraReader,
    extra_value,
    parse_metric,
)
from ledger.formats.dates import DatetimeReader, parse_datetime

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


COUNTS = ["0", "12", "007", "1,234", "", "-3", "٣", "9" * 19, "9223372036854775807", "1.5", " 4"]
FIGURES = ("views", "reach", "reactions", "comments", "shares", "clicks")


def test_meta_counts_fast_path_matches_parse_metric(tmp_path: Path) -> None:
    """A row of plain digits is converted at once; any other row, cell by cell: the same
    values, or the same rejected cell."""
    header = ["Post ID", "Page ID", "Publish time", "Views", "Reach", "Reactions", "Comments",
              "Shares", "Total clicks"]  # fmt: skip
    rows = [[c] * 6 for c in COUNTS] + [COUNTS[k : k + 6] for k in range(len(COUNTS) - 5)]
    buf = io.StringIO()
    out = csv.writer(buf, lineterminator="\n")
    out.writerow(header)
    for i, cells in enumerate(rows):
        out.writerow([f"1_{i}", "1", "03/04/2025 07:05", *cells])
    path = tmp_path / "counts.csv"
    path.write_text(buf.getvalue(), encoding="utf-8")
    ctx = ParseContext(filename=path.name, today=date(2026, 3, 1))
    _name, items = parse_file(path, path.name, ctx)
    for cells, item in zip(rows, items, strict=True):
        expected: list[int | None] = []
        failing = None
        for label, raw in sorted(
            zip(header[3:], cells, strict=True), key=lambda p: p[0] == "Views"
        ):
            try:
                expected.append(parse_metric(raw, "."))
            except CellError:
                failing = label
                break
        if failing is not None:
            assert isinstance(item, RowError) and item.field == failing, (cells, item)
            continue
        assert isinstance(item, Row), (cells, item)
        got = [getattr(item, name) for name in FIGURES]
        assert got == [parse_metric(raw, ".") for raw in cells], cells


_MARKS = st.sampled_from(
    ["a", "e", "o", "ơ", "ư", "A", " ", "\u0301", "\u0300", "\u0323", "\u0302", "\u0306",
     "\u031b", "\u1100", "\u1161", "\u11a8", "\x1f"]
)  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(st.lists(st.text(_MARKS, max_size=4), max_size=4))
def test_the_rows_nfc_check_on_the_joined_cells_matches_each_cell_normalised(
    cells: list[str],
) -> None:
    """The CSV rows are checked for NFC once, on the cells joined with nothing between
    them, as the blank-row test joined them: the cells come out as each one normalised."""
    from ledger.formats.csv_table import _nfc

    assert _nfc(cells, "".join(cells)) == [unicodedata.normalize("NFC", c) for c in cells]


@settings(max_examples=1000, deadline=None)
@given(
    st.datetimes(
        min_value=datetime(1900, 1, 1),  # noqa: DTZ001 - hypothesis wants naive bounds
        max_value=datetime(2200, 12, 31),  # noqa: DTZ001
        timezones=st.sampled_from(
            [
                ZoneInfo("Asia/Ho_Chi_Minh"),
                ZoneInfo("UTC"),
                ZoneInfo("America/New_York"),
                timezone(timedelta(hours=5, minutes=45)),
                timezone(-timedelta(hours=9, minutes=30)),
            ]
        ),  # fmt: skip
    )
)
def test_the_sqlite_writers_utc_text_is_djangos(value: datetime) -> None:
    """The text a post's time is stored as on SQLite (``Writer``'s fast path) is the text
    Django's own adapter writes."""
    from django.db import connection

    from ledger.ingest.writer import _UtcText

    if connection.vendor != "sqlite":
        pytest.skip("SQLite's text column")
    text = _UtcText()
    assert text(value) == connection.ops.adapt_datetimefield_value(value)
    assert text(value) == text(value.astimezone(UTC))  # the hour's text, reused


_SPACES = ["a", "ễ", " ", "\t", "\n", "\xa0", "\u2028", "\u3000", "\x1f", "\x85", "\u200b"]


@settings(max_examples=1000, deadline=None)
@given(st.text(st.sampled_from(_SPACES), max_size=12))
def test_excerpt_collapses_whitespace_as_split_and_join_do(text: str) -> None:
    """``excerpt`` leaves a caption that is already collapsed as it is (its fast path):
    the same as splitting on whitespace and joining with one space."""
    from ledger.formats.base import excerpt

    collapsed = " ".join(text.split())
    assert excerpt(text, 8) == (collapsed if len(collapsed) <= 8 else collapsed[:7].rstrip() + "…")


_DIGITS = st.sampled_from("0123456789")
_FIXED = st.builds(
    lambda a, b, y, h, m, sep: f"{a}/{b}/{y}{sep}{h}:{m}",
    st.text(_DIGITS, min_size=2, max_size=2),
    st.text(_DIGITS, min_size=2, max_size=2),
    st.sampled_from(["2024", "2025", "1999", "2101", "0000", "2O25"]),
    st.text(_DIGITS, min_size=2, max_size=2),
    st.text(_DIGITS, min_size=2, max_size=2),
    st.sampled_from([" ", "T", "  "]),
)


@settings(max_examples=1000, deadline=None)
@given(st.lists(_FIXED, min_size=1, max_size=6), st.sampled_from(["mdy", "dmy"]),
       st.sampled_from([TZ, ZoneInfo("Europe/Paris"), ZoneInfo("UTC")]))  # fmt: skip
def test_datetime_reader_matches_parse_datetime_on_metas_shape(
    raws: list[str], order: str, zone: ZoneInfo
) -> None:
    """Meta's own ``MM/DD/YYYY HH:MM``, valid or not, read in a row (the days cached as
    they are met) as ``parse_datetime`` reads each: the same aware time, or an error."""
    reader = DatetimeReader(order, zone)
    for raw in raws:
        try:
            expected = parse_datetime(raw, order, zone)
        except CellError:
            with pytest.raises(CellError):
                reader(raw)
            continue
        got = reader(raw)
        assert got is not None and expected is not None
        assert (got, got.tzinfo, got.fold) == (expected, expected.tzinfo, expected.fold)
        assert got.replace(tzinfo=None) == expected.replace(tzinfo=None)
