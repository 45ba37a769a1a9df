"""Meta Business Suite post-level content export (Facebook Page and Instagram).

Columns are matched by name in the English and Vietnamese UI, in the current layout
(``Views``), the pre-November-2025 one (``Impressions``) and the pre-2023 two-header-row
layout (``Lifetime Post Total Reach`` …; the reader skips the description row).

``Publish time`` is ``MM/DD/YYYY HH:MM`` in Meta's own file. Files re-saved by Excel may
hold ``dd/mm/yyyy``; the day/month order is decided from the whole file (first pass):
a first field above 12 means dd/mm, a second field above 12 means mm/dd; when nothing
decides, Meta's own comma-separated UTF-8 file is mm/dd, and a re-saved file is refused
unless only one order gives no date in the future.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from datetime import date

from .base import (
    CellError,
    Columns,
    ExtraValue,
    FileRefused,
    ParseContext,
    Row,
    RowError,
    check_post_id,
    clean_permalink,
    excerpt,
    extra_value,
    extras_plan,
    is_iso_date,
    norm_header,
    parse_datetime,
    parse_metric,
    parse_seconds,
    slashed_fields,
)
from .reader import Table

NAME = "meta"
TITLE = "Meta Business Suite – bài viết Facebook/Instagram (Post ID, Publish time, …)"

ALIASES: dict[str, tuple[str, ...]] = {
    "post_id": ("Post ID", "ID bài viết"),
    "page_id": ("Page ID", "ID Trang"),
    "account_id": ("Account ID", "ID tài khoản", "Instagram account ID"),
    "page_name": ("Page name", "Tên Trang", "Account name", "Tên tài khoản"),
    "account_username": ("Account username", "Tên người dùng tài khoản", "Tên người dùng"),
    "title": ("Title", "Tiêu đề"),
    "description": ("Description", "Mô tả", "Post Message", "Nội dung bài viết"),
    "published": ("Publish time", "Thời gian đăng", "Posted", "Thời gian xuất bản"),
    "permalink": ("Permalink", "Liên kết vĩnh viễn"),
    "post_type": ("Post type", "Loại bài viết", "Type", "Loại"),
    "views": ("Views", "Lượt xem"),
    "impressions": (
        "Impressions",
        "Lượt hiển thị",
        "Lifetime Post Total Impressions",
    ),
    "reach": ("Reach", "Số người tiếp cận", "Lượt tiếp cận", "Lifetime Post Total Reach"),
    "reactions": (
        "Reactions",
        "Cảm xúc",
        "Likes",
        "Lượt thích",
        "Lifetime Post Stories by action type - like",
        "Lifetime Talking About This (Post) by action type - like",
    ),
    "comments": (
        "Comments",
        "Bình luận",
        "Lifetime Post Stories by action type - comment",
        "Lifetime Talking About This (Post) by action type - comment",
    ),
    "shares": (
        "Shares",
        "Lượt chia sẻ",
        "Lifetime Post Stories by action type - share",
        "Lifetime Talking About This (Post) by action type - share",
    ),
    "clicks": ("Total clicks", "Tổng lượt click", "Lifetime Post Consumptions"),
    "seconds_viewed": ("Seconds viewed", "Số Giây xem"),
    "lifetime": ("Date", "Ngày"),
}

EXTRA_ALIASES: dict[str, tuple[str, ...]] = {
    "duration_seconds": ("Duration (sec)", "Thời lượng (giây)"),
    "caption_type": ("Caption type", "Loại phụ đề"),
    "is_crosspost": ("Is crosspost",),
    "is_share": ("Is share",),
    "languages": ("Languages", "Ngôn ngữ"),
    "custom_labels": ("Custom labels", "Nhãn tùy chỉnh"),
    "funded_content_status": ("Funded content status",),
    "data_comment": ("Data comment", "Bình luận về dữ liệu"),
    "engagement": ("Reactions, Comments and Shares", "Cảm xúc, bình luận và lượt chia sẻ"),
    "photo_clicks": ("Matched Audience Targeting Consumption (Photo Click)",),
    "other_clicks": ("Other Clicks", "Lượt click khác"),
    "link_clicks": ("Link Clicks", "Lượt click vào liên kết"),
    "negative_feedback_hide_all": ("Negative feedback from users: Hide all",),
    "average_seconds_viewed": ("Average Seconds viewed", "Số Giây xem trung bình"),
    "follows": ("Follows", "Lượt theo dõi"),
    "saves": ("Saves", "Lượt lưu"),
    "estimated_earnings_usd": ("Estimated earnings (USD)",),
    "ad_cpm_usd": ("Ad CPM (USD)",),
    "ad_impressions": ("Ad impressions",),
}

_KEEP = {"impressions": "impressions", "title": "title", "account_username": "account_username"}

_TYPE_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("livestream", ("live", "trực tiếp")),
    ("video", ("video", "reel", "thước phim")),
    ("photo", ("photo", "ảnh", "image", "carousel", "album", "băng chuyền")),
    ("article", ("link", "liên kết", "text", "status", "văn bản", "trạng thái", "note")),
)


@functools.lru_cache(maxsize=256)
def content_type(post_type: str) -> str:
    """Localised Meta ``Post type`` → one of CONTENT_TYPES."""
    key = norm_header(post_type)
    if not key:
        return "other"
    for kind, words in _TYPE_WORDS:
        if any(w in key for w in words):
            return kind
    return "other"


def detect(header: list[str]) -> bool:
    cols = Columns(header, ALIASES)
    return (
        cols.has("post_id")
        and cols.has("published")
        and (
            cols.has("page_id")
            or cols.has("account_id")
            or cols.has("permalink")
            or cols.has("post_type")
        )
    )


def _date_order(table: Table, cols: Columns, ctx: ParseContext) -> str:
    """First pass: decide 'mdy' or 'dmy' for the whole file (see module docstring)."""
    if not cols.has("published"):
        return "mdy"
    idx = cols.index["published"]
    column = cols.label("published")
    first_big = second_big = any_iso = any_slashed = False
    mdy_ok = dmy_ok = True
    same = True
    limit = ctx.today.toordinal() + 1
    for _line, cells in table.raw_rows():
        raw = cells[idx]
        fields = slashed_fields(raw)
        if fields is None:
            if is_iso_date(raw):
                any_iso = True
            continue
        any_slashed = True
        a, b, year = fields
        first_big |= a > 12
        second_big |= b > 12
        same &= a == b
        for order in ("mdy", "dmy"):
            if (mdy_ok if order == "mdy" else dmy_ok) is False:
                continue
            month, day = (a, b) if order == "mdy" else (b, a)
            try:
                ok = date(year, month, day).toordinal() <= limit
            except ValueError:
                ok = False
            if not ok:
                if order == "mdy":
                    mdy_ok = False
                else:
                    dmy_ok = False
    redo = (
        "Hãy xuất lại file từ Meta Business Suite và tải lên nguyên bản (không mở/lưu bằng "
        "Excel), hoặc nhập bằng mẫu Bantin với ngày dạng dd/mm/yyyy."
    )
    if any_iso and any_slashed:
        raise FileRefused(
            f"Cột '{column}' có cả ngày đã bị Excel chuyển đổi và ngày dạng chữ: không biết "
            f"chắc ngày/tháng. {redo} / Mixed date formats after an Excel re-save.",
            "ambiguous_dates",
        )
    if not any_slashed:
        return "mdy"
    if first_big and second_big:
        raise FileRefused(
            f"Cột '{column}' lẫn cả ngày dạng dd/mm và mm/dd. {redo} "
            "/ The file mixes dd/mm and mm/dd dates.",
            "ambiguous_dates",
        )
    if first_big:
        ctx.note(f"{ctx.filename}: ngày đăng đọc theo dạng ngày/tháng/năm (dd/mm/yyyy).")
        return "dmy"
    if second_big or same:
        return "mdy"
    original = table.kind == "csv" and table.delimiter == "," and table.encoding.startswith("utf-8")
    if original:
        return "mdy"
    if mdy_ok != dmy_ok:
        order = "mdy" if mdy_ok else "dmy"
        label = "tháng/ngày/năm" if order == "mdy" else "ngày/tháng/năm"
        ctx.note(f"{ctx.filename}: ngày đăng đọc theo dạng {label} (dạng kia rơi vào tương lai).")
        return order
    raise FileRefused(
        f"File lưu bằng Excel với ngày dd/mm và mm/dd không phân biệt được (cột '{column}', "
        f"mọi ngày đều ≤ 12). {redo} / Excel re-saved file: day/month order cannot be told "
        "apart; export again from Meta or use the Bantin template.",
        "ambiguous_dates",
    )


def parse(table: Table, ctx: ParseContext) -> Iterator[Row | RowError]:
    cols = Columns(table.header, ALIASES)
    if not cols.has("post_id"):
        raise FileRefused("Thiếu cột 'Post ID' / missing column 'Post ID'.", "missing_column")
    instagram = cols.has("account_id") or cols.has("account_username")
    order = _date_order(table, cols, ctx)
    plan = extras_plan(cols, _KEEP, EXTRA_ALIASES)
    plan = [(i, k) for i, k in plan if i != cols.index.get("lifetime")]
    dec = table.decimal
    ix = cols.index
    get = cols.get
    metric_keys = [k for k in ("reach", "reactions", "comments", "shares", "clicks") if k in ix]
    views_key = "views" if "views" in ix else ("impressions" if "impressions" in ix else None)
    owner_key = "account_id" if "account_id" in ix else "page_id"

    for line, cells in table:
        ctx.rows_read += 1
        key = "post_id"
        try:
            post_id = check_post_id(cells[ix["post_id"]])
            key = "published"
            published = parse_datetime(get(cells, "published"), order, ctx.tz)
            values: dict[str, int | None] = {}
            for key in metric_keys:
                values[key] = parse_metric(cells[ix[key]], dec)
            views = None
            if views_key is not None:
                key = views_key
                views = parse_metric(cells[ix[key]], dec)
            watch = None
            if "seconds_viewed" in ix:
                key = "seconds_viewed"
                watch = parse_seconds(cells[ix[key]], dec)
        except CellError as exc:
            yield RowError(line, cols.label(key), str(exc))
            continue
        permalink = clean_permalink(get(cells, "permalink"))
        owner = get(cells, owner_key).strip()
        if not (owner.isascii() and owner.isdigit()):
            prefix = post_id.split("_", 1)[0]
            owner = prefix if "_" in post_id and prefix.isdigit() else ""
        platform = "instagram" if instagram else "facebook"
        if permalink and "instagram.com" in permalink.lower():
            platform = "instagram"
        text = get(cells, "description").strip() or get(cells, "title").strip()
        name = get(cells, "page_name").strip() or get(cells, "account_username").strip()
        extras: dict[str, ExtraValue] = {}
        for i, extra_key in plan:
            value = extra_value(cells[i], dec)
            if value is not None:
                extras[extra_key] = value
        yield Row(
            line=line,
            platform=platform,
            post_id=post_id,
            published_at=published,
            content_type=content_type(get(cells, "post_type")),
            permalink=permalink,
            caption=excerpt(text),
            channel_ref=owner or None,
            channel_name=excerpt(name, 255) or None,
            views=views,
            reach=values.get("reach"),
            reactions=values.get("reactions"),
            comments=values.get("comments"),
            shares=values.get("shares"),
            clicks=values.get("clicks"),
            watch_time_seconds=watch,
            extras=extras,
        )
