"""A section's table in the .docx: numbered rows (STT), a bold header repeated on each page,
numbers right-aligned, the total row bold, fixed column widths.

The rows are written as XML. python-docx's object API costs about half a millisecond a cell
(every property setter searches the element's children for its place in the schema), and a
province's tables hold some 3,000 cells. Each kind of cell (its column, alignment and
weight) is built here once, from the same properties the API would set, and copied; only
its text changes. The few cells that need more than a plain ``<w:t>`` (a tab or a line
break in the text, a hyperlink) go through python-docx's API, so their XML is what it
writes. ``reports/tests/test_docx_tables.py`` compares every table with the API's.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

from docx.document import Document as DocxDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph

from reports.render.docx_style import FONT, _add_text, _fixed_widths, _hyperlink
from reports.sections.base import LINK, Cell, Table

CELL_SPACE_PT = 2  # before and after each cell's paragraph
_PLAIN_NEEDS_API = frozenset("\t\r\n")  # python-docx writes these as <w:tab/> or <w:br/>
_XML_SPACE = qn("xml:space")

CENTER, LEFT, RIGHT = "center", "left", "right"


def _cell_xml(width_twips: int, jc: str, size: float, bold: bool) -> str:
    """One cell, as ``table.cell`` + ``_fmt_para`` + ``_style_run`` make it: width and
    vertical centring; 2 pt before and after, single line, no indent, ``jc``; Times New
    Roman in all four slots, bold or not, never italic, ``size``; one empty ``<w:t/>``."""
    weight = "" if bold else ' w:val="0"'
    half_points = round(size * 2)
    space = round(CELL_SPACE_PT * 20)
    fonts = " ".join(f'w:{slot}="{FONT}"' for slot in ("ascii", "hAnsi", "eastAsia", "cs"))
    return (
        f"<w:tc {nsdecls('w')}>"
        f'<w:tcPr><w:tcW w:type="dxa" w:w="{width_twips}"/><w:vAlign w:val="center"/></w:tcPr>'
        "<w:p><w:pPr>"
        f'<w:spacing w:before="{space}" w:after="{space}" w:line="240" w:lineRule="auto"/>'
        f'<w:ind w:firstLine="0"/><w:jc w:val="{jc}"/>'
        "</w:pPr><w:r><w:rPr>"
        f"<w:rFonts {fonts}/><w:b{weight}/><w:bCs{weight}/>"
        '<w:i w:val="0"/><w:iCs w:val="0"/>'
        f'<w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/>'
        "</w:rPr><w:t/></w:r></w:p></w:tc>"
    )


class _Cells:
    """Cells of one table, copied from one built prototype per (column, alignment, bold)."""

    def __init__(self, table: DocxTable, widths_cm: Sequence[float], size: float) -> None:
        self.table = table
        self.twips = [Cm(w).twips for w in widths_cm]
        self.size = size
        self._made: dict[tuple[int, str, bool], Any] = {}

    def _prototype(self, column: int, jc: str, bold: bool) -> Any:
        key = (column, jc, bold)
        proto = self._made.get(key)
        if proto is None:
            proto = parse_xml(_cell_xml(self.twips[column], jc, self.size, bold))
            self._made[key] = proto
        return proto

    def text(self, column: int, text: str, jc: str, *, bold: bool = False) -> Any:
        tc = copy.deepcopy(self._prototype(column, jc, bold))
        p = tc[1]
        run = p[1]
        if _PLAIN_NEEDS_API.isdisjoint(text):
            t = run[1]
            if text:
                t.text = text
                if len(text.strip()) < len(text):  # as python-docx's CT_R.add_t
                    t.set(_XML_SPACE, "preserve")
            else:
                run.remove(t)
        else:
            p.remove(run)
            _add_text(Paragraph(p, self.table), text, self.size, bold)
        return tc

    def link(self, column: int, text: str, url: str, jc: str) -> Any:
        tc = copy.deepcopy(self._prototype(column, jc, False))
        p = tc[1]
        p.remove(p[1])
        _hyperlink(Paragraph(p, self.table), url, text, self.size)
        return tc


def _row(cells: Sequence[Any], *, header: bool = False) -> Any:
    tr = OxmlElement("w:tr")
    if header:  # repeated at the top of each page, never split across two
        tr_pr = OxmlElement("w:trPr")
        repeat = OxmlElement("w:tblHeader")
        repeat.set(qn("w:val"), "true")
        tr_pr.append(repeat)
        tr_pr.append(OxmlElement("w:cantSplit"))
        tr.append(tr_pr)
    for tc in cells:
        tr.append(tc)
    return tr


def _data_cell(cells: _Cells, column: int, data: Cell, *, bold: bool) -> Any:
    jc = RIGHT if data.numeric else LEFT
    if data.kind == LINK and data.url:
        return cells.link(column, data.text, data.url, jc)
    return cells.text(column, data.text, jc, bold=bold)


def add_table(
    doc: DocxDocument,
    t: Table,
    widths_cm: Sequence[float],
    size: float,
    *,
    stt: str,
    style_id: str | None,
) -> DocxTable:
    """``t`` as a table in the table style ``style_id`` ("Table Grid"'s), centred on the
    line, its columns ``widths_cm`` (the first is the row number's, headed ``stt``), text
    at ``size`` points."""
    table = doc.add_table(rows=0, cols=len(widths_cm))
    table._tbl.tblStyle_val = style_id  # what ``table.style = …`` writes
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _fixed_widths(table, widths_cm)
    cells = _Cells(table, widths_cm, size)
    tbl = table._tbl
    headers = [stt, *t.headers]
    tbl.append(
        _row([cells.text(c, h, CENTER, bold=True) for c, h in enumerate(headers)], header=True)
    )
    body = [*t.rows, *([t.total] if t.total else [])]
    for number, row in enumerate(body, start=1):
        is_total = t.total is not None and number == len(body)
        tbl.append(
            _row(
                [
                    cells.text(0, "" if is_total else str(number), CENTER),
                    *(
                        _data_cell(cells, c, data, bold=is_total)
                        for c, data in enumerate(row, start=1)
                    ),
                ]
            )
        )
    return table
