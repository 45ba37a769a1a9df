"""YouTube Studio, Advanced mode → Export current view (``Table data.csv`` or its zip).

The first data row is ``Total``/``Tổng`` (not a video: counted in ``ctx.rows_skipped``).
``Content`` is the video id (YouTube writes ids starting with ``-`` with a leading space).
Reach is ``Unique viewers`` when that metric was chosen, otherwise unknown (None).
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
    check_post_id,
    excerpt,
    extra_value,
    extras_plan,
    hms_seconds,
    is_blank,
    norm_header,
    parse_metric,
    parse_seconds,
)
from .dates import midnight, month_number, parse_datetime
from .reader import Table

NAME = "youtube"
TITLE = "YouTube Studio – Chế độ nâng cao, Xuất chế độ xem hiện tại (Table data.csv / .zip)"
# No channel identity in the file: the user picks the channel.
IDENTIFIES_CHANNEL = False
ROWS_NAME_CHANNEL = False
# Its zip export holds the table under one of these names (case ignored).
ZIP_MEMBERS = ("table data.csv", "dữ liệu bảng.csv")

ALIASES: dict[str, tuple[str, ...]] = {
    "content": ("Content", "Nội dung"),
    "title": ("Video title", "Tiêu đề video"),
    "published": (
        "Video publish time",
        "Thời gian xuất bản video",
        "Ngày xuất bản video",
        "Thời gian phát hành video",
    ),
    "views": ("Views", "Số lượt xem", "Lượt xem"),
    "watch_hours": ("Watch time (hours)", "Thời gian xem (giờ)"),
    "unique_viewers": ("Unique viewers", "Người xem riêng biệt", "Số người xem riêng biệt"),
    "likes": ("Likes", "Lượt thích", "Số lượt thích"),
    "comments": ("Comments added", "Số bình luận đã thêm", "Bình luận đã thêm", "Bình luận"),
    "shares": ("Shares", "Lượt chia sẻ", "Số lượt chia sẻ"),
}

EXTRA_ALIASES: dict[str, tuple[str, ...]] = {
    "duration_seconds": ("Duration", "Thời lượng"),
    "subscribers": ("Subscribers", "Số người đăng ký", "Người đăng ký"),
    "impressions": (
        "Impressions",
        "Thumbnail impressions",
        "Lượt hiển thị",
        "Lượt hiển thị hình thu nhỏ",
    ),
    "impressions_ctr_percent": (
        "Impressions click-through rate (%)",
        "Thumbnail click-through rate (%)",
        "Tỷ lệ nhấp của số lượt hiển thị (%)",
        "Tỷ lệ nhấp của số lượt hiển thị hình thu nhỏ (%)",
    ),
    "average_view_duration": ("Average view duration", "Thời lượng xem trung bình"),
    "engaged_views": ("Engaged views", "Lượt xem có tương tác"),
    "new_viewers": ("New viewers", "Người xem mới"),
    "returning_viewers": ("Returning viewers", "Người xem cũ"),
}

TOTAL_WORDS = frozenset({"total", "tổng", "tổng cộng"})
_VIDEO_ID = re.compile(r"[A-Za-z0-9_-]{11}")
_EN_DATE = re.compile(r"([A-Za-z]{3,9})\.? (\d{1,2}), (\d{4})")
_VI_DATE = re.compile(r"(\d{1,2}) (?:thg|tháng) (\d{1,2}),? (\d{4})", re.IGNORECASE)


def detect(header: list[str]) -> bool:
    cols = Columns(header, ALIASES)
    return (
        cols.has("content")
        and cols.has("views")
        and (cols.has("watch_hours") or cols.has("published") or cols.has("title"))
    )


def parse_publish_date(raw: str, ctx: ParseContext) -> datetime | None:
    """'Feb 1, 2026', '1 thg 2, 2026', ISO or dd/mm/yyyy → local midnight; empty → None."""
    text = " ".join(raw.split())
    if is_blank(text):
        return None
    m = _EN_DATE.fullmatch(text)
    if m:
        month = month_number(m.group(1))
        if month:
            try:
                return midnight(date(int(m.group(3)), month, int(m.group(2))), ctx.tz)
            except ValueError:
                pass
        raise CellError(_("Ngày không hợp lệ: %(value)s", value=repr(text[:40])))
    m = _VI_DATE.fullmatch(text)
    if m:
        try:
            return midnight(date(int(m.group(3)), int(m.group(2)), int(m.group(1))), ctx.tz)
        except ValueError:
            raise CellError(_("Ngày không hợp lệ: %(value)s", value=repr(text[:40]))) from None
    return parse_datetime(text, "dmy", ctx.tz)


def parse(table: Table, ctx: ParseContext) -> Iterator[Row | RowError]:
    cols = Columns(table.header, ALIASES)
    if not cols.has("content"):
        raise FileRefused(_("Thiếu cột '%(column)s'.", column="Content"), "missing_column")
    ix = cols.index
    dec = table.decimal
    plan = extras_plan(cols, {}, EXTRA_ALIASES)
    counts = [
        (field, key)
        for field, key in (
            ("views", "views"),
            ("reach", "unique_viewers"),
            ("reactions", "likes"),
            ("comments", "comments"),
            ("shares", "shares"),
        )
        if key in ix
    ]
    avg_key = next((k for i, k in plan if k == "average_view_duration"), None)

    for line, cells in table:
        content = cells[ix["content"]]
        if norm_header(content) in TOTAL_WORDS:
            ctx.rows_skipped += 1
            continue
        ctx.rows_read += 1
        key = "content"
        try:
            video_id = check_post_id(content)
            key = "published"
            published = parse_publish_date(cols.get(cells, "published"), ctx)
            values: dict[str, int | None] = {}
            for field, key in counts:
                values[field] = parse_metric(cells[ix[key]], dec)
            watch = None
            if "watch_hours" in ix:
                key = "watch_hours"
                watch = parse_seconds(cells[ix[key]], dec, factor=3600)
        except CellError as exc:
            yield RowError(line, cols.label(key), str(exc))
            continue
        extras: dict[str, ExtraValue] = {}
        for i, extra_key in plan:
            raw = cells[i]
            seconds = hms_seconds(raw) if extra_key == avg_key else None
            if seconds is not None:
                extras["average_view_duration_seconds"] = seconds
                continue
            value = extra_value(raw, dec)
            if value is not None:
                extras[extra_key] = value
        yield Row(
            line=line,
            platform="youtube",
            post_id=video_id,
            published_at=published,
            content_type="video",
            permalink=(
                f"https://www.youtube.com/watch?v={video_id}"
                if _VIDEO_ID.fullmatch(video_id)
                else None
            ),
            caption=excerpt(cols.get(cells, "title")),
            channel_ref=None,
            channel_name=None,
            views=values.get("views"),
            reach=values.get("reach"),
            reactions=values.get("reactions"),
            comments=values.get("comments"),
            shares=values.get("shares"),
            clicks=None,
            watch_time_seconds=watch,
            extras=extras,
        )
