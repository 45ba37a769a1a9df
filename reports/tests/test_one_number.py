"""One number everywhere: random units and periods rendered to the page, the .docx and the
.xlsx; every figure is read back from each and compared with the report's model, and every
table with a total row adds up to the headline figures."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone
from docx import Document
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from connectors.models import Connection, FollowerCount
from ledger.services import monthly_form_approve, monthly_form_save, monthly_form_submit
from reports import build
from reports.model import ReportData
from reports.periods import parse_period
from reports.render.docx import render_docx
from reports.render.xlsx import render_xlsx
from reports.sections import SECTIONS
from reports.sections.base import COUNT, DATE, LINK, NUMERIC, Cell
from reports.tests.factories import add_posts, at, channel

FIGURES = ("posts", "reach", "views", "engagements", "posts_without_reach")


def _vi_number(text: str) -> int | None:
    text = text.strip()
    return None if text in ("—", "") else int(text.replace(".", ""))


@pytest.fixture
def data(world: Any) -> Any:
    admin = world.province_users["administrator"]
    posts = [
        (world.commune_a, "facebook", at(2026, 1, 5), 1234567, "photo"),
        (world.commune_a, "facebook", at(2026, 2, 20), 300, "article"),
        (world.commune_a, "zalo", at(2025, 12, 20), 50, "article"),
        (world.commune_b, "youtube", at(2026, 3, 3), None, "video"),
        (world.commune_b, "tiktok", at(2026, 6, 14, 23), None, "video"),
        (world.department, "facebook", at(2026, 5, 31, 23), 1000, "article"),
        (world.province, "website", at(2026, 1, 15, 0), None, "article"),
        (world.province, "facebook", at(2025, 3, 1), 40, "article"),
    ]
    channels: dict[tuple[str, str], Any] = {}
    for i, (unit, platform, when, reach, ctype) in enumerate(posts):
        key = (unit.code, platform)
        if key not in channels:
            channels[key] = channel(unit, platform)
        add_posts(
            admin,
            channels[key],
            [
                {
                    "post_id": f"p{i}",
                    "published_at": when,
                    "reach": reach,
                    "views": None if reach is None else reach * 2,
                    "reactions": i,
                    "content_type": ctype,
                    "caption": f"=Bài {i}",
                    "permalink": f"https://example.org/{i}",
                }
            ],
        )
    # A connected channel with followers over the year (the "sources" section's figures).
    fb = channels[(world.commune_a.code, "facebook")]
    Connection.objects.create(
        channel=fb,
        unit=world.commune_a,
        platform="facebook",
        account_id="1000000001",
        connected_at=timezone.now(),
        last_success_at=timezone.now(),
    )
    for day, followers in (
        (date(2026, 1, 2), 1000),
        (date(2026, 2, 15), 1234),
        (date(2026, 6, 30), 1500),
    ):
        FollowerCount.objects.create(channel=fb, as_of=day, followers=followers)
    form = monthly_form_save(
        acting_user=admin,
        unit=world.commune_b,
        month=date(2026, 2, 1),
        platform="zalo",
        articles=20,
        reach=3400,
    )
    monthly_form_approve(acting_user=admin, form=monthly_form_submit(acting_user=admin, form=form))
    return world


def _expected(model: ReportData) -> list[tuple[Any, Any]]:
    """(section, its table) for every section with a table, in the order shown."""
    return [(s, t) for s in SECTIONS if s.shown(model) and (t := s.table(model)) and t.rows]


def _check_cell(where: str, cell: Cell, text: str, raw: Any = "text") -> None:
    """A rendered cell against the model's: the same text, and for a figure the same number
    read back from that text (and from the .xlsx's number cell)."""
    if cell.kind == COUNT:
        assert _vi_number(text) == cell.value, (where, text, cell)
        if raw != "text":
            assert raw == cell.value, (where, raw, cell)
    elif cell.kind in NUMERIC:
        if raw == "text":
            assert text.strip() == cell.text, (where, text, cell)
        elif cell.value is None:
            assert raw is None, (where, raw, cell)
        else:
            assert abs(raw - cell.value) < 1e-9, (where, raw, cell)
    elif cell.kind == DATE:
        if raw != "text":
            assert (raw.date() if raw else None) == cell.value, (where, raw, cell)
        else:
            assert text.strip() == cell.text, (where, text, cell)
    elif cell.kind != LINK or raw == "text":
        assert " ".join(text.split()) == " ".join(cell.text.split()), (where, text, cell)


def _check_totals(model: ReportData) -> None:
    totals = model.headline.totals
    for section, table in _expected(model):
        if table.total is None:
            continue
        for col, cell in zip(section.columns, table.total, strict=True):
            if col.key in FIGURES:
                assert cell.value == getattr(totals, col.key), (section.key, col.key)


UNITS = st.sampled_from(["province", "commune_a", "commune_b", "department"])
PERIODS = st.sampled_from(["2026-H1", "2026-Q1", "2026-02", "2026", "2026-01-10:2026-03-05"])


@pytest.mark.slow
@pytest.mark.django_db
@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(unit_name=UNITS, code=PERIODS, convention=st.sampled_from(["calendar", "administrative"]))
# The followers section, always: commune a's channel by channel, the province's total.
@example(unit_name="commune_a", code="2026-H1", convention="administrative")
@example(unit_name="province", code="2026", convention="calendar")
def test_every_figure_reads_back_the_same_from_page_docx_and_xlsx(
    data: Any, client: Any, unit_name: str, code: str, convention: str
) -> None:
    unit = getattr(data, unit_name)
    period = parse_period(code, convention)
    model = ReportData.from_dict(build.report_data(unit, period))
    _check_totals(model)
    expected = _expected(model)
    if unit_name in ("commune_a", "province") and code in ("2026-H1", "2026"):
        assert "followers" in {s.key for s, _ in expected}  # the connected channel's counts

    # The page.
    client.force_login(data.province_users["viewer"])
    page = client.get(f"/reports/{unit.code}/", {"period": code, "convention": convention})
    soup = BeautifulSoup(page.content, "html.parser")
    for section, table in expected:
        if section.extra.get("cards"):
            for i, row in enumerate(table.rows):
                shown = soup.select_one(f'[data-figure="{section.key}:{i}"]')
                assert shown is not None, (section.key, i)
                _check_cell(f"page {section.key} card {i}", row[1], shown.get_text())
            continue
        html = soup.select_one(f'table[data-section="{section.key}"]')
        assert html is not None, section.key
        rows = html.select("tbody tr") + html.select("tfoot tr")
        cells = [*table.rows, *([table.total] if table.total else [])]
        assert len(rows) == len(cells), section.key
        for r, (tr, row) in enumerate(zip(rows, cells, strict=True)):
            for c, (td, cell) in enumerate(zip(tr.find_all("td"), row, strict=True)):
                _check_cell(f"page {section.key} {r},{c}", cell, td.get_text())

    # The .docx: its tables between the header block and the signer block, in order.
    doc = Document(io.BytesIO(render_docx(model)))
    docx_tables = doc.tables[1:-1]
    in_doc = [(s, t) for s, t in expected if s.in_document]
    assert len(docx_tables) == len(in_doc)
    for docx_table, (section, table) in zip(docx_tables, in_doc, strict=True):
        cells = [*table.rows, *([table.total] if table.total else [])]
        assert len(docx_table.rows) == 1 + len(cells), section.key
        for r, (docx_row, row) in enumerate(zip(docx_table.rows[1:], cells, strict=True)):
            for c, cell in enumerate(row):
                text = docx_row.cells[c + 1].text  # after the STT column
                _check_cell(f"docx {section.key} {r},{c}", cell, text)

    # The .xlsx: one sheet per section, numbers as number cells.
    wb = load_workbook(io.BytesIO(render_xlsx(model)))
    for section, table in expected:
        ws = wb[section.sheet]
        values = list(ws.iter_rows(min_row=2, values_only=True))
        cells = [*table.rows, *([table.total] if table.total else [])]
        got = values[: len(cells)]
        for r, (row_values, row) in enumerate(zip(got, cells, strict=True)):
            for c, cell in enumerate(row):
                raw = row_values[c]
                text = "" if raw is None else str(raw)
                _check_cell(f"xlsx {section.key} {r},{c}", cell, text, raw)
