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
import operator
import re
from collections.abc import Callable, Iterator
from datetime import date

from .base import (
    METRIC_MAX,
    MISSING,
    CellError,
    Columns,
    ExtraReader,
    ExtraValue,
    FileRefused,
    ParseContext,
    Row,
    RowError,
    _,
    check_post_id,
    clean_permalink,
    excerpt,
    extras_plan,
    is_simple_id,
    norm_header,
    parse_metric,
    parse_seconds,
)
from .dates import (
    DatetimeReader,
    is_fixed_slashed,
    is_iso_date,
    slashed_fields,
)
from .reader import Table

NAME = "meta"
TITLE = "Meta Business Suite – bài viết Facebook/Instagram (Post ID, Publish time, …)"
# Rows carry the Page ID (or Instagram account id): the channel is found by it.
IDENTIFIES_CHANNEL = True
ROWS_NAME_CHANNEL = False


def is_description_row(header: list[str], cells: list[str]) -> bool:
    """The pre-2023 export's second header row: a sentence describing each metric (the
    reader skips it)."""
    if not any(norm_header(h).startswith("lifetime ") for h in header):
        return False
    filled = [c.strip() for c in cells if c.strip()]
    if not filled:
        return False
    if any(re.fullmatch(r"[-+0-9.,% ]+", c) for c in filled):
        return False
    wordy = sum(1 for c in filled if len(c.split()) >= 3)
    return wordy * 2 >= len(filled)


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


def _getter(indexes: list[int]) -> Callable[[list[str]], tuple[str, ...]]:
    if len(indexes) > 1:
        return operator.itemgetter(*indexes)  # type: ignore[return-value]
    return lambda cells: tuple(cells[i] for i in indexes)


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


def _is_original(table: Table) -> bool:
    """Meta's own file (comma-separated UTF-8 CSV): its order is mm/dd unless a date says
    otherwise."""
    return table.kind == "csv" and table.delimiter == "," and table.encoding.startswith("utf-8")


def _date_order(table: Table, cols: Columns, ctx: ParseContext) -> str:
    """First pass: decide 'mdy' or 'dmy' for the whole file (see module docstring)."""
    if not cols.has("published"):
        return "mdy"
    # Meta's own shape cut to its day: a set of a few hundred distinct days.
    distinct = {
        raw[:10] if len(raw) == 16 and raw[2] == "/" and raw[5] == "/" else raw
        for raw in table.column(cols.index["published"])
    }
    return _decide_order(distinct, cols.label("published"), _is_original(table), ctx)


def _split_dates(distinct: set[str]) -> tuple[set[tuple[int, int, int]], bool]:
    """The (first, second, year) fields of every distinct slashed date, and whether any
    cell is an ISO date (Excel's conversion)."""
    # Meta's own shape (NN/NN/YYYY HH:MM) only needs its distinct days looked at.
    days: set[str] = set()
    fields_seen: set[tuple[int, int, int]] = set()
    any_iso = False
    for raw in distinct:
        if len(raw) == 10 and is_fixed_slashed(raw + " 00:00"):
            days.add(raw)
        elif len(raw) == 16 and is_fixed_slashed(raw):
            days.add(raw[:10])
        elif (fields := slashed_fields(raw)) is not None:
            fields_seen.add(fields)
        elif is_iso_date(raw):
            any_iso = True
    fields_seen.update((int(d[0:2]), int(d[3:5]), int(d[6:10])) for d in days)
    return fields_seen, any_iso


def _not_future(year: int, month: int, day: int, limit: int) -> bool:
    try:
        return date(year, month, day).toordinal() <= limit
    except ValueError:
        return False


def _refused(message: str) -> FileRefused:
    return FileRefused(message, "ambiguous_dates")


