"""TikTok Studio → Download data → ``Content.csv`` (one row per video).

The account is read from the video link (``/@handle/video/<id>``; the handle, lowercased,
is ``channel_ref``). ``Post time`` has no year (``March 2``, ``18 tháng Tám``,
``18 tháng 8``): the latest such date not after ``ctx.today`` is taken and a note says so.
``undefined`` means unknown (None).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime

from .base import (
    CellError,
    Columns,
    ExtraValue,
    FileRefused,
    ParseContext,
    Row,
    RowError,
    _,
    excerpt,
    extra_value,
    extras_plan,
    is_blank,
    parse_metric,
)
from .dates import latest_year, midnight, month_number, parse_datetime
from .reader import Table

NAME = "tiktok"
TITLE = "TikTok Studio – Tải dữ liệu, Content.csv (Video link, Post time, Total views, …)"
# Rows carry the account handle: the channel is found by it.
IDENTIFIES_CHANNEL = True
ROWS_NAME_CHANNEL = False

ALIASES: dict[str, tuple[str, ...]] = {
    "link": ("Video link", "Liên kết video", "Link video"),
    "title": ("Video title", "Tiêu đề video"),
    "published": ("Post time", "Thời gian đăng", "Thời gian đăng tải", "Ngày đăng"),
    "likes": ("Total likes", "Tổng lượt thích", "Tổng số lượt thích"),
    "comments": ("Total comments", "Tổng số bình luận", "Tổng bình luận", "Tổng lượt bình luận"),
    "shares": ("Total shares", "Tổng lượt chia sẻ", "Tổng số lượt chia sẻ"),
    "views": ("Total views", "Tổng lượt xem", "Tổng số lượt xem"),
}
EXTRA_ALIASES: dict[str, tuple[str, ...]] = {"time": ("Time", "Thời gian")}

_LINK = re.compile(r"tiktok\.com/@([A-Za-z0-9_.]{1,64})/(video|photo)/([0-9]{5,30})", re.I)
_MONTH_DAY = re.compile(r"([^\d,]+?)\.? (\d{1,2})(?:, (\d{4}))?")  # March 2[, 2025]
_DAY_MONTH = re.compile(r"(\d{1,2}) (?:tháng )?([^\d,]+?|\d{1,2})(?:,? (\d{4}))?")  # 18 tháng Tám
_VI_MONTH_FIRST = re.compile(r"tháng (\d{1,2}|[^\d,]+?) (\d{1,2})(?:,? (\d{4}))?")


def detect(header: list[str]) -> bool:
    cols = Columns(header, ALIASES)
    return cols.has("link") and (cols.has("views") or cols.has("published"))


def parse_post_date(raw: str, ctx: ParseContext) -> tuple[datetime | None, bool]:
    """(local midnight, year was guessed) for 'March 2', '18 tháng Tám', '2026-03-02' …"""
    text = " ".join(raw.split())
    if is_blank(text):
        return None, False
    lowered = text.lower()
    for pattern, month_group, day_group in (
        (_MONTH_DAY, 1, 2),
        (_VI_MONTH_FIRST, 1, 2),
        (_DAY_MONTH, 2, 1),
    ):
        m = pattern.fullmatch(lowered)
        if not m:
            continue
        month = month_number(m.group(month_group))
        if month is None:
            continue
        day = int(m.group(day_group))
        try:
            if m.group(3):
                return midnight(date(int(m.group(3)), month, day), ctx.tz), False
            return midnight(date(latest_year(month, day, ctx.today), month, day), ctx.tz), True
        except ValueError:
            raise CellError(_("Ngày không hợp lệ: %(value)s", value=repr(text[:40]))) from None
    return parse_datetime(text, "dmy", ctx.tz), False


def parse(table: Table, ctx: ParseContext) -> Iterator[Row | RowError]:
    cols = Columns(table.header, ALIASES)
    if not cols.has("link"):
        raise FileRefused(_("Thiếu cột '%(column)s'.", column="Video link"), "missing_column")
    ix = cols.index
    dec = table.decimal
    plan = extras_plan(cols, {}, EXTRA_ALIASES)
    counts = [
        (field, key)
        for field, key in (
            ("views", "views"),
            ("reactions", "likes"),
            ("comments", "comments"),
            ("shares", "shares"),
        )
        if key in ix
    ]
    noted = False
    for line, cells in table:
        ctx.rows_read += 1
        key = "link"
        try:
            link = cells[ix["link"]].strip()
            m = _LINK.search(link)
            if not m:
                raise CellError(
                    _(
                        "Thiếu hoặc sai liên kết video (cần dạng tiktok.com/@tài_khoản/video/số): "
                        "%(value)s",
                        value=repr(link[:80]),
                    )
                )
            key = "published"
            published, guessed = parse_post_date(cols.get(cells, "published"), ctx)
            values: dict[str, int | None] = {}
            for field, key in counts:
                values[field] = parse_metric(cells[ix[key]], dec)
        except CellError as exc:
            yield RowError(line, cols.label(key), str(exc))
            continue
        if guessed and not noted:
            noted = True
            ctx.note(
                _(
                    "%(file)s: ngày đăng TikTok không có năm – đã lấy năm gần nhất không sau "
                    "ngày nhập %(today)s.",
                    file=ctx.filename,
                    today=f"{ctx.today:%d/%m/%Y}",
                )
            )
        handle, kind, video_id = m.group(1).lower(), m.group(2).lower(), m.group(3)
        extras: dict[str, ExtraValue] = {}
        for i, extra_key in plan:
            value = extra_value(cells[i], dec)
            if value is not None:
                extras[extra_key] = value
        yield Row(
            line=line,
            platform="tiktok",
            post_id=video_id,
            published_at=published,
            content_type="photo" if kind == "photo" else "video",
            permalink=f"https://www.tiktok.com/@{handle}/{kind}/{video_id}",
            caption=excerpt(cols.get(cells, "title")),
            channel_ref=handle,
            channel_name=None,
            views=values.get("views"),
            reach=None,
            reactions=values.get("reactions"),
            comments=values.get("comments"),
            shares=values.get("shares"),
            clicks=None,
            watch_time_seconds=None,
            extras=extras,
        )
