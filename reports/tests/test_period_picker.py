"""The period picker: kind, year and number (or two dates) become the short code in the URL;
the current period prefills it; a refusal names its field."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.utils import translation

PICKS = [
    ({"kind": "month", "year": "2026", "month": "7"}, "2026-07"),
    ({"kind": "quarter", "year": "2026", "quarter": "3"}, "2026-Q3"),
    ({"kind": "half", "year": "2026", "half": "1"}, "2026-H1"),
    ({"kind": "half", "year": "2025", "half": "2"}, "2025-H2"),
    ({"kind": "nine_months", "year": "2026"}, "2026-9M"),
    ({"kind": "year", "year": "2025"}, "2025"),
    ({"kind": "range", "start": "2026-03-01", "end": "2026-04-30"}, "2026-03-01%3A2026-04-30"),
    # a browser without date inputs sends what the user typed, the Vietnamese way
    ({"kind": "range", "start": "01/03/2026", "end": "30/04/2026"}, "2026-03-01%3A2026-04-30"),
]


@pytest.fixture
def viewer(world: Any, client: Any) -> Any:
    client.force_login(world.province_users["viewer"])
    return client


@pytest.mark.parametrize(("params", "code"), PICKS)
def test_the_picker_writes_the_short_code_in_the_url(viewer: Any, params: Any, code: str) -> None:
    # The other kinds' fields, as a browser without JavaScript sends them, are ignored.
    sent = {"month": "1", "quarter": "1", "half": "1", "year": "2026", "convention": "calendar"}
    r = viewer.get("/reports/22/", {**sent, "start": "", "end": "", **params})
    assert r.status_code == 302
    assert r["Location"] == f"/reports/22/?period={code}&convention=calendar"
    assert viewer.get(r["Location"]).status_code == 200


def test_the_picker_keeps_the_convention(viewer: Any) -> None:
    r = viewer.get(
        "/reports/22/",
        {"kind": "quarter", "year": "2026", "quarter": "3", "convention": "administrative"},
    )
    assert r["Location"] == "/reports/22/?period=2026-Q3&convention=administrative"


def _selected(page: str, name: str) -> str | None:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', page, re.S)
    assert select, name
    chosen = re.search(r'<option value="([^"]*)"[^>]*selected', select[1])
    return chosen[1] if chosen else None


def _value(page: str, name: str) -> str | None:
    field = re.search(rf'<input type="[a-z]+" name="{name}"[^>]*>', page)
    assert field, name
    value = re.search(r'value="([^"]*)"', field[0])
    return value[1] if value else None


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("2026-07", {"kind": "month", "month": "7"}),
        ("quý 3/2026", {"kind": "quarter", "quarter": "3"}),  # the text box's Vietnamese form
        ("2026-H2", {"kind": "half", "half": "2"}),
        ("2026-9M", {"kind": "nine_months"}),
        ("2026", {"kind": "year"}),
    ],
)
def test_the_current_period_prefills_the_picker(
    viewer: Any, code: str, expected: dict[str, str]
) -> None:
    page = viewer.get("/reports/22/", {"period": code}).content.decode()
    for name, value in expected.items():
        assert _selected(page, name) == value
    assert _value(page, "year") == "2026"


def test_a_date_range_prefills_the_dates(viewer: Any) -> None:
    page = viewer.get("/reports/22/", {"period": "01/03/2026-30/04/2026"}).content.decode()
    assert _selected(page, "kind") == "range"
    assert _value(page, "start") == "2026-03-01"
    assert _value(page, "end") == "2026-04-30"


REFUSALS = [
    ({"kind": "month", "year": "", "month": "7"}, "Năm: chưa nhập.", "Year: missing."),
    (
        {"kind": "month", "year": "hai nghìn", "month": "7"},
        "Năm: hãy nhập một số, ví dụ 2026.",
        "Year: enter a number, e.g. 2026.",
    ),
    (
        {"kind": "year", "year": "1999"},
        "Năm: phải từ 2000 trở đi.",
        "Year: must be 2000 or later.",
    ),
    (
        {"kind": "month", "year": "2026", "month": "13"},
        "Tháng: hãy chọn từ 1 đến 12.",
        "Month: choose 1 to 12.",
    ),
    ({"kind": "quarter", "year": "2026"}, "Quý: chưa nhập.", "Quarter: missing."),
    (
        {"kind": "range", "start": "2026-04-30", "end": "2026-03-01"},
        "Đến ngày: phải bằng hoặc sau Từ ngày.",
        "To: must be on or after From.",
    ),
    (
        {"kind": "range", "start": "31/02/2026", "end": "2026-03-01"},
        "Từ ngày: ngày không hợp lệ (dd/mm/yyyy).",
        "From: not a valid date (dd/mm/yyyy).",
    ),
    (
        {"kind": "year", "year": "2099"},
        "Năm: kỳ báo cáo này chưa bắt đầu (bắt đầu từ ngày 01/01/2099).",
        "Year: this period has not begun (it starts on 01/01/2099).",
    ),
    (
        {"kind": "range", "start": "2099-01-01", "end": "2099-02-01"},
        "Từ ngày: kỳ báo cáo này chưa bắt đầu (bắt đầu từ ngày 01/01/2099).",
        "From: this period has not begun (it starts on 01/01/2099).",
    ),
]


@pytest.mark.parametrize(("params", "vi", "en"), REFUSALS)
def test_a_refusal_names_the_field(viewer: Any, params: Any, vi: str, en: str) -> None:
    r = viewer.get("/reports/22/", params)
    assert r.status_code == 400
    page = r.content.decode()
    assert vi in page
    assert 'class="field has-error"' in page
    viewer.cookies["django_language"] = "en"
    with translation.override("en"):
        assert en in viewer.get("/reports/22/", params).content.decode()


def test_the_text_box_still_takes_the_vietnamese_forms(viewer: Any) -> None:
    r = viewer.get("/reports/22/", {"period": "6 tháng đầu năm 2026"})
    assert r.status_code == 200
    assert "01/01/2026" in r.content.decode()
    bad = viewer.get("/reports/22/", {"period": "quý 5/2026"})
    assert bad.status_code == 400
    assert "Kỳ báo cáo không hợp lệ" in bad.content.decode()