def _decide_order(distinct: set[str], column: str, original: bool, ctx: ParseContext) -> str:
    """'mdy' or 'dmy' from the distinct date cells (a day each) of the whole column, or
    ``FileRefused``."""
    fields_seen, any_iso = _split_dates(distinct)
    if any_iso and fields_seen:
        raise _refused(
            _(
                "Cột '%(column)s' có cả ngày đã bị Excel chuyển đổi và ngày dạng chữ: không biết "
                "chắc ngày/tháng. Hãy xuất lại file từ Meta Business Suite và tải lên nguyên bản "
                "(không mở/lưu bằng Excel), hoặc nhập bằng mẫu Bantin với ngày dạng dd/mm/yyyy.",
                column=column,
            )
        )
    if not fields_seen:
        return "mdy"
    first_big = any(a > 12 for a, _b, _y in fields_seen)
    second_big = any(b > 12 for _a, b, _y in fields_seen)
    if first_big and second_big:
        raise _refused(
            _(
                "Cột '%(column)s' lẫn cả ngày dạng dd/mm và mm/dd. Hãy xuất lại file từ Meta "
                "Business Suite và tải lên nguyên bản (không mở/lưu bằng Excel), hoặc nhập bằng "
                "mẫu Bantin với ngày dạng dd/mm/yyyy.",
                column=column,
            )
        )
    if first_big:
        ctx.note(
            _(
                "%(file)s: ngày đăng đọc theo dạng ngày/tháng/năm (dd/mm/yyyy).",
                file=ctx.filename,
            )
        )
        return "dmy"
    same = all(a == b for a, b, _y in fields_seen)
    if second_big or same or original:
        return "mdy"
    return _order_by_future(fields_seen, column, ctx)


def _order_by_future(fields_seen: set[tuple[int, int, int]], column: str, ctx: ParseContext) -> str:
    """A re-saved file where every field is ≤ 12: the one order with no date in the future."""
    limit = ctx.today.toordinal() + 1
    mdy_ok = all(_not_future(y, a, b, limit) for a, b, y in fields_seen)
    dmy_ok = all(_not_future(y, b, a, limit) for a, b, y in fields_seen)
    if mdy_ok and not dmy_ok:
        ctx.note(
            _(
                "%(file)s: ngày đăng đọc theo dạng tháng/ngày/năm (dạng kia rơi vào tương lai).",
                file=ctx.filename,
            )
        )
        return "mdy"
    if dmy_ok and not mdy_ok:
        ctx.note(
            _(
                "%(file)s: ngày đăng đọc theo dạng ngày/tháng/năm (dạng kia rơi vào tương lai).",
                file=ctx.filename,
            )
        )
        return "dmy"
    raise _refused(
        _(
            "File lưu bằng Excel với ngày dd/mm và mm/dd không phân biệt được (cột "
            "'%(column)s', mọi ngày đều ≤ 12). Hãy xuất lại file từ Meta Business Suite và tải "
            "lên nguyên bản (không mở/lưu bằng Excel), hoặc nhập bằng mẫu Bantin với ngày dạng "
            "dd/mm/yyyy.",
            column=column,
        )
    )


_FIGURES = ("views", "reach", "reactions", "comments", "shares", "clicks")  # Row's order


