"""Bantin's own import template (CSV UTF-8 or .xlsx), for channels without an export.

Headers are Vietnamese (``TEMPLATE_COLUMNS``); a trailing ``*`` and case/spacing are
ignored. In .xlsx the header may be below a title (the reader searches the first 20 rows
of each sheet, and the data sheet comes before the instructions sheet). Dates are
``dd/mm/yyyy``, ``dd/mm/yyyy HH:MM`` or ISO; real Excel dates are accepted too.
When ``Mã bài viết`` is empty the id comes from the link: the YouTube/TikTok/Facebook
id when the link shows one, else ``sha1:`` of the normalised link.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from .base import (
    PLATFORMS,
    CellError,
    Columns,
    ExtraValue,
    FileRefused,
    ParseContext,
    Row,
    RowError,
    _,
    check_post_id,
    clean_permalink,
    excerpt,
    extra_value,
    extras_plan,
    is_blank,
    norm_header,
    parse_metric,
    parse_seconds,
    stable_id,
)
from .dates import parse_datetime
from .reader import Table

NAME = "bantin_template"
TITLE = "Mẫu nhập liệu Bantin (Nền tảng, Liên kết, Ngày đăng, …)"
# Each row may name its own registered channel (column Kênh), of any platform.
IDENTIFIES_CHANNEL = False
ROWS_NAME_CHANNEL = True

H_PLATFORM = "Nền tảng"
H_CHANNEL = "Kênh"
H_CHANNEL_NAME = "Tên kênh"
H_POST_ID = "Mã bài viết"
H_LINK = "Liên kết"
H_DATE = "Ngày đăng"
H_TYPE = "Loại nội dung"
H_CAPTION = "Nội dung/Tiêu đề"
H_REACH = "Lượt tiếp cận"
H_VIEWS = "Lượt xem"
H_REACTIONS = "Cảm xúc/Lượt thích"
H_COMMENTS = "Bình luận"
H_SHARES = "Chia sẻ"
H_CLICKS = "Lượt nhấp"
H_WATCH = "Thời gian xem (giây)"

PLATFORM_CHOICES: dict[str, str] = {
    "Facebook": "facebook",
    "Instagram": "instagram",
    "Zalo OA": "zalo",
    "YouTube": "youtube",
    "TikTok": "tiktok",
    "Website": "website",
    "Khác": "other",
}
CONTENT_TYPE_CHOICES: dict[str, str] = {
    "Tin bài": "article",
    "Ảnh": "photo",
    "Video": "video",
    "Trực tiếp": "livestream",
    "Khác": "other",
}
_PLATFORM_WORDS = (
    {norm_header(k): v for k, v in PLATFORM_CHOICES.items()}
    | {p: p for p in PLATFORMS}
    | {"zalo": "zalo", "fb": "facebook", "web": "website", "trang web": "website", "yt": "youtube"}
)
_TYPE_WORDS = {norm_header(k): v for k, v in CONTENT_TYPE_CHOICES.items()} | {
    "article": "article",
    "photo": "photo",
    "video": "video",
    "livestream": "livestream",
    "other": "other",
    "bài viết": "article",
    "tin": "article",
    "hình ảnh": "photo",
    "reels": "video",
    "reel": "video",
    "live": "livestream",
    "phát trực tiếp": "livestream",
}


@dataclass(frozen=True, slots=True)
class TemplateColumn:
    key: str
    header: str
    required: bool
    help: str
    choices: tuple[str, ...] = ()
    example: str = ""


TEMPLATE_COLUMNS: tuple[TemplateColumn, ...] = (
    TemplateColumn(
        "platform",
        H_PLATFORM,
        True,
        "Chọn trong danh sách.",
        tuple(PLATFORM_CHOICES),
        "Zalo OA",
    ),
    TemplateColumn(
        "channel",
        H_CHANNEL,
        False,
        "Địa chỉ hoặc mã của kênh/trang (không bắt buộc).",
        (),
        "https://zalo.me/1234567890",
    ),
    TemplateColumn(
        "channel_name",
        H_CHANNEL_NAME,
        False,
        "Tên kênh/trang (không bắt buộc).",
        (),
        "UBND xã Minh Châu",
    ),
    TemplateColumn(
        "post_id",
        H_POST_ID,
        False,
        "Mã bài viết trên nền tảng. Để trống thì Bantin lấy từ Liên kết.",
        (),
        "",
    ),
    TemplateColumn(
        "link",
        H_LINK,
        True,
        "Đường dẫn tới bài viết (bắt buộc nếu không có Mã bài viết).",
        (),
        "https://zalo.me/post/abc123",
    ),
    TemplateColumn(
        "date",
        H_DATE,
        True,
        "Ngày đăng dạng dd/mm/yyyy hoặc dd/mm/yyyy HH:MM (giờ Việt Nam).",
        (),
        "15/01/2026 08:30",
    ),
    TemplateColumn(
        "content_type",
        H_TYPE,
        False,
        "Chọn trong danh sách; để trống = Video với YouTube/TikTok, Khác với nền tảng khác.",
        tuple(CONTENT_TYPE_CHOICES),
        "Tin bài",
    ),
    TemplateColumn(
        "caption",
        H_CAPTION,
        False,
        "Tiêu đề hoặc đoạn đầu nội dung.",
        (),
        "Thông báo lịch tiếp công dân tháng 1/2026",
    ),
    TemplateColumn(
        "reach", H_REACH, False, "Số người tiếp cận. Để trống nếu không biết.", (), "1200"
    ),
    TemplateColumn("views", H_VIEWS, False, "Số lượt xem. Để trống nếu không biết.", (), "1500"),
    TemplateColumn("reactions", H_REACTIONS, False, "Số cảm xúc/lượt thích.", (), "45"),
    TemplateColumn("comments", H_COMMENTS, False, "Số bình luận.", (), "3"),
    TemplateColumn("shares", H_SHARES, False, "Số lượt chia sẻ.", (), "7"),
    TemplateColumn("clicks", H_CLICKS, False, "Số lượt nhấp vào bài/liên kết.", (), ""),
    TemplateColumn(
        "watch_time_seconds", H_WATCH, False, "Tổng thời gian xem, tính bằng giây.", (), ""
    ),
)

ALIASES: dict[str, tuple[str, ...]] = {c.key: (c.header,) for c in TEMPLATE_COLUMNS}
_METRICS = ("reach", "views", "reactions", "comments", "shares", "clicks")

_YOUTUBE = re.compile(
    r"(?:youtube\.com/(?:watch\?(?:.*&)?v=|shorts/|live/|embed/)|youtu\.be/)([A-Za-z0-9_-]{11})"
)
_TIKTOK = re.compile(r"tiktok\.com/@[^/]+/(?:video|photo)/([0-9]{5,30})")
_FACEBOOK = re.compile(
    r"facebook\.com/(?:[^/?#]+/(?:posts|videos)/|reel/|watch/?\?v=|permalink\.php\?story_fbid=)"
    r"([0-9]{5,30}|pfbid[A-Za-z0-9]+)"
)
_INSTAGRAM = re.compile(r"instagram\.com/(?:p|reel|tv)/([A-Za-z0-9_-]{5,64})")
_TIKTOK_HANDLE = re.compile(r"(?:tiktok\.com/)?@([A-Za-z0-9_.]{1,64})")


def detect(header: list[str]) -> bool:
    keys = {norm_header(h) for h in header}
    has = {c.key for c in TEMPLATE_COLUMNS if norm_header(c.header) in keys}
    return (
        "date" in has
        and ("link" in has or "post_id" in has)
        and ("platform" in has or bool(has & set(_METRICS)))
    )


def id_from_link(link: str) -> str:
    """The platform's id when the link shows it, else ``sha1:`` of the normalised link."""
    for pattern in (_YOUTUBE, _TIKTOK, _FACEBOOK, _INSTAGRAM):
        m = pattern.search(link)
        if m:
            return m.group(1)
    return stable_id(link)


