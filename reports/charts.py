"""Vega-Lite chart specs for the reports, built with Altair from plain data.

Pure Python, no Django. Every builder returns a plain ``dict`` (``chart.to_dict()``) with
``width: "container"`` so that ``static/js/charts.js`` can embed it responsively (down to a
360-px phone); :func:`render_png` turns the same spec into a PNG for the .docx report.

Building a chart with Altair (and its schema validation) costs far more than the report's
queries, so each chart's spec is built once per shape (language, metric, angle), with a
named, empty data source, and kept; a report copies it and fills in the data and the few
values that follow the data (a bar chart's height and axis end). The tests validate the
filled specs against the Vega-Lite schema.

Numbers and dates are formatted by Vega with a locale: :data:`VEGA_LOCALE_VI` (vi-VN,
1.234.567, "Th1/2026") or :data:`VEGA_LOCALE_EN`, passed to vega-embed as
``formatLocale`` / ``timeFormatLocale`` in the browser and to vl-convert for PNGs.
"""

from __future__ import annotations

import copy
import functools
import json
from collections import Counter
from typing import Any

import altair as alt

__all__ = [
    "FORMAT_LOCALE_EN",
    "FORMAT_LOCALE_VI",
    "TIME_FORMAT_LOCALE_EN",
    "TIME_FORMAT_LOCALE_VI",
    "VEGA_LOCALE_EN",
    "VEGA_LOCALE_VI",
    "content_type_chart",
    "followers_chart",
    "platform_chart",
    "render_png",
    "spec_json",
    "trend_chart",
    "warm",
]

FORMAT_LOCALE_VI: dict[str, Any] = {
    "decimal": ",",
    "thousands": ".",
    "grouping": [3],
    "currency": ["", " ₫"],
}
TIME_FORMAT_LOCALE_VI: dict[str, Any] = {
    "dateTime": "%d/%m/%Y %H:%M",
    "date": "%d/%m/%Y",
    "time": "%H:%M:%S",
    "periods": ["SA", "CH"],
    "days": ["Chủ nhật", "Thứ hai", "Thứ ba", "Thứ tư", "Thứ năm", "Thứ sáu", "Thứ bảy"],
    "shortDays": ["CN", "T2", "T3", "T4", "T5", "T6", "T7"],
    "months": [f"Tháng {i}" for i in range(1, 13)],
    "shortMonths": [f"Th{i}" for i in range(1, 13)],
}
FORMAT_LOCALE_EN: dict[str, Any] = {
    "decimal": ".",
    "thousands": ",",
    "grouping": [3],
    "currency": ["", " ₫"],
}
TIME_FORMAT_LOCALE_EN: dict[str, Any] = {
    "dateTime": "%d/%m/%Y %H:%M",
    "date": "%d/%m/%Y",
    "time": "%H:%M:%S",
    "periods": ["AM", "PM"],
    "days": ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"],
    "shortDays": ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"],
    "months": [
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
    ],
    "shortMonths": [
        "Jan",
        "Feb",
        "Mar",
        "Apr",
        "May",
        "Jun",
        "Jul",
        "Aug",
        "Sep",
        "Oct",
        "Nov",
        "Dec",
    ],
}
# Keys match vega-embed's options, so `Object.assign(options, VEGA_LOCALE_VI)` works.
VEGA_LOCALE_VI: dict[str, Any] = {
    "formatLocale": FORMAT_LOCALE_VI,
    "timeFormatLocale": TIME_FORMAT_LOCALE_VI,
}
VEGA_LOCALE_EN: dict[str, Any] = {
    "formatLocale": FORMAT_LOCALE_EN,
    "timeFormatLocale": TIME_FORMAT_LOCALE_EN,
}

