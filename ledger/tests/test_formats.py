"""Tests for the pure import parsers in ledger.formats (no Django needed).

Run: .venv/bin/python -m pytest -p no:django ledger/tests/test_formats.py -q
"""

from __future__ import annotations

import csv
import io
import json
import os
import time
import tracemalloc
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger.formats import (
    CONTENT_TYPES,
    FORMATS,
    PLATFORMS,
    FileRefused,
    ParseContext,
    Row,
    RowError,
    detect,
    open_table,
    parse_file,
)
from ledger.formats.bantin_template import (
    TEMPLATE_COLUMNS,
    write_template_csv,
    write_template_xlsx,
)
from ledger.formats.base import parse_metric, parse_number

SHARED = Path(__file__).resolve().parent / "fixtures" / "shared"
OWN = Path(__file__).resolve().parent / "fixtures"
TODAY = date(2026, 5, 1)
VN = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture(autouse=True)
def _fast_passwords() -> None:
    """These tests are pure: shadow the project's Django-settings autouse fixture so the
    module also runs with ``-p no:django``."""


def run(path: Path, **ctx_kwargs: object) -> tuple[str, list[Row], list[RowError], ParseContext]:
    ctx = ParseContext(path.name, TODAY, **ctx_kwargs)  # type: ignore[arg-type]
    name, items = parse_file(path, path.name, ctx)
    result = list(items)
    rows = [r for r in result if isinstance(r, Row)]
    errors = [r for r in result if isinstance(r, RowError)]
    assert len(rows) + len(errors) == len(result)
    assert ctx.rows_read == len(rows) + len(errors)
    return name, rows, errors, ctx


def total(rows: list[Row], attr: str) -> int | None:
    values = [getattr(r, attr) for r in rows]
    if all(v is None for v in values):
        return None
    return sum(v or 0 for v in values)


def check_row(row: Row) -> None:
    assert row.platform in PLATFORMS
    assert row.content_type in CONTENT_TYPES
    assert row.post_id and row.post_id == row.post_id.strip()
    assert row.published_at is None or row.published_at.tzinfo is not None
    assert len(row.caption) <= 500
    for attr in ("views", "reach", "reactions", "comments", "shares", "clicks"):
        value = getattr(row, attr)
        assert value is None or (isinstance(value, int) and value >= 0)
    assert row.watch_time_seconds is None or row.watch_time_seconds >= 0


# --------------------------------------------------------------------------- shared fixtures