def channel_ref(raw: str, platform: str) -> str | None:
    text = raw.strip()
    if not text:
        return None
    if platform == "tiktok":
        m = _TIKTOK_HANDLE.search(text)
        if m:
            return m.group(1).lower()
    if text.lower().startswith(("http://", "https://")):
        text = text.split("#", 1)[0].split("?", 1)[0].rstrip("/")
    return text[:255] or None


class _RowReader:
    """One template row's cells → a Row. Each ``_cell`` reader raises ``CellError`` after
    setting ``failing`` to the column it reads, so the message names that column."""

    def __init__(self, table: Table, cols: Columns, ctx: ParseContext) -> None:
        self.cols = cols
        self.ix = cols.index
        self.dec = table.decimal
        self.tz = ctx.tz
        self.default_platform = ctx.default_platform
        self.plan = extras_plan(cols, {}, {})
        self.metrics = [k for k in _METRICS if k in self.ix]
        self.failing = "platform"

    def platform(self, cells: list[str]) -> str:
        self.failing = "platform"
        raw = self.cols.get(cells, "platform").strip()
        choices = ", ".join(PLATFORM_CHOICES)
        if not raw:
            if self.default_platform:
                return self.default_platform
            raise CellError(_("Thiếu nền tảng (chọn: %(choices)s)", choices=choices))
        platform = _PLATFORM_WORDS.get(norm_header(raw))
        if platform is None:
            raise CellError(
                _(
                    "Nền tảng không hợp lệ: %(value)s (chọn: %(choices)s)",
                    value=repr(raw[:40]),
                    choices=choices,
                )
            )
        return platform

    def link(self, cells: list[str]) -> str | None:
        self.failing = "link"
        raw = self.cols.get(cells, "link").strip()
        link = clean_permalink(raw)
        if raw and link is None:
            raise CellError(
                _(
                    "Liên kết phải bắt đầu bằng http:// hoặc https://: %(value)s",
                    value=repr(raw[:80]),
                )
            )
        return link

    def post_id(self, cells: list[str], link: str | None) -> str:
        self.failing = "post_id"
        raw = self.cols.get(cells, "post_id")
        if not is_blank(raw):
            return check_post_id(raw)
        if link:
            return id_from_link(link)
        self.failing = "link" if self.cols.has("link") else "post_id"
        raise CellError(_("Cần Liên kết hoặc Mã bài viết"))

    def published(self, cells: list[str]) -> datetime | None:
        self.failing = "date"
        raw = self.cols.get(cells, "date")
        if is_blank(raw):
            raise CellError(_("Thiếu ngày đăng (dd/mm/yyyy)"))
        return parse_datetime(raw, "dmy", self.tz)

    def kind(self, cells: list[str], platform: str) -> str:
        self.failing = "content_type"
        raw = self.cols.get(cells, "content_type").strip()
        if not raw:
            return "video" if platform in ("youtube", "tiktok") else "other"
        kind = _TYPE_WORDS.get(norm_header(raw))
        if kind is None:
            raise CellError(
                _(
                    "Loại nội dung không hợp lệ: %(value)s (chọn: %(choices)s)",
                    value=repr(raw[:40]),
                    choices=", ".join(CONTENT_TYPE_CHOICES),
                )
            )
        return kind

    def figures(self, cells: list[str]) -> tuple[dict[str, int | None], int | None]:
        values: dict[str, int | None] = {}
        for key in self.metrics:
            self.failing = key
            values[key] = parse_metric(cells[self.ix[key]], self.dec)
        watch = None
        if "watch_time_seconds" in self.ix:
            self.failing = "watch_time_seconds"
            watch = parse_seconds(cells[self.ix["watch_time_seconds"]], self.dec)
        return values, watch

    def extras(self, cells: list[str]) -> dict[str, ExtraValue]:
        values = ((key, extra_value(cells[i], self.dec)) for i, key in self.plan)
        return {key: value for key, value in values if value is not None}

    def read(self, line: int, cells: list[str]) -> Row | RowError:
        try:
            platform = self.platform(cells)
            link = self.link(cells)
            post_id = self.post_id(cells, link)
            published = self.published(cells)
            kind = self.kind(cells, platform)
            values, watch = self.figures(cells)
        except CellError as exc:
            return RowError(line, self.cols.label(self.failing), str(exc))
        get = self.cols.get
        return Row(
            line=line,
            platform=platform,
            post_id=post_id,
            published_at=published,
            content_type=kind,
            permalink=link,
            caption=excerpt(get(cells, "caption")),
            channel_ref=channel_ref(get(cells, "channel"), platform),
            channel_name=excerpt(get(cells, "channel_name").strip(), 255) or None,
            views=values.get("views"),
            reach=values.get("reach"),
            reactions=values.get("reactions"),
            comments=values.get("comments"),
            shares=values.get("shares"),
            clicks=values.get("clicks"),
            watch_time_seconds=watch,
            extras=self.extras(cells),
        )