_TEXT = {
    "vi": {
        "month": "Tháng",
        "posts": "Số bài viết",
        "reach": "Lượt tiếp cận (tổng các bài)",
        "reach_short": "Lượt tiếp cận",
        "platform": "Nền tảng",
        "content_type": "Loại nội dung",
        "no_data": "không có số liệu",
        "thousand": " nghìn",
        "million": " triệu",
        "billion": " tỷ",
        "trend_title": "Số bài viết và lượt tiếp cận theo tháng",
        "reach_note": "Lượt tiếp cận cộng từ các bài, không phải số người",
        "platform_title": "Theo nền tảng",
        "content_type_title": "Theo loại nội dung",
        "channel": "Kênh",
        "followers": "Người theo dõi",
        "followers_total": "Tổng số người theo dõi",
        "followers_title": "Số người theo dõi theo tháng",
        "followers_note": "Số cuối cùng của mỗi tháng; tháng không có số\ngiữ số gần nhất trước đó",
        "followers_total_note": "Cộng các kênh: một người theo dõi nhiều kênh\nđược tính nhiều lần",
    },
    "en": {
        "month": "Month",
        "posts": "Posts",
        "reach": "Reach (sum of posts)",
        "reach_short": "Reach",
        "platform": "Platform",
        "content_type": "Content type",
        "no_data": "no data",
        "thousand": "K",
        "million": "M",
        "billion": "B",
        "trend_title": "Posts and reach by month",
        "reach_note": "Reach: summed over posts, not a count of people",
        "platform_title": "By platform",
        "content_type_title": "By content type",
        "channel": "Channel",
        "followers": "Followers",
        "followers_total": "Total followers",
        "followers_title": "Followers by month",
        "followers_note": "Each month's last count; a month without one\nkeeps the latest before it",
        "followers_total_note": "Summed over channels: one person following\nseveral channels counts several times",
    },
}

# CSS font list for the browser (per-glyph fallback); PNG rendering uses PNG_FONT instead
# because vl-convert falls back to a serif face for a whole string when the first font lacks
# a glyph (Liberation Sans lacks some Vietnamese letters there; "Arial" absent = no text).
BROWSER_FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', Arial, sans-serif"
PNG_FONT = "DejaVu Sans"  # Debian: fonts-dejavu-core; full Vietnamese coverage

_POSTS_COLOR = "#1f5fa8"
_REACH_COLOR = "#d9822b"
_HEIGHT = 240


def _t(lang: str) -> dict[str, str]:
    return _TEXT.get(lang, _TEXT["vi"])


def _compact_expr(lang: str, field: str = "datum.value") -> str:
    """A Vega expression that writes 1.250.000 as "1,3 triệu" (vi) / "1.3M" (en) on axes,
    as ``formatting.format_axis_vi`` does: every tick from 1.000 up in words, so an axis never
    mixes "5.000" with "10 nghìn"."""
    t = _t(lang)
    return (
        f"abs({field}) >= 1e9 ? format({field} / 1e9, ',.1~f') + '{t['billion']}' : "
        f"abs({field}) >= 1e6 ? format({field} / 1e6, ',.1~f') + '{t['million']}' : "
        f"abs({field}) >= 1e3 ? format({field} / 1e3, ',.1~f') + '{t['thousand']}' : "
        f"format({field}, ',d')"
    )


