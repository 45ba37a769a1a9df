"""The .docx's tables are written as XML (``reports/render/docx_table.py``); each must be,
element for element, the table python-docx's object API writes cell by cell (below, as the
renderer wrote it before), and read back as the section declares it."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.utils import translation
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table as DocxTable
from lxml import etree

from reports.model import ReportData
from reports.render.docx import STT_CM, _DocxBuilder
from reports.render.docx_style import (
    TABLE_PT,
    TEXT_W_CM,
    _add_text,
    _fixed_widths,
    _fmt_para,
    _hyperlink,
)
from reports.sections import SECTIONS
from reports.sections.base import COUNT, LINK, TEXT, Cell, Table
from reports.tests.test_render_documents import sample_data


def api_table(builder: _DocxBuilder, t: Table) -> DocxTable:
    """The reference: the table through python-docx's object API, one cell at a time."""
    size = TABLE_PT if len(t.headers) <= 6 else 10
    widths = [STT_CM, *t.docx_cm]
    widths[1] += TEXT_W_CM - sum(widths)
    rows = [*t.rows, *([t.total] if t.total else [])]
    table = builder.doc.add_table(rows=1 + len(rows), cols=len(widths))
    table.style = builder.doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _fixed_widths(table, widths)
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    tr_pr.append(repeat)
    tr_pr.append(OxmlElement("w:cantSplit"))
    for r_index, row in enumerate(table.rows):
        is_total = t.total is not None and r_index == len(rows)
        for c_index, cell in enumerate(row.cells):
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            p = cell.paragraphs[0]
            if r_index == 0:
                _fmt_para(p, align=WD_ALIGN_PARAGRAPH.CENTER, before=2, after=2)
                _add_text(p, "STT" if c_index == 0 else t.headers[c_index - 1], size, True)
                continue
            if c_index == 0:
                _fmt_para(p, align=WD_ALIGN_PARAGRAPH.CENTER, before=2, after=2)
                _add_text(p, "" if is_total else str(r_index), size)
                continue
            data = rows[r_index - 1][c_index - 1]
            align = WD_ALIGN_PARAGRAPH.RIGHT if data.numeric else WD_ALIGN_PARAGRAPH.LEFT
            _fmt_para(p, align=align, before=2, after=2, line=1.0)
            if data.kind == LINK and data.url:
                _hyperlink(p, data.url, data.text, size)
            else:
                _add_text(p, data.text, size, bold=is_total)
    return table


def xml(builder: _DocxBuilder, table: DocxTable) -> str:
    """The table's XML, each hyperlink's relationship id replaced by its address (the two
    tables of a comparison live in one document, so their ids differ)."""
    rels = builder.doc.part.rels
    text = etree.tostring(table._tbl, encoding="unicode")
    return re.sub(r'r:id="(rId\d+)"', lambda m: f'r:id="{rels[m[1]].target_ref}"', text)


def edge_cases() -> Table:
    """Texts python-docx writes in more than one element, or with xml:space, and links."""
    texts = ["", " leading", "trailing ", "a\tb", "two\nlines", "\r=2", "<&>\"'", "Đặc khu"]
    rows = tuple(
        (
            Cell(TEXT, text, text),
            Cell(COUNT, i, str(i)),
            Cell(LINK, text, text, url="https://example.org/p?a=1&b=2" if i % 2 else None),
        )
        for i, text in enumerate(texts)
    )
    total = (Cell(TEXT, "Tổng cộng", "Tổng cộng"), Cell(COUNT, 7, "7"), Cell(LINK, "x", "x"))
    return Table(
        key="edge",
        title="Edge",
        headers=("Tên", "Số", "Liên kết"),
        kinds=(TEXT, COUNT, LINK),
        docx_cm=(3.0, 2.0, 4.0),
        xlsx_chars=(10, 10, 10),
        sorts=(None, None, None),
        rows=rows,
        total=total,
        empty="",
    )


def province_tables() -> list[Table]:
    model = ReportData.from_dict(sample_data(150))
    with translation.override("vi"):
        tables = [s.table(model) for s in SECTIONS if s.in_document and s.shown(model)]
    return [t for t in tables if t is not None and t.rows]


@pytest.fixture(scope="module")
def tables() -> list[Table]:
    return [*province_tables(), edge_cases()]


def test_each_table_is_the_xml_python_docx_writes(tables: list[Table]) -> None:
    assert len(tables) >= 7 and sum(len(t.rows) for t in tables) > 150
    builder = _DocxBuilder(ReportData.from_dict(sample_data(1)), None)
    for t in tables:
        written = builder.table(t)
        reference = api_table(builder, t)
        assert xml(builder, written) == xml(builder, reference), t.key


def test_each_table_reads_back_as_declared(tables: list[Table]) -> None:
    """Independently of the reference: every cell's text, the declared widths, the repeated
    header, bold only in the header and the total row, numbers right-aligned, links kept."""
    builder = _DocxBuilder(ReportData.from_dict(sample_data(1)), None)
    grid_style = builder.doc.part.get_style_id(
        builder.doc.styles["Table Grid"], WD_STYLE_TYPE.TABLE
    )
    for t in tables:
        table = builder.table(t)
        assert table._tbl.tblStyle_val == grid_style
        body = [*t.rows, *([t.total] if t.total else [])]
        assert len(table.rows) == 1 + len(body), t.key
        header = table.rows[0]
        repeat = header._tr.xpath("./w:trPr/w:tblHeader")
        assert [el.get(qn("w:val")) for el in repeat] == ["true"], t.key
        assert [c.text for c in header.cells] == ["STT", *t.headers]
        widths = [c.width for c in header.cells]
        assert [w.twips for w in widths[2:]] == [Cm(w).twips for w in t.docx_cm[1:]]
        assert abs(sum(widths) - Cm(TEXT_W_CM)) < Cm(0.01)
        size = Pt(TABLE_PT if len(t.headers) <= 6 else 10)
        for r, (row, cells) in enumerate(zip(table.rows[1:], body, strict=True), start=1):
            is_total = t.total is not None and r == len(body)
            assert row.cells[0].text == ("" if is_total else str(r))
            for cell, want in zip(row.cells[1:], cells, strict=True):
                assert [c.width for c in row.cells] == widths
                p = cell.paragraphs[0]
                assert cell.text == want.text.replace("\r", "\n"), (t.key, r)
                assert p.alignment == (
                    WD_ALIGN_PARAGRAPH.RIGHT if want.numeric else WD_ALIGN_PARAGRAPH.LEFT
                )
                links = p._p.findall(qn("w:hyperlink"))
                assert len(links) == (1 if want.kind == LINK and want.url else 0)
                runs: list[Any] = p.runs + [r for link in p.hyperlinks for r in link.runs]
                for run in runs:
                    assert run.font.size == size
                    assert run.font.bold is (is_total and not links)
        for cell in header.cells:
            assert all(run.font.bold for run in cell.paragraphs[0].runs)
