"""Tests for reports.charts."""

from __future__ import annotations

import json
import re
import struct
from pathlib import Path
from typing import Any

import altair as alt
import pytest

from reports.charts import (
    VEGA_LOCALE_EN,
    VEGA_LOCALE_VI,
    content_type_chart,
    platform_chart,
    render_png,
    spec_json,
    trend_chart,
)

MONTHS = [
    {"month": f"2026-{m:02d}", "posts": 1000 + 37 * m, "reach": 1234567 * m} for m in range(1, 13)
]
PLATFORMS = [
    {"platform": "facebook", "label": "Facebook", "posts": 5210, "reach": 1234567},
    {"platform": "zalo", "label": "Zalo OA", "posts": 820, "reach": None},
    {"platform": "youtube", "label": "YouTube 'quote'", "posts": 312, "reach": 456789},
]
TYPES = [
    {"content_type": "video", "label": "Video", "posts": 1200, "reach": 2500000},
    {"content_type": "article", "label": "Bài viết", "posts": 5000, "reach": None},
]


def _png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    return width, height


@pytest.fixture(scope="module")
def specs() -> dict[str, dict[str, Any]]:
    return {
        "trend": trend_chart(MONTHS),
        "platform": platform_chart(PLATFORMS),
        "platform_reach": platform_chart(PLATFORMS, metric="reach"),
        "content_type": content_type_chart(TYPES),
        "trend_en": trend_chart(MONTHS, lang="en"),
    }


def test_specs_are_vega_lite_dicts(specs: dict[str, dict[str, Any]]) -> None:
    for name, spec in specs.items():
        assert isinstance(spec, dict), name
        assert (
            spec["$schema"] == f"https://vega.github.io/schema/vega-lite/{alt.SCHEMA_VERSION}.json"
        )
        assert spec["width"] == "container"
        assert spec["autosize"]["type"] == "fit-x"
        json.dumps(spec)  # plain JSON
        # round-trips through Altair's schema validation
        alt.Chart.from_dict(spec) if "mark" in spec else alt.LayerChart.from_dict(spec)


def test_trend_chart_content(specs: dict[str, dict[str, Any]]) -> None:
    spec = specs["trend"]
    text = json.dumps(spec, ensure_ascii=False)
    assert "T1/2026" in text  # x labels: the months' own labels, as in the tables
    assert ",d" in text  # d3 grouped integers → 1.234.567 with the vi format locale
    marks = [layer["mark"]["type"] for layer in spec["layer"]]
    assert marks == ["bar", "line"]
    assert spec["resolve"]["scale"]["y"] == "independent"
    assert "Số bài viết" in text and "không phải số người" in text
    values = spec["datasets"] if "datasets" in spec else None
    assert values is None or values  # inline data
    assert "Posts" in json.dumps(specs["trend_en"])


def test_bar_charts_sorted_and_missing_reach(specs: dict[str, dict[str, Any]]) -> None:
    spec = specs["platform_reach"]
    data = spec["data"]["values"] if "data" in spec else next(iter(spec["datasets"].values()))
    labels = [row["label"] for row in data]
    assert labels == ["Facebook", "YouTube 'quote'", "Zalo OA"]  # largest first, None last
    assert data[-1]["value"] is None and data[-1]["value_text"] == "không có số liệu"
    assert spec["layer"][0]["mark"]["type"] == "bar"
    assert spec["layer"][0]["encoding"]["y"]["field"] == "label"
    with pytest.raises(ValueError):
        platform_chart(PLATFORMS, metric="nope")
    assert specs["content_type"]["layer"][0]["mark"]["type"] == "bar"


def test_locales() -> None:
    fmt = VEGA_LOCALE_VI["formatLocale"]
    assert fmt == {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["", " ₫"]}
    time = VEGA_LOCALE_VI["timeFormatLocale"]
    assert time["months"][0] == "Tháng 1" and time["months"][11] == "Tháng 12"
    assert time["shortMonths"][0] == "Th1"
    assert time["dateTime"] == "%d/%m/%Y %H:%M"
    assert len(time["days"]) == 7 and len(time["shortDays"]) == 7
    assert VEGA_LOCALE_EN["formatLocale"]["thousands"] == ","


def test_charts_js_uses_the_same_locale() -> None:
    js = (Path(__file__).resolve().parents[2] / "static" / "js" / "charts.js").read_text()
    assert 'decimal: ",", thousands: "."' in js
    for month in VEGA_LOCALE_VI["timeFormatLocale"]["months"]:
        assert f'"{month}"' in js
    assert "vegaEmbed" in js and 'renderer: "svg"' in js and "actions: false" in js
    assert "data-spec-id" in js and "documentElement.lang" in js
    assert "eval(" not in js and "innerHTML" not in js