class _RowReader:
    """Column positions resolved once per file; ``read`` turns one row's cells into a Row.

    Rows are padded to the header's width plus one empty cell, so a column the file
    lacks reads as "" at index ``width``.
    """

    def __init__(self, table: Table, cols: Columns, ctx: ParseContext) -> None:
        ix = cols.index
        self.cols = cols
        self.width = width = len(table.header)

        def at(key: str) -> int:
            return ix.get(key, width)

        self.i_post = ix["post_id"]
        self.i_published, self.i_permalink = at("published"), at("permalink")
        self.i_post_type = at("post_type")
        self.i_owner = at("account_id" if "account_id" in ix else "page_id")
        self.i_description, self.i_title = at("description"), at("title")
        self.i_page_name, self.i_username = at("page_name"), at("account_username")
        views_key = "views" if "views" in ix else ("impressions" if "impressions" in ix else "")
        # (position in _FIGURES, column key, index) for the plain counts the file has, in
        # the order their cells are checked (views last).
        keys = {name: (views_key if name == "views" else name) for name in _FIGURES}
        self.counts = sorted(
            (
                (n, keys[name], ix[keys[name]])
                for n, name in enumerate(_FIGURES)
                if keys[name] in ix
            ),
            key=lambda count: count[0] == 0,
        )
        self.count_cells = _getter([i for _n, _key, i in sorted(self.counts)])
        self.all_counts = len(self.counts) == len(_FIGURES)
        self.i_seconds = ix.get("seconds_viewed")
        instagram = cols.has("account_id") or cols.has("account_username")
        self.platform_default = "instagram" if instagram else "facebook"
        self.dec = table.decimal
        self.read_datetime = DatetimeReader(_date_order(table, cols, ctx), ctx.tz)
        plan = extras_plan(cols, _KEEP, EXTRA_ALIASES)
        plan = [(i, k) for i, k in plan if i != ix.get("lifetime")]
        self.read_extra = ExtraReader(table.decimal)
        self.extra_keys = [k for _i, k in plan]
        # All the extras' cells of a row in one call (a tuple, even for one column).
        self.extra_cells = _getter([i for i, _k in plan])
        self.names: dict[str, str | None] = {}

    def figures(self, cells: list[str]) -> tuple[int | None, ...]:
        """The plain counts in ``_FIGURES`` order; ``CellError`` names its column through
        ``failing``."""
        if self.all_counts:
            raws = self.count_cells(cells)
            # Meta's own file: every count plain ASCII digits, converted in one pass.
            if all(raws) and (joined := "".join(raws)).isdigit() and joined.isascii():
                values = tuple(map(int, raws))
                if max(values) <= METRIC_MAX:
                    return values
        return self._figures_one_by_one(cells)

    def _figures_one_by_one(self, cells: list[str]) -> tuple[int | None, ...]:
        values: list[int | None] = [None] * len(_FIGURES)
        for n, key, i in self.counts:
            self.failing = key
            values[n] = parse_metric(cells[i], self.dec)
        return tuple(values)

    def extras(self, cells: list[str]) -> dict[str, ExtraValue]:
        values = map(self.read_extra.__getitem__, self.extra_cells(cells))
        return {
            key: value
            for key, value in zip(self.extra_keys, values, strict=True)
            if value is not None
        }

    def channel_name(self, cells: list[str]) -> str | None:
        name = cells[self.i_page_name].strip() or cells[self.i_username].strip()
        found = self.names.get(name, MISSING)
        if found is MISSING:
            found = excerpt(name, 255) or None
            if len(self.names) < 1024:
                self.names[name] = found
        return found  # type: ignore[return-value]

    def owner(self, cells: list[str], post_id: str) -> str | None:
        """The Page (or account) ID, else the numeric prefix of a ``page_post`` ID."""
        owner = cells[self.i_owner].strip()
        if not (owner.isascii() and owner.isdigit()):
            prefix = post_id.split("_", 1)[0]
            owner = prefix if "_" in post_id and prefix.isdigit() else ""
        return owner or None

    def read(self, line: int, cells: list[str]) -> Row | RowError:
        self.failing = "post_id"
        try:
            raw = cells[self.i_post]
            post_id = raw if is_simple_id(raw) else check_post_id(raw)
            self.failing = "published"
            published = self.read_datetime(cells[self.i_published])
            views, reach, reactions, comments, shares, clicks = self.figures(cells)
            watch = None
            if self.i_seconds is not None:
                self.failing = "seconds_viewed"
                watch = parse_seconds(cells[self.i_seconds], self.dec)
        except CellError as exc:
            return RowError(line, self.cols.label(self.failing), str(exc))
        permalink = clean_permalink(cells[self.i_permalink])
        platform = self.platform_default
        if permalink and "instagram.com" in permalink.lower():
            platform = "instagram"
        text = cells[self.i_description].strip() or cells[self.i_title].strip()
        return Row(
            line,
            platform,
            post_id,
            published,
            content_type(cells[self.i_post_type]),
            permalink,
            excerpt(text),
            self.owner(cells, post_id),
            self.channel_name(cells),  # type: ignore[arg-type]
            views,
            reach,
            reactions,
            comments,
            shares,
            clicks,
            watch,
            self.extras(cells),
        )


def parse(table: Table, ctx: ParseContext) -> Iterator[Row | RowError]:
    cols = Columns(table.header, ALIASES)
    if not cols.has("post_id"):
        raise FileRefused(_("Thiếu cột '%(column)s'.", column="Post ID"), "missing_column")
    reader = _RowReader(table, cols, ctx)
    pad = [""]
    for line, cells in table:
        ctx.rows_read += 1
        yield reader.read(line, cells + pad if len(cells) == reader.width else cells)