def _config(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    return (
        chart.configure(
            font=BROWSER_FONT,
            background="white",
            padding=4,
        )
        .configure_axis(
            labelFontSize=11,
            titleFontSize=11,
            labelLimit=140,
        )
        .configure_legend(
            orient="top",
            labelFontSize=11,
            titleFontSize=11,
            labelLimit=260,
        )
        .configure_view(stroke=None)
    )


_DATASET = "table"


def _finish(chart: alt.TopLevelMixin) -> str:
    """The chart's spec as JSON text, to be cached and filled by :func:`_filled`."""
    spec: dict[str, Any] = _config(chart).to_dict()
    spec["width"] = "container"
    spec["autosize"] = {"type": "fit-x", "contains": "padding", "resize": True}
    return json.dumps(spec)


def _filled(template: str, values: list[dict[str, Any]]) -> dict[str, Any]:
    spec: dict[str, Any] = json.loads(template)
    spec["data"] = {"values": values}
    return spec


def _int(value: Any) -> int | None:
    if value is None or isinstance(value, bool):
        return None
    return int(value)


def trend_chart(months: list[dict[str, Any]], *, lang: str = "vi") -> dict[str, Any]:
    """Posts (bars, left axis) and reach (line, right axis) per month.

    ``months``: ``[{"month": "2026-01", "label": "T1/2026", "posts": int, "reach": int}]``
    in order; the x axis shows each month's ``label`` (the reporting month's, under Decree
    09), as the tables do.
    """
    t = _t(lang)
    values = [
        {
            "month": str(row["month"]),
            "month_label": str(row.get("label") or _month_label(str(row["month"]))),
            "posts": _int(row.get("posts")) or 0,
            "reach": _int(row.get("reach")),
            "series_posts": t["posts"],
            "series_reach": t["reach_short"],
        }
        for row in months
    ]
    return _filled(_trend_template(lang, 0 if len(values) <= 4 else -45), values)


@functools.lru_cache(maxsize=16)
def _trend_template(lang: str, label_angle: int) -> str:
    t = _t(lang)
    data = alt.Data(name=_DATASET)
    x = alt.X(
        "month_label:O",
        title=None,
        sort=None,
        axis=alt.Axis(labelAngle=label_angle, labelOverlap=True),
    )
    tooltip = [
        alt.Tooltip("month_label:N", title=t["month"]),
        alt.Tooltip("posts:Q", title=t["posts"], format=",d"),
        alt.Tooltip("reach:Q", title=t["reach"], format=",d"),
    ]
    base = alt.Chart(data)
    color = alt.Color(
        "series:N",
        title=None,
        scale=alt.Scale(domain=[t["posts"], t["reach_short"]], range=[_POSTS_COLOR, _REACH_COLOR]),
        legend=alt.Legend(orient="top", direction="horizontal"),
    )
    bars = (
        base.transform_calculate(series=f"'{_escape(t['posts'])}'")
        .mark_bar(opacity=0.85, cornerRadiusTopLeft=2, cornerRadiusTopRight=2)
        .encode(
            x=x,
            y=alt.Y(
                "posts:Q",
                title=t["posts"],
                axis=alt.Axis(
                    labelExpr=_compact_expr(lang), titleColor=_POSTS_COLOR, tickMinStep=1
                ),
                # One series, nothing to stack. A stacked bar gets its rounded corners from
                # a clipping group per bar, which the PNG renderer composites as a layer of
                # the whole image each (about half the trend chart's rendering time).
                stack=None,
            ),
            color=color,
            tooltip=tooltip,
        )
    )
    line = (
        base.transform_filter("isValid(datum.reach)")
        .transform_calculate(series=f"'{_escape(t['reach_short'])}'")
        .mark_line(point=True, strokeWidth=2)
        .encode(
            x=x,
            y=alt.Y(
                "reach:Q",
                title=t["reach_short"],
                axis=alt.Axis(
                    orient="right", labelExpr=_compact_expr(lang), titleColor=_REACH_COLOR
                ),
            ),
            color=color,
            tooltip=tooltip,
        )
    )
    chart = (
        alt.layer(bars, line)
        .resolve_scale(y="independent")
        .properties(
            height=_HEIGHT,
            title=alt.Title(t["trend_title"], subtitle=t["reach_note"], anchor="start"),
        )
    )
    return _finish(chart)


def _month_label(month: str) -> str:
    year, _, mon = month.partition("-")
    return f"T{int(mon)}/{year}" if mon.isdigit() else month


def _escape(text: str) -> str:
    """Escape a label for a single-quoted Vega expression string."""
    return text.replace("\\", "\\\\").replace("'", "\\'")


def _bar_chart(
    rows: list[dict[str, Any]], key: str, key_title: str, title: str, metric: str, lang: str
) -> dict[str, Any]:
    t = _t(lang)
    values: list[dict[str, Any]] = []
    for row in rows:
        value = _int(row.get(metric))
        values.append(
            {
                "key": str(row.get(key, "")),
                "label": str(row.get("label") or row.get(key) or ""),
                "posts": _int(row.get("posts")) or 0,
                "reach": _int(row.get("reach")),
                "value": value,
                "value_text": None if value is not None else t["no_data"],
            }
        )
    # Sorted here (largest first, "no data" last): a sort on a layered, filtered y would be
    # unioned away by Vega-Lite.
    values.sort(key=lambda v: (v["value"] is None, -(v["value"] or 0), v["label"]))
    top = max((v["value"] for v in values if v["value"] is not None), default=0)
    spec = _filled(_bar_template(key_title, title, metric, lang), values)
    spec["height"] = max(60, 30 * len(values))
    # Head-room for the value written after the longest bar.
    spec["layer"][0]["encoding"]["x"]["scale"]["domainMax"] = max(top * 1.3, 1)
    return spec


@functools.lru_cache(maxsize=32)
def _bar_template(key_title: str, title: str, metric: str, lang: str) -> str:
    t = _t(lang)
    metric_title = t["posts"] if metric == "posts" else t["reach"]
    base = alt.Chart(alt.Data(name=_DATASET)).encode(
        y=alt.Y("label:N", title=None, sort=None),
        tooltip=[
            alt.Tooltip("label:N", title=key_title),
            alt.Tooltip("posts:Q", title=t["posts"], format=",d"),
            alt.Tooltip("reach:Q", title=t["reach"], format=",d"),
        ],
    )
    x = alt.X(
        "value:Q",
        title=metric_title,
        axis=alt.Axis(labelExpr=_compact_expr(lang), tickCount=4),
        scale=alt.Scale(nice=True, domainMin=0, domainMax=1),  # set per report
    )
    bars = base.mark_bar(color=_POSTS_COLOR if metric == "posts" else _REACH_COLOR).encode(x=x)
    labels = base.mark_text(align="left", dx=3, fontSize=11).encode(
        x=alt.X("value:Q"),
        text=alt.Text("value:Q", format=",d"),
    )
    missing = (
        base.transform_filter("!isValid(datum.value)")
        .mark_text(align="left", dx=3, fontSize=11, fontStyle="italic", color="#666")
        .encode(x=alt.datum(0), text="value_text:N")
    )
    chart = alt.layer(bars, labels, missing).properties(
        height=60,
        title=alt.Title(title, anchor="start"),  # height set per report
    )
    return _finish(chart)


def platform_chart(
    rows: list[dict[str, Any]], *, metric: str = "posts", lang: str = "vi"
) -> dict[str, Any]:
    """Horizontal bars per platform.

    ``rows``: ``[{"platform": "facebook", "label": "Facebook", "posts": int,
    "reach": int | None}]``. ``metric`` is "posts" (default) or "reach"; platforms without
    reach are shown as "không có số liệu" on a reach chart, never as 0.
    """
    if metric not in ("posts", "reach"):
        raise ValueError(f"metric must be 'posts' or 'reach', not {metric!r}")
    t = _t(lang)
    return _bar_chart(rows, "platform", t["platform"], t["platform_title"], metric, lang)


def content_type_chart(
    rows: list[dict[str, Any]], *, metric: str = "posts", lang: str = "vi"
) -> dict[str, Any]:
    """Horizontal bars per content type; rows like :func:`platform_chart` with "content_type"."""
    if metric not in ("posts", "reach"):
        raise ValueError(f"metric must be 'posts' or 'reach', not {metric!r}")
    t = _t(lang)
    return _bar_chart(
        rows, "content_type", t["content_type"], t["content_type_title"], metric, lang
    )


def followers_chart(data: dict[str, Any] | None, *, lang: str = "vi") -> dict[str, Any] | None:
    """Followers by month: one line per channel (``data["by_channel"]``) or the subtree's
    total, from the report's ``followers`` (``reports.followers.followers_json``). None when
    there is no line to draw: fewer than two months, or no follower count at all."""
    if not data or len(data.get("months") or []) < 2:
        return None
    t = _t(lang)
    labels = [str(m.get("label") or _month_label(str(m.get("month")))) for m in data["months"]]
    by_channel = bool(data.get("by_channel"))
    legend_name = _legend_names([str(c.get("channel") or "") for c in data.get("channels") or []])
    values: list[dict[str, Any]] = []
    for i, label in enumerate(labels):  # month by month: the x axis keeps the months' order
        if by_channel:
            for channel in data.get("channels") or []:
                counts = channel.get("counts") or []
                count = counts[i] if i < len(counts) else None
                if count:
                    values.append(
                        {
                            "month_label": label,
                            "series": legend_name[str(channel.get("channel") or "")],
                            "name": str(channel.get("channel") or ""),
                            "followers": _int(count[0]),
                        }
                    )
        else:
            total = (data.get("total") or [])[i : i + 1]
            if total and total[0].get("followers") is not None:
                values.append(
                    {
                        "month_label": label,
                        "series": t["followers_total"],
                        "followers": _int(total[0]["followers"]),
                    }
                )
    if not values:
        return None
    spec = _filled(_followers_template(lang, 0 if len(labels) <= 4 else -45, by_channel), values)
    spec["encoding"]["x"]["scale"]["domain"] = labels  # every month, even one without a count
    return spec


LEGEND_CHARS = 36  # about the 220 px a legend line has on a phone


def _legend_names(names: list[str]) -> dict[str, str]:
    """Each channel's name for the legend: a long one loses its middle, not its end. A
    unit's channels share their beginning ("Trang web: Trang thông tin điện tử …") and
    differ at the end, which a cut at the end would hide. Names that would still collide
    stay whole (the legend then cuts them at its width)."""
    short = {}
    for name in names:
        if len(name) <= LEGEND_CHARS:
            short[name] = name
        else:
            head = LEGEND_CHARS * 2 // 5
            short[name] = name[:head].rstrip() + "…" + name[-(LEGEND_CHARS - head - 1) :].lstrip()
    taken = Counter(short.values())
    return {name: cut if taken[cut] == 1 else name for name, cut in short.items()}


@functools.lru_cache(maxsize=8)
def _followers_template(lang: str, label_angle: int, by_channel: bool) -> str:
    t = _t(lang)
    legend = (
        # One channel a line under the plot, which begins after the y axis (~70 px): names
        # cut at 220 px keep the legend inside a 360-px phone's chart.
        alt.Legend(orient="bottom", direction="vertical", columns=1, labelLimit=220)
        if by_channel
        else None
    )
    chart = (
        alt.Chart(alt.Data(name=_DATASET))
        .mark_line(point=True, strokeWidth=2)
        .encode(
            x=alt.X(
                "month_label:O",
                title=None,
                sort=None,
                scale=alt.Scale(domain=["T1/2026"]),  # the report's months, set per report
                axis=alt.Axis(labelAngle=label_angle, labelOverlap=True),
            ),
            y=alt.Y(
                "followers:Q",
                title=t["followers"],
                scale=alt.Scale(zero=False, nice=True),
                axis=alt.Axis(labelExpr=_compact_expr(lang), tickCount=5),
            ),
            color=alt.Color(
                "series:N",
                title=None,
                sort=None,
                legend=legend,
                scale=alt.Scale(scheme="tableau10")
                if by_channel
                else alt.Scale(range=[_POSTS_COLOR]),
            ),
            tooltip=[
                alt.Tooltip("month_label:N", title=t["month"]),
                *([alt.Tooltip("name:N", title=t["channel"])] if by_channel else []),
                alt.Tooltip("followers:Q", title=t["followers"], format=",d"),
            ],
        )
        .properties(
            height=_HEIGHT,
            title=alt.Title(
                t["followers_title"],
                subtitle=t["followers_note" if by_channel else "followers_total_note"].split("\n"),
                anchor="start",
            ),
        )
    )
    return _finish(chart)


def warm() -> None:
    """Build every chart shape a report uses, in both languages, before the first visitor
    (gunicorn calls this as each worker starts; a worker restarts every ``max_requests``)."""
    for lang in _TEXT:
        for months in (1, 12):
            trend_chart([{"month": "2026-01", "posts": 0, "reach": None}] * months, lang=lang)
        for metric in ("posts", "reach"):
            platform_chart([], metric=metric, lang=lang)
            content_type_chart([], metric=metric, lang=lang)
        for by_channel in (True, False):
            for angle in (0, -45):
                _followers_template(lang, angle, by_channel)


def spec_json(spec: dict[str, Any]) -> str:
    """JSON for ``<script type="application/json">`` (``<``, ``>``, ``&`` escaped)."""
    text = json.dumps(spec, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _vl_version() -> str | None:
    import vl_convert as vlc

    wanted = alt.SCHEMA_VERSION.lstrip("v").rsplit(".", 1)[0]  # "v6.4.1" → "6.4"
    return wanted if wanted in vlc.get_vegalite_versions() else None


def _fix_width(node: Any, width: int) -> None:
    if isinstance(node, dict):
        if node.get("width") == "container":
            node["width"] = width
        if node.get("height") == "container":
            node["height"] = _HEIGHT
        for value in node.values():
            _fix_width(value, width)
    elif isinstance(node, list):
        for value in node:
            _fix_width(value, width)


def render_png(
    spec: dict[str, Any],
    *,
    scale: float = 2.0,
    width: int = 640,
    lang: str = "vi",
    font: str | None = PNG_FONT,
) -> bytes:
    """Render a spec to PNG with vl-convert, the vi (or en) locale, ``width`` CSS pixels wide.

    The PNG is ``width * scale`` pixels wide (1280 by default: sharp at 16 cm in a .docx).
    ``font`` replaces the browser font list (see :data:`PNG_FONT`); None keeps it.
    """
    import vl_convert as vlc

    spec = copy.deepcopy(spec)
    _fix_width(spec, width)
    if font:
        spec.setdefault("config", {})["font"] = font
    spec["autosize"] = {"type": "fit-x", "contains": "padding"}
    locale = VEGA_LOCALE_EN if lang == "en" else VEGA_LOCALE_VI
    return bytes(
        vlc.vegalite_to_png(
            spec,
            vl_version=_vl_version(),
            scale=scale,
            format_locale=locale["formatLocale"],
            time_format_locale=locale["timeFormatLocale"],
        )
    )