def test_vendored_versions_match_altair() -> None:
    vendor = Path(__file__).resolve().parents[2] / "static" / "vendor" / "vega"
    vl = (vendor / "vega-lite.min.js").read_text()
    assert f'"{alt.SCHEMA_VERSION.lstrip("v")}"' in vl[:1000]
    for name in ("vega.min.js", "vega-lite.min.js", "vega-embed.min.js"):
        assert (vendor / name).stat().st_size > 10_000
    for name in ("LICENSE-vega", "LICENSE-vega-lite", "LICENSE-vega-embed", "README.md"):
        assert (vendor / name).exists()


def test_spec_json_is_safe_in_script_tag() -> None:
    spec = platform_chart([{"platform": "x", "label": "</script><b>", "posts": 1, "reach": 1}])
    text = spec_json(spec)
    assert "</script>" not in text and "<" not in text
    assert json.loads(text)["data"]["values"][0]["label"] == "</script><b>"


def test_render_png(specs: dict[str, dict[str, Any]]) -> None:
    png = render_png(specs["trend"])
    width, height = _png_size(png)
    assert width == 1280  # 640 CSS px × scale 2
    assert 300 < height < 1200
    png = render_png(specs["platform"], scale=1, width=360)
    assert _png_size(png)[0] == 360
    # input spec left untouched
    assert specs["trend"]["width"] == "container"


def test_render_png_uses_vi_number_format() -> None:
    # A bar chart whose value label must read "1.234.567" in vi and "1,234,567" in en: compare
    # the two renders via vl-convert's SVG output with the same locales.
    import vl_convert as vlc

    spec = platform_chart([{"platform": "x", "label": "X", "posts": 1234567, "reach": None}])
    spec["width"] = 400
    svg_vi = vlc.vegalite_to_svg(
        spec,
        format_locale=VEGA_LOCALE_VI["formatLocale"],
        time_format_locale=VEGA_LOCALE_VI["timeFormatLocale"],
    )
    svg_en = vlc.vegalite_to_svg(spec, format_locale=VEGA_LOCALE_EN["formatLocale"])
    assert "1.234.567" in svg_vi and "1,234,567" not in svg_vi
    assert "1,234,567" in svg_en
    svg_trend = vlc.vegalite_to_svg(
        {**trend_chart(MONTHS), "width": 500},
        format_locale=VEGA_LOCALE_VI["formatLocale"],
        time_format_locale=VEGA_LOCALE_VI["timeFormatLocale"],
    )
    assert re.search(r"T1/2026", svg_trend) and "Th1" not in svg_trend
    # Axis ticks in words from 1.000 up ("1 nghìn", "1,2 nghìn"), never mixed with "5.000".
    assert "nghìn" in svg_trend and not re.search(r">\d{1,3}\.\d{3}<", svg_trend)


def test_a_chart_follows_its_own_data_though_its_shape_is_built_once() -> None:
    few = platform_chart(PLATFORMS[:1])
    many = platform_chart(PLATFORMS + [{"platform": "tiktok", "label": "TikTok", "posts": 9}])
    assert few["height"] < many["height"]
    assert few["layer"][0]["encoding"]["x"]["scale"]["domainMax"] == 5210 * 1.3
    few["data"]["values"].clear()
    few["layer"][0]["mark"]["color"] = "red"
    again = platform_chart(PLATFORMS[:1])
    assert [row["label"] for row in again["data"]["values"]] == ["Facebook"]
    assert again["layer"][0]["mark"]["color"] != "red"
    alt.LayerChart.from_dict(many)  # the filled spec is valid Vega-Lite


def test_the_trend_bars_are_drawn_without_a_clipping_group_each() -> None:
    """A stacked bar gets its rounded corners from a clipping group per bar, which the PNG
    renderer composites as a layer of the whole image each; the trend's bars (one series)
    are not stacked, and keep their rounded tops."""
    import vl_convert as vlc

    spec = trend_chart(MONTHS)
    svg = vlc.vegalite_to_svg({**spec, "width": 500})
    assert svg.count('aria-roledescription="bar"') == 12
    assert "clip-path" not in svg
    bar = spec["layer"][0]["mark"]
    assert bar["cornerRadiusTopLeft"] == bar["cornerRadiusTopRight"] == 2
