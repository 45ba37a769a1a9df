"""Decree 09/2019 reporting months: under the administrative convention a quarter has three
months (T7/2026 = 15/06–14/07) in every rendering, and a month whose deadline has not passed
is "chưa đến hạn", not missing."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from bs4 import BeautifulSoup
from docx import Document
from openpyxl import load_workbook

from ledger.services import monthly_form_approve, monthly_form_save, monthly_form_submit
from reports import build, selectors
from reports.periods import parse_period
from reports.services import reporting_deadline_set
from reports.tests.factories import add_posts, at, channel


@pytest.fixture
def data(world: Any) -> Any:
    admin = world.province_users["administrator"]
    add_posts(
        admin,
        channel(world.commune_a),
        [
            {"published_at": at(2026, 6, 20), "reach": 1},  # T7
            {"published_at": at(2026, 7, 14, 23), "reach": 2},  # T7 (before the 15th)
            {"published_at": at(2026, 7, 15, 0), "reach": 4},  # T8
            {"published_at": at(2026, 9, 14, 23), "reach": 8},  # T9
            {"published_at": at(2026, 9, 15), "reach": 16},  # T10: outside Q3
            {"published_at": at(2026, 6, 14, 23), "reach": 32},  # T6: outside Q3
        ],
    )
    form = monthly_form_save(
        acting_user=admin,
        unit=world.commune_b,
        month=date(2026, 8, 1),
        platform="zalo",
        articles=5,
        reach=100,
    )
    monthly_form_approve(acting_user=admin, form=monthly_form_submit(acting_user=admin, form=form))
    return world


EXPECTED = [("T7/2026", 2, 3), ("T8/2026", 6, 104), ("T9/2026", 1, 8)]


def test_a_quarter_has_three_reporting_months_everywhere(data: Any, client: Any) -> None:
    period = parse_period("2026-Q3", "administrative")
    report = build.report_data(data.province, period)
    rows = [(m["label"], m["posts"], m["reach"]) for m in report["monthly"]]
    assert rows == EXPECTED
    assert [(m["start"], m["end"]) for m in report["monthly"]][0] == ("2026-06-15", "2026-07-14")
    assert sum(m["posts"] for m in report["monthly"]) == report["totals"]["posts"]

    # The API.
    client.force_login(data.province_users["viewer"])
    api = client.get(
        "/api/reports/summary", {"unit": "22", "period": "2026-Q3", "convention": "administrative"}
    ).json()
    assert [m["label"] for m in api["monthly"]] == ["T7/2026", "T8/2026", "T9/2026"]

    # The chart.
    trend = build.chart_specs(report)["trend"]
    values = trend["datasets"] if "datasets" in trend else None
    labels = {
        v["month_label"]
        for data_values in (values or {}).values()
        for v in data_values
        if "month_label" in v
    } or {v["month_label"] for v in trend["data"]["values"]}
    assert labels == {"T7/2026", "T8/2026", "T9/2026"}

    # The page.
    page = client.get("/reports/22/", {"period": "2026-Q3", "convention": "administrative"})
    table = BeautifulSoup(page.content, "html.parser").select_one('table[data-section="monthly"]')
    assert table is not None
    cells = [tr.find_all("td")[0].get_text() for tr in table.select("tbody tr")]
    assert cells == ["T7/2026 (15/06–14/07)", "T8/2026 (15/07–14/08)", "T9/2026 (15/08–14/09)"]

    # The .docx: the monthly table is the second of the report's tables.
    doc = Document(io.BytesIO(build.build_docx(report, with_charts=False)))
    monthly = doc.tables[2]
    assert [r.cells[1].text for r in monthly.rows[1:]] == [*cells, "Tổng cộng"]

    # The .xlsx.
    ws = load_workbook(io.BytesIO(build.build_xlsx(report)))["Theo tháng"]
    got = [r for r in ws.iter_rows(min_row=2, max_row=4, values_only=True)]
    assert [(r[0], r[1], r[2]) for r in got] == [
        (label, posts, reach) for (_l, posts, reach), label in zip(EXPECTED, cells, strict=True)
    ]


def test_the_calendar_convention_keeps_calendar_months(data: Any) -> None:
    months = selectors.monthly(data.province, parse_period("2026-Q3"))
    assert [(m["label"], m["posts"]) for m in months] == [
        ("T7/2026", 2),
        ("T8/2026", 5),
        ("T9/2026", 2),
    ]


def test_a_half_year_has_six_reporting_months(data: Any) -> None:
    months = selectors.monthly(data.province, parse_period("2026-H2", "administrative"))
    assert [m["label"] for m in months] == [f"T{m}/2026" for m in range(7, 13)]


def test_month_deadlines() -> None:
    july = date(2026, 7, 1)
    assert selectors.month_deadline(july, "administrative", 20) == date(2026, 7, 20)
    assert selectors.month_deadline(july, "calendar", 20) == date(2026, 8, 20)
    assert selectors.month_deadline(july, "administrative", 5) == date(2026, 8, 5)
    assert selectors.month_deadline(date(2026, 12, 1), "calendar", 20) == date(2027, 1, 20)


def test_a_month_still_open_is_not_missing(data: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(selectors.timezone, "localdate", lambda: date(2026, 8, 10))
    period = parse_period("2026-Q3", "administrative")
    c = selectors.summary(data.province, period)["completeness"]
    assert c["months"] == ["2026-07"]  # T7 was due on 20/07; T8 and T9 are still open
    assert c["months_not_due"] == ["2026-08", "2026-09"]
    assert c["expected"] == 4  # four units × one month due
    assert all(m["months_missing"] == ["2026-07"] for m in c["missing"])
    calendar = selectors.summary(data.province, parse_period("2026-Q3"))["completeness"]
    assert calendar["months"] == []  # July's figures are due on 20/08
    reporting_deadline_set(
        acting_user=data.province_users["administrator"], unit=data.province, day=5
    )
    calendar = selectors.summary(data.province, parse_period("2026-Q3"))["completeness"]
    assert calendar["months"] == ["2026-07"]  # due on 05/08 now
    assert calendar["deadline_day"] == 5
    model_doc = build.build_docx(
        build.report_data(data.province, parse_period("2026-Q3")), with_charts=False
    )
    text = "\n".join(p.text for p in Document(io.BytesIO(model_doc)).paragraphs)
    assert "Chưa đến hạn báo cáo (hạn: ngày 5): T8/2026, T9/2026" in text