EXPECTED = json.loads((SHARED / "expected.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("filename", sorted(EXPECTED))
def test_shared_fixture_totals(filename: str) -> None:
    want = EXPECTED[filename]
    name, rows, errors, _ctx = run(SHARED / filename)
    assert errors == []
    assert len(rows) == want["posts"]
    assert total(rows, "reach") == want["reach"]
    assert total(rows, "views") == want["views"]
    assert {r.platform for r in rows} == {want["platform"]}
    if "page_id" in want:
        assert {r.channel_ref for r in rows} == {want["page_id"]}
    if "handle" in want:
        assert {r.channel_ref for r in rows} == {want["handle"]}
    for row in rows:
        check_row(row)


def test_meta_en_details() -> None:
    name, rows, _errors, _ctx = run(SHARED / "meta_posts_en.csv")
    assert name == "meta"
    # Captions 2 and 10 span two physical lines.
    assert [r.line for r in rows] == [2, 3, 5, 6, 7, 8, 9, 10, 11, 12]
    first = rows[0]
    assert first.post_id == "100064812345678_2415283187587767"
    assert first.published_at == datetime(2026, 1, 2, 12, 43, tzinfo=VN)
    assert first.content_type == "photo"
    assert (first.reactions, first.comments, first.shares, first.clicks) == (5, 6, 40, 6)
    assert first.channel_name == "UBND xã Minh Châu"
    assert first.extras["engagement"] == 51
    assert "Hướng dẫn làm thủ tục" in rows[1].caption and "\n" not in rows[1].caption
    kinds = {r.content_type for r in rows}
    assert kinds == {"photo", "video", "article"}  # Reels/Videos → video, Links/Text → article


def test_youtube_details() -> None:
    _name, rows, _errors, ctx = run(SHARED / "youtube_studio_export.zip")
    assert ctx.rows_skipped == 1  # the Total line
    assert rows[0].post_id == "dQw4w9WgX00"
    assert rows[0].watch_time_seconds == round(8.5870 * 3600)
    assert rows[0].extras["subscribers"] == -1
    assert rows[0].published_at == datetime(2026, 2, 1, tzinfo=VN)
    assert all(r.content_type == "video" and r.channel_ref is None for r in rows)


def test_tiktok_details() -> None:
    _name, rows, _errors, ctx = run(SHARED / "tiktok_content.csv")
    assert rows[2].comments is None  # "undefined"
    assert rows[0].published_at == datetime(2026, 3, 2, tzinfo=VN)
    assert rows[0].post_id == "7568464974341052224"
    assert len(ctx.notes) == 1 and "năm" in ctx.notes[0]


# --------------------------------------------------------------------------- own fixtures


@pytest.mark.parametrize(
    ("filename", "fmt", "posts", "errors", "views", "reach", "channels"),
    [
        ("meta_posts_vi.csv", "meta", 5, 0, 1500, 750, {"100064899990001"}),
        ("meta_posts_impressions.csv", "meta", 4, 0, 4006, 2006, {"100064899990001"}),
        ("meta_instagram.csv", "meta", 3, 0, 903, 603, {"17841400000000001"}),
        ("meta_excel_semicolon_ddmm.csv", "meta", 3, 0, 1734, 1400, {"100064899990001"}),
        ("meta_unicode_text.txt", "meta", 3, 0, 666, 600, {"100064899990001"}),
        ("meta_old_two_header.csv", "meta", 3, 0, 2403, 1203, {"100064899990001"}),
        ("meta_bad_rows.csv", "meta", 3, 6, 1344, 55, {"100064899990001"}),
        ("tiktok_content_vi.csv", "tiktok", 4, 0, 4006, None, {"xathunghiem"}),
        ("youtube_vi.csv", "youtube", 2, 0, 300, None, {None}),
        ("bantin_template.csv", "bantin_template", 3, 1, 2600, 1200, None),
        ("bantin_template.xlsx", "bantin_template", 2, 1, 5150, 100, None),
    ],
)
def test_own_fixtures(
    filename: str,
    fmt: str,
    posts: int,
    errors: int,
    views: int,
    reach: int | None,
    channels: set[str | None] | None,
) -> None:
    name, rows, errs, _ctx = run(OWN / filename)
    assert name == fmt
    assert (len(rows), len(errs)) == (posts, errors), errs
    assert total(rows, "views") == views
    assert total(rows, "reach") == reach
    if channels is not None:
        assert {r.channel_ref for r in rows} == channels
    for row in rows:
        check_row(row)


def test_meta_vietnamese_ui() -> None:
    _name, rows, _errors, _ctx = run(OWN / "meta_posts_vi.csv")
    assert [r.content_type for r in rows] == ["photo", "video", "article", "video", "livestream"]
    assert rows[0].watch_time_seconds is None and rows[1].watch_time_seconds == 60
    assert rows[0].published_at == datetime(2026, 1, 10, 8, 0, tzinfo=VN)
    assert rows[0].channel_name == "UBND phường Thử Nghiệm"


def test_meta_impressions_era() -> None:
    _name, rows, _errors, _ctx = run(OWN / "meta_posts_impressions.csv")
    assert all(r.views == r.extras["impressions"] for r in rows)
    assert rows[0].published_at == datetime(2025, 10, 2, 9, 30, tzinfo=VN)


def test_meta_instagram() -> None:
    _name, rows, _errors, _ctx = run(OWN / "meta_instagram.csv")
    assert {r.platform for r in rows} == {"instagram"}
    assert [r.content_type for r in rows] == ["photo", "video", "photo"]
    assert rows[0].reactions == 25  # Likes
    assert rows[0].extras["saves"] == 6 and rows[0].extras["account_username"] == "ubnd.thunghiem"


def test_meta_excel_semicolon_cp1258_ddmm() -> None:
    table = open_table(OWN / "meta_excel_semicolon_ddmm.csv", "x.csv")
    assert table.delimiter == ";" and table.encoding == "cp1258" and table.decimal == ","
    _name, rows, _errors, ctx = run(OWN / "meta_excel_semicolon_ddmm.csv")
    assert rows[0].published_at == datetime(2026, 1, 14, 20, 51, tzinfo=VN)
    assert rows[1].published_at == datetime(2026, 1, 2, 12, 43, tzinfo=VN)
    assert rows[0].views == 1234 and rows[0].reach == 1000  # "1.234", "1.000"
    assert rows[0].caption == "Thông báo lịch tiếp công dân tháng 1/2026 của UBND phường."
    assert any("dd/mm/yyyy" in n for n in ctx.notes)


def test_meta_unicode_text() -> None:
    table = open_table(OWN / "meta_unicode_text.txt", "x.txt")
    assert table.delimiter == "\t" and table.encoding == "utf-16"
    _name, rows, _errors, _ctx = run(OWN / "meta_unicode_text.txt")
    assert rows[0].published_at == datetime(2026, 1, 22, 16, 20, tzinfo=VN)
    assert rows[2].published_at == datetime(2026, 2, 1, 12, 0, tzinfo=VN)


def test_meta_old_two_header_rows() -> None:
    _name, rows, _errors, _ctx = run(OWN / "meta_old_two_header.csv")
    assert rows[0].line == 3  # the description row is skipped
    assert rows[0].reach == 400 and rows[0].views == 800 and rows[0].clicks == 33
    assert rows[0].published_at == datetime(2022, 3, 10, 8, 0, tzinfo=VN)


def test_bad_rows_lines_and_fields() -> None:
    _name, rows, errors, ctx = run(OWN / "meta_bad_rows.csv")
    # Caption 2 of the generator spans two lines, so rows after it shift by one.
    assert [(e.line, e.field) for e in errors] == [
        (3, "Reach"),
        (5, "Views"),
        (6, "Post ID"),
        (7, "Publish time"),
        (9, "Views"),
        (11, "Post ID"),
    ]
    assert "âm" in errors[0].message and " / " not in errors[0].message  # one language
    assert "Excel" in errors[5].message
    assert [r.line for r in rows] == [2, 8, 12]
    assert rows[1].views == 1234 and rows[1].reach is None
    assert ctx.rows_read == 9 == len(rows) + len(errors)


def test_tiktok_vietnamese() -> None:
    _name, rows, _errors, ctx = run(OWN / "tiktok_content_vi.csv")
    assert [r.published_at for r in rows] == [
        datetime(2025, 8, 18, tzinfo=VN),
        datetime(2025, 11, 2, tzinfo=VN),
        datetime(2026, 1, 5, tzinfo=VN),
        datetime(2024, 2, 29, tzinfo=VN),  # latest 29 February not after the import day
    ]
    assert rows[1].comments is None
    assert rows[0].permalink == "https://www.tiktok.com/@xathunghiem/video/7500000000000000000"
    assert len(ctx.notes) == 1


def test_youtube_vietnamese() -> None:
    _name, rows, _errors, ctx = run(OWN / "youtube_vi.csv")
    assert ctx.rows_skipped == 1  # "Tổng"
    assert rows[0].post_id == "-abcDEF1234"
    assert rows[1].published_at is None
    assert rows[0].watch_time_seconds == 12600
    assert rows[0].extras["new_viewers"] == 20


def test_template_csv() -> None:
    _name, rows, errors, _ctx = run(OWN / "bantin_template.csv")
    zalo, web, yt = rows
    assert zalo.platform == "zalo" and zalo.post_id.startswith("sha1:")
    assert zalo.channel_ref == "https://zalo.me/123456789"
    assert zalo.reach == 1200 and zalo.views == 1500  # "1.200" read as thousands
    assert zalo.published_at == datetime(2026, 1, 15, 8, 30, tzinfo=VN)
    assert web.post_id == "tin-123" and web.reach is None and web.reactions is None
    assert yt.post_id == "dQw4w9WgXcQ" and yt.content_type == "video"
    assert yt.watch_time_seconds == 5400
    assert errors[0].line == 5 and errors[0].field == "Liên kết"


def test_template_xlsx_header_below_title() -> None:
    table = open_table(OWN / "bantin_template.xlsx", "t.xlsx")
    assert table.kind == "xlsx" and table.header_line == 2 and table.member == "Dữ liệu"
    _name, rows, errors, _ctx = run(OWN / "bantin_template.xlsx")
    fb, tt = rows
    assert fb.line == 3 and fb.post_id == "55555" and fb.channel_ref == "100064899990001"
    assert tt.channel_ref == "xathu" and tt.post_id == "7500000000000000001"
    assert tt.published_at == datetime(2026, 1, 21, 9, 30, tzinfo=VN)  # a real Excel date
    assert (errors[0].line, errors[0].field) == (5, "Loại nội dung")


def test_template_default_platform(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text(
        "Liên kết,Ngày đăng,Lượt xem\nhttps://zalo.me/p/1,01/02/2026,5\n", encoding="utf-8"
    )
    with pytest.raises(FileRefused):
        run(path)
    _name, rows, _errors, _ctx = run(path, default_platform="zalo")
    assert rows[0].platform == "zalo" and rows[0].views == 5 and rows[0].reach is None


def test_write_templates(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    xlsx = tmp_path / "mau.xlsx"
    write_template_xlsx(xlsx)
    wb = load_workbook(xlsx)
    assert wb.sheetnames == ["Dữ liệu", "Hướng dẫn"]
    ws = wb["Dữ liệu"]
    assert [c.value for c in ws[1]] == [c.header for c in TEMPLATE_COLUMNS]
    lists = [dv.formula1 for dv in ws.data_validations.dataValidation if dv.type == "list"]
    assert any("Zalo OA" in f for f in lists) and any("Tin bài" in f for f in lists)
    table = open_table(xlsx, "mau.xlsx")
    assert detect(table.header).NAME == "bantin_template"
    assert list(table) == []

    path = tmp_path / "mau.csv"
    write_template_csv(path)
    assert path.read_bytes().startswith(b"\xef\xbb\xbfN")
    assert detect(open_table(path, "mau.csv").header).NAME == "bantin_template"


# --------------------------------------------------------------------------- refusals


@pytest.mark.parametrize(
    ("filename", "code"),
    [
        ("meta_excel_semicolon_ambiguous.csv", "ambiguous_dates"),
        ("meta_mojibake.csv", "mojibake"),
        ("meta_page_level.csv", "page_level"),
        ("corrupt.xlsx", "corrupt"),
        ("corrupt.zip", "corrupt"),
        ("zip_bomb.zip", "too_big"),
        ("other.zip", "zip"),
    ],
)
def test_refused_fixtures(filename: str, code: str) -> None:
    with pytest.raises(FileRefused) as info:
        run(OWN / filename)
    assert info.value.code == code
    assert str(info.value)


def test_ambiguous_message_names_the_fix() -> None:
    with pytest.raises(FileRefused, match="dd/mm và mm/dd") as info:
        run(OWN / "meta_excel_semicolon_ambiguous.csv")
    assert "Meta" in str(info.value) and "mẫu" in str(info.value)


def test_mojibake_message_says_csv_utf8() -> None:
    with pytest.raises(FileRefused, match="CSV UTF-8"):
        run(OWN / "meta_mojibake.csv")


def _meta_csv(dates: list[str], delimiter: str = ";") -> str:
    head = ["Post ID", "Page ID", "Publish time", "Post type", "Views", "Reach"]
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\n")
    writer.writerow(head)
    for i, when in enumerate(dates):
        writer.writerow([f"1_{i}", "1", when, "Photos", "10", "5"])
    return buf.getvalue()


def test_date_order_by_plausibility(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    # As mm/dd, 12/01/2026 would be in the future (December); only dd/mm fits.
    path.write_text(_meta_csv(["12/01/2026 08:00", "03/02/2026 09:00"]), encoding="utf-8")
    _name, rows, _errors, ctx = run(path)
    assert rows[0].published_at == datetime(2026, 1, 12, 8, 0, tzinfo=VN)
    assert ctx.notes


def test_mixed_day_month_orders_refused(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text(_meta_csv(["13/01/2026 08:00", "01/14/2026 09:00"]), encoding="utf-8")
    with pytest.raises(FileRefused) as info:
        run(path)
    assert info.value.code == "ambiguous_dates"


def test_original_meta_file_is_mm_dd(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text(_meta_csv(["01/02/2026 08:00"], delimiter=","), encoding="utf-8-sig")
    _name, rows, _errors, _ctx = run(path)
    assert rows[0].published_at == datetime(2026, 1, 2, 8, 0, tzinfo=VN)


def test_cp1252_mojibake_refused(tmp_path: Path) -> None:
    original = (SHARED / "meta_posts_en.csv").read_bytes()[3:]
    garbled = original.decode("cp1252", errors="replace").encode("cp1252", errors="replace")
    path = tmp_path / "m.csv"
    path.write_bytes(garbled)
    with pytest.raises(FileRefused) as info:
        run(path)
    assert info.value.code in {"mojibake", "encoding"}


@pytest.mark.parametrize(
    ("content", "filename", "code"),
    [
        (b"", "e.csv", "empty"),
        (b"\xef\xbb\xbf\r\n  \n", "e.csv", "empty"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old.xls", "xls"),
        (b"name,age\nAn,3\n", "x.csv", "unknown_header"),
        (b"not a zip", "x.xlsx", "corrupt"),
        (b"\xff\xfe\x00", "x.csv", "encoding"),
    ],
)
def test_refused_bytes(tmp_path: Path, content: bytes, filename: str, code: str) -> None:
    path = tmp_path / filename
    path.write_bytes(content)
    with pytest.raises(FileRefused) as info:
        run(path)
    assert info.value.code == code


def test_too_many_rows() -> None:
    ctx = ParseContext("x", TODAY)
    with pytest.raises(FileRefused) as info:
        _name, items = parse_file(SHARED / "meta_posts_en.csv", "x.csv", ctx, max_rows=3)
        list(items)
    assert info.value.code == "too_many_rows"


def _big_bom_file(tmp_path: Path, tail: bytes, *, rows: int = 15_000) -> Path:
    """A Meta file with a byte-order mark, larger than the first chunk the encoding check
    reads (1 MiB), ending with ``tail``."""
    head = "Post ID,Page ID,Publish time,Post type,Views,Reach,Description\r\n"
    body = "".join(
        f"1_{i},1,01/02/2026 08:00,Photos,10,5,Thông báo lịch tiếp công dân số {i}\r\n"
        for i in range(rows)
    )
    path = tmp_path / "big.csv"
    path.write_bytes(b"\xef\xbb\xbf" + (head + body).encode() + tail)
    assert path.stat().st_size > 1 << 20
    return path


@pytest.mark.parametrize(
    ("tail", "code"),
    [
        (
            "1_x,1,01/02/2026 08:00,Photos,10,5,Th\u00c3\u00b4ng b\u00c3\u00a1o\r\n".encode(),
            "mojibake",
        ),
        (b"1_y,1,01/02/2026 08:00,Photos,10,5,\xff\xfe bad\r\n", "encoding"),
    ],
)
def test_a_late_fault_in_a_big_bom_file_refuses_it_while_reading(
    tmp_path: Path, tail: bytes, code: str
) -> None:
    """A file with a byte-order mark has one possible encoding: only its first MiB is
    decoded up front, and the rest of the file is checked as it is read (by the date
    order's pass over the column, before any row; the import is one transaction)."""
    path = _big_bom_file(tmp_path, tail)
    _name, items = parse_file(path, path.name, ParseContext(path.name, TODAY))
    with pytest.raises(FileRefused) as info:
        list(items)
    assert info.value.code == code


def test_a_big_bom_file_reads_whole_and_counts_its_rows(tmp_path: Path) -> None:
    path = _big_bom_file(tmp_path, b"")
    _name, rows, errors, _ctx = run(path)
    assert len(rows) == 15_000 and not errors
    assert rows[-1].caption == "Thông báo lịch tiếp công dân số 14999"
    # Refused before any row, as before: its newlines are counted from the bytes.
    with pytest.raises(FileRefused) as info:
        parse_file(path, path.name, ParseContext("x", TODAY), max_rows=14_999)
    assert info.value.code == "too_many_rows"


def test_a_bom_file_is_checked_until_a_pass_has_read_it_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Passes over a file with a byte-order mark decode it on the side until one has read
    it to its end; the file does not change, so the passes after that one do not."""
    from ledger.formats import reader

    opened: list[object] = []

    class Counted(reader._Checked):
        def __init__(self, *args: Any) -> None:
            super().__init__(*args)
            opened.append(self)

    monkeypatch.setattr(reader, "_Checked", Counted)
    path = _big_bom_file(tmp_path, b"")
    table = open_table(path, path.name)
    checked_to_open = len(opened)  # the header's search: stopped early, checked
    assert checked_to_open >= 1
    assert sum(1 for _ in table.column(2)) > 15_000  # the first whole pass
    assert sum(1 for _ in table) == 15_000
    assert len(opened) == checked_to_open + 1


def test_zip_uncompressed_cap() -> None:
    with pytest.raises(FileRefused) as info:
        open_table(SHARED / "youtube_studio_export.zip", "y.zip", max_uncompressed=500)
    assert info.value.code == "too_big"


def test_zip_member_streaming_cap(tmp_path: Path) -> None:
    # The declared sizes pass the ratio check, but reading is still capped.
    path = tmp_path / "y.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        z.writestr("Table data.csv", (SHARED / "youtube_table_data.csv").read_bytes() * 3)
    with pytest.raises(FileRefused):
        open_table(path, "y.zip", max_uncompressed=1000)


def test_detect_unknown_header_lists_formats() -> None:
    with pytest.raises(FileRefused) as info:
        detect(["foo", "bar"])
    for module in FORMATS:
        assert module.TITLE in str(info.value)


def test_header_matching_ignores_case_and_spaces(tmp_path: Path) -> None:
    path = tmp_path / "h.csv"
    path.write_text(
        "  post  ID ,PUBLISH TIME,page id,VIEWS,reach\n1_2,01/20/2026 10:00,1,7,3\n",
        encoding="utf-8",
    )
    name, rows, _errors, _ctx = run(path)
    assert name == "meta" and rows[0].views == 7 and rows[0].reach == 3


@pytest.mark.parametrize(
    ("raw", "decimal", "value"),
    [
        ("1,234", ".", 1234),
        ("1.234", ",", 1234),
        ("1.234", ".", 1234),
        ("1 234", None, 1234),
        ("1.234.567", ",", 1234567),
        ("12", ".", 12),
        ("12.0", ".", 12),
        ("", ".", None),
        ("undefined", ".", None),
        ("N/A", ".", None),
    ],
)
def test_parse_metric(raw: str, decimal: str | None, value: int | None) -> None:
    assert parse_metric(raw, decimal) == value


@pytest.mark.parametrize("raw", ["-1", "abc", "1.5", "1e400", "inf", "1_000", "٣", "0x10"])
def test_parse_metric_rejects(raw: str) -> None:
    with pytest.raises(ValueError):
        parse_metric(raw, ".")


def test_parse_number_decimal_by_dialect() -> None:
    assert parse_number("39.4010", decimal=".", integer=False) == pytest.approx(39.401)
    assert parse_number("4,10", decimal=",", integer=False) == pytest.approx(4.1)
    assert parse_number("1.234,5", decimal=",", integer=False) == pytest.approx(1234.5)
    assert parse_number("1,234.5", decimal=".", integer=False) == pytest.approx(1234.5)


# --------------------------------------------------------------------------- hypothesis

MUTABLE = ["meta_posts_en.csv", "tiktok_content.csv", "youtube_table_data.csv"]


def _load(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))


BASES = {name: _load(SHARED / name) for name in MUTABLE}
BASES["bantin_template.csv"] = _load(OWN / "bantin_template.csv")
BASES["meta_instagram.csv"] = _load(OWN / "meta_instagram.csv")

cell_values = st.one_of(
    st.just(""),
    st.text(max_size=30),
    st.integers(min_value=-(10**25), max_value=-1).map(str),
    st.integers(min_value=10**15, max_value=10**30).map(str),
    st.sampled_from(["undefined", "N/A", "1,234", "1.234", "12.5", "-0", "Total", "Tổng"]),
    st.sampled_from(["13/13/2026", "02/30/2026 10:00", "Feb 30, 2026", "31 tháng Hai"]),
    st.text(alphabet="ÃáºÆ°€đĐạ\u0301\u00a0\r\n\"';,\t", max_size=8),
)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    name=st.sampled_from(sorted(BASES)),
    edits=st.lists(
        st.tuples(st.integers(0, 50), st.integers(0, 40), cell_values), min_size=1, max_size=8
    ),
)
def test_mutations_never_crash(
    tmp_path: Path, name: str, edits: list[tuple[int, int, str]]
) -> None:
    rows = [list(r) for r in BASES[name]]
    header, body = rows[0], rows[1:]
    for r, c, value in edits:
        body[r % len(body)][c % len(header)] = value
    path = tmp_path / f"mut-{os.getpid()}-{time.perf_counter_ns()}.csv"
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows([header, *body])
    path.write_bytes(buf.getvalue().encode("utf-8-sig"))
    expected = sum(1 for r in body if "".join(r).strip())
    ctx = ParseContext(name, TODAY)
    try:
        _fmt, items = parse_file(path, name, ctx)
        result = list(items)
    except FileRefused as exc:
        assert str(exc)
        return
    finally:
        path.unlink()
    parsed = [r for r in result if isinstance(r, Row)]
    errors = [r for r in result if isinstance(r, RowError)]
    assert len(parsed) + len(errors) == len(result) == ctx.rows_read
    assert ctx.rows_read + ctx.rows_skipped == expected
    for row in parsed:
        check_row(row)
    for error in errors:
        assert error.field in header and error.message and error.line >= 2


# --------------------------------------------------------------------------- streaming


def test_streaming_constant_memory(tmp_path: Path) -> None:
    """200,000 Meta rows parse with a small, row-count-independent peak (tracemalloc).

    A narrow export keeps the test quick: tracemalloc slows every allocation ~7x. The
    full-width 1M-row benchmark is in the report of the commit that added this module.
    """
    header = [
        "Post ID",
        "Page ID",
        "Page name",
        "Description",
        "Publish time",
        "Permalink",
        "Post type",
        "Date",
        "Views",
        "Reach",
        "Reactions",
        "Comments",
        "Shares",
    ]
    path = tmp_path / "big.csv"
    n = 200_000
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header)
        for i in range(n):
            post = 10**15 + i
            writer.writerow([
                f"100064812345678_{post}", "100064812345678", "UBND xã Minh Châu",
                f"Thông báo số {i}, lịch tiếp công dân",
                f"01/{i % 28 + 1:02d}/2026 08:{i % 60:02d}",
                f"https://www.facebook.com/100064812345678/posts/{post}", "Photos", "Lifetime",
                str(i % 1000), str(i % 500), "3", "1", "0",
            ])  # fmt: skip
    ctx = ParseContext("big.csv", TODAY)
    tracemalloc.start()
    started = time.perf_counter()
    try:
        _name, items = parse_file(path, "big.csv", ctx)
        count = views = 0
        for item in items:
            assert isinstance(item, Row)
            count += 1
            views += item.views or 0
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    elapsed = time.perf_counter() - started
    assert count == n
    assert views == sum(i % 1000 for i in range(n))
    assert peak < 50 * 1024 * 1024, peak
    print(
        f"\n{n} rows in {elapsed:.1f}s under tracemalloc ({n / elapsed:,.0f} rows/s), "
        f"peak {peak / 1e6:.1f} MB"
    )