def parse(table: Table, ctx: ParseContext) -> Iterator[Row | RowError]:
    cols = Columns(table.header, ALIASES)
    if not cols.has("platform") and ctx.default_platform is None:
        raise FileRefused(
            _(
                "Thiếu cột '%(column)s'. Hãy dùng mẫu nhập liệu mới nhất của Bantin.",
                column=H_PLATFORM,
            ),
            "missing_column",
        )
    if not cols.has("link") and not cols.has("post_id"):
        raise FileRefused(_("Thiếu cột '%(column)s'.", column=H_LINK), "missing_column")
    reader = _RowReader(table, cols, ctx)
    for line, cells in table:
        ctx.rows_read += 1
        yield reader.read(line, cells)


# --------------------------------------------------------------------------- template files

INSTRUCTIONS = (
    "Mẫu nhập số liệu mạng xã hội – Bantin",
    "Mỗi dòng ở trang 'Dữ liệu' là một bài viết. Không đổi tên, không xoá dòng tiêu đề.",
    "Cột có dấu (bắt buộc) phải điền. Số liệu không biết thì để trống (không ghi 0).",
    "Ngày đăng: dd/mm/yyyy hoặc dd/mm/yyyy HH:MM, giờ Việt Nam. Số không dùng dấu chấm lẻ.",
    "Nhập lại cùng bài viết (cùng Nền tảng + Mã bài viết/Liên kết) sẽ cập nhật số liệu mới.",
    "Lưu file dạng .xlsx, hoặc 'CSV UTF-8 (Comma delimited)' nếu dùng CSV.",
)
DATA_ROWS = 5000


def write_template_csv(path: Path) -> None:
    """The header row only, UTF-8 with a BOM (opens correctly in Excel)."""
    from core.spreadsheets import CsvWriter  # the one export writer (parsers stay stdlib)

    with Path(path).open("w", encoding="utf-8-sig", newline="") as fh:
        CsvWriter(fh).writerow([c.header for c in TEMPLATE_COLUMNS])


def write_template_xlsx(path: Path) -> None:
    """The .xlsx template: 'Dữ liệu' sheet (header, drop-downs, number checks) and
    'Hướng dẫn' sheet (one line per column, with an example). Written like every export,
    through ``core.spreadsheets.SafeWorkbook``."""
    from core.spreadsheets import SafeWorkbook

    wb = SafeWorkbook(str(path))
    ws = wb.add_worksheet("Dữ liệu")
    head = {"bold": True, "text_wrap": True, "valign": "vcenter"}
    required = wb.add_format({**head, "bg_color": "#FFE699", "pattern": 1})
    optional = wb.add_format({**head, "bg_color": "#DDEBF7", "pattern": 1})
    # Text columns: Excel must not reinterpret ids or dd/mm dates by its locale.
    as_text = wb.add_format({"num_format": "@"})
    last = DATA_ROWS  # zero-based: rows 2..DATA_ROWS+1 of the sheet
    for n, col in enumerate(TEMPLATE_COLUMNS):
        ws.write_string(0, n, col.header, required if col.required else optional)
        ws.write_comment(
            0, n, col.help + (" (bắt buộc)" if col.required else ""), {"author": "Bantin"}
        )
        width = max(14, min(40, len(col.header) + 6))
        text_column = col.key in ("post_id", "channel", "date")
        ws.set_column(n, n, width, as_text if text_column else None)
        check: dict[str, object] | None = None
        if col.choices:
            check = {"validate": "list", "source": list(col.choices)}
            check["ignore_blank"] = not col.required
            check["error_message"] = "Chọn một giá trị trong danh sách."
        elif col.key in _METRICS or col.key == "watch_time_seconds":
            check = {"validate": "integer", "criteria": ">=", "value": 0, "ignore_blank": True}
            check["error_message"] = "Nhập số nguyên không âm, hoặc để trống nếu không biết."
        if check is not None:
            ws.data_validation(1, n, last, n, {**check, "error_title": col.header})
    ws.freeze_panes(1, 0)

    guide = wb.add_worksheet("Hướng dẫn")
    bold = wb.add_format({"bold": True})
    for n, text in enumerate(INSTRUCTIONS):
        guide.write_string(n, 0, text, bold if n == 0 else None)
    start = len(INSTRUCTIONS) + 1
    for n, title in enumerate(("Cột", "Bắt buộc", "Giải thích", "Giá trị cho phép", "Ví dụ")):
        guide.write_string(start, n, title, bold)
    for r, col in enumerate(TEMPLATE_COLUMNS, start=start + 1):
        values = (
            col.header,
            "Có" if col.required else "",
            col.help,
            ", ".join(col.choices),
            col.example,
        )
        for n, value in enumerate(values):
            if value:
                guide.write_string(r, n, value)
    for n, width in enumerate((24, 10, 70, 50, 40)):
        guide.set_column(n, n, width)
    wb.close()
