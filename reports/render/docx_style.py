"""The .docx's building blocks (Decree 30/2020/NĐ-CP layout): fonts, paragraph formats,
rules, borderless and fixed-width tables, the PAGE field, hyperlinks. Nothing here knows
what a report says."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Any

from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from reports.formatting import clean_text

FONT = "Times New Roman"
BODY_STYLE = "Bantin Body"
HEADING_STYLE = "Bantin Heading"
NATIONAL_NAME = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
SECTION_HEADINGS = (
    "I. KẾT QUẢ THỰC HIỆN",
    "II. TỒN TẠI, HẠN CHẾ",
    "III. PHƯƠNG HƯỚNG, NHIỆM VỤ",
    "IV. KIẾN NGHỊ, ĐỀ XUẤT",
)
EMPTY_PLACEHOLDER = "(Chưa nhập nội dung.)"
REACH_WORDS = "lượt tiếp cận (tổng của các bài viết)"

# Page geometry (mm) and derived widths (cm).
PAGE_W, PAGE_H = 210, 297
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = 20, 20, 30, 15
TEXT_W_CM = (PAGE_W - MARGIN_LEFT - MARGIN_RIGHT) / 10  # 16.5 cm
HEADER_LEFT_CM, HEADER_RIGHT_CM = 6.5, TEXT_W_CM - 6.5
CELL_PAD_CM = 0.19  # Word's default left/right cell margin (0.08")
CHART_W_CM = 16.0

BODY_PT = 14
TABLE_PT = 12


def _num(value: Any) -> int | float | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return value if not (isinstance(value, float) and not math.isfinite(value)) else None
    try:
        return int(value)
    except (TypeError, ValueError):
        try:
            f = float(value)
        except (TypeError, ValueError):
            return None
        return f if math.isfinite(f) else None


def _text(value: Any) -> str:
    return clean_text(value).strip()


_LIST_MARK = re.compile(r"^\s*(?:[-+*•–]|\d{1,2}[.)]|[a-zđ][.)])\s")


def split_paragraphs(text: str | None) -> list[str]:
    """Free text → paragraphs: split on blank lines; inside a block, a line that starts with a
    list marker ("- ", "+ ", "• ", "1. ", "a) ") starts a new paragraph, other line breaks are
    joined with a space (a manual line break would stretch justified text in Word)."""
    text = clean_text(text).replace("\r\n", "\n").replace("\r", "\n")
    out: list[str] = []
    for block in re.split(r"\n\s*\n", text):
        current: list[str] = []
        for line in block.split("\n"):
            line = line.strip()
            if not line:
                continue
            if current and _LIST_MARK.match(line):
                out.append(" ".join(current))
                current = []
            current.append(line)
        if current:
            out.append(" ".join(current))
    return out


def _set_fonts(rpr_parent: Any) -> None:
    """Times New Roman in all four font slots of an rPr, dropping theme-font overrides."""
    rpr = rpr_parent.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for attr in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        rfonts.attrib.pop(qn(f"w:{attr}"), None)
    for attr in ("ascii", "hAnsi", "eastAsia", "cs"):
        rfonts.set(qn(f"w:{attr}"), FONT)


def _style_run(run: Run, size: float, bold: bool = False, italic: bool = False) -> Run:
    """Times New Roman (all four slots), size, bold and italic on a fresh run.

    Writes the ``w:rPr`` directly, in schema order (rFonts, b, bCs, i, iCs, sz, szCs): the
    python-docx property setters cost ~1 ms per run, which adds up on 150-row tables."""
    r = run._r
    old = r.find(qn("w:rPr"))
    if old is not None:
        r.remove(old)
    rpr = OxmlElement("w:rPr")
    fonts = OxmlElement("w:rFonts")
    for attr in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(qn(f"w:{attr}"), FONT)
    rpr.append(fonts)
    for tag, on in (("w:b", bold), ("w:bCs", bold), ("w:i", italic), ("w:iCs", italic)):
        el = OxmlElement(tag)
        if not on:
            el.set(qn("w:val"), "0")
        rpr.append(el)
    half_points = str(round(size * 2))
    for tag in ("w:sz", "w:szCs"):
        el = OxmlElement(tag)
        el.set(qn("w:val"), half_points)
        rpr.append(el)
    r.insert(0, rpr)
    return run


def _add_text(
    paragraph: Paragraph, text: str, size: float, bold: bool = False, italic: bool = False
) -> None:
    """Add text; "\n" becomes a line break (used for deliberately broken header lines)."""
    lines = text.split("\n")
    for i, line in enumerate(lines):
        run = _style_run(paragraph.add_run(line), size, bold, italic)
        if i < len(lines) - 1:
            run.add_break(WD_BREAK.LINE)


def _mark_size(paragraph: Paragraph, size: float) -> None:
    """Font and size of the paragraph mark (what an empty paragraph's height depends on)."""
    ppr = paragraph._p.get_or_add_pPr()
    rpr = ppr.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        ppr.append(rpr)
    fonts = OxmlElement("w:rFonts")
    for attr in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(qn(f"w:{attr}"), FONT)
    sz = OxmlElement("w:sz")
    sz.set(qn("w:val"), str(round(size * 2)))
    rpr.append(fonts)
    rpr.append(sz)


def _fmt_para(
    paragraph: Paragraph,
    *,
    align: Any = WD_ALIGN_PARAGRAPH.CENTER,
    before: float = 0,
    after: float = 0,
    line: float | None = 1.0,
    first_line_cm: float | None = None,
    keep_with_next: bool = False,
) -> Paragraph:
    pf = paragraph.paragraph_format
    pf.alignment = align
    pf.space_before = Pt(before)
    pf.space_after = Pt(after)
    if line is not None:
        pf.line_spacing = line
    pf.first_line_indent = Cm(first_line_cm) if first_line_cm is not None else Cm(0)
    if keep_with_next:
        pf.keep_with_next = True
    return paragraph


def _rule(
    paragraph: Paragraph, width_cm: float, container_cm: float, gap_pt: float = 2
) -> Paragraph:
    """Turn an empty paragraph into a centred horizontal rule ``width_cm`` long: a bottom
    border on a paragraph indented from both sides, 1 pt high, ``gap_pt`` below the text."""
    side = max(0.0, (container_cm - width_cm) / 2)
    pf = paragraph.paragraph_format
    pf.left_indent = Cm(side)
    pf.right_indent = Cm(side)
    pf.first_line_indent = Cm(0)
    pf.space_before = Pt(gap_pt)
    pf.space_after = Pt(0)
    pf.line_spacing = Pt(1)
    pf.alignment = WD_ALIGN_PARAGRAPH.CENTER
    ppr = paragraph._p.get_or_add_pPr()
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    bottom.set(qn("w:val"), "single")
    bottom.set(qn("w:sz"), "6")  # eighths of a point: 0.75 pt
    bottom.set(qn("w:space"), "1")
    bottom.set(qn("w:color"), "000000")
    border.append(bottom)
    # CT_PPr's child order: pBdr must come before spacing/ind/jc.
    anchor = None
    for tag in ("w:shd", "w:tabs", "w:suppressAutoHyphens", "w:spacing", "w:ind", "w:jc"):
        anchor = ppr.find(qn(tag))
        if anchor is not None:
            break
    if anchor is not None:
        anchor.addprevious(border)
    else:
        ppr.append(border)
    _mark_size(paragraph, 1)
    return paragraph


def _no_borders(table: Table) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    # In CT_TblPr's order: appended after tblLook, it made python-docx put jc after it too.
    tbl_pr.insert_element_before(
        borders, "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption",
        "w:tblDescription", "w:tblPrChange",
    )  # fmt: skip


def _fixed_widths(table: Table, widths_cm: Sequence[float]) -> None:
    table.autofit = False  # python-docx writes <w:tblLayout w:type="fixed"/>, in its place
    tbl_pr = table._tbl.tblPr
    tbl_w = tbl_pr.find(qn("w:tblW"))
    if tbl_w is None:
        tbl_w = OxmlElement("w:tblW")
        tbl_pr.append(tbl_w)
    tbl_w.set(qn("w:type"), "dxa")
    tbl_w.set(qn("w:w"), str(round(sum(widths_cm) / 2.54 * 1440)))
    for col, w in zip(table.columns, widths_cm, strict=False):
        col.width = Cm(w)
    for row in table.rows:
        for cell, w in zip(row.cells, widths_cm, strict=False):
            cell.width = Cm(w)


def _page_field(paragraph: Paragraph, size: float) -> None:
    """A PAGE field (complex field, with a cached "2" so viewers without fields show a number)."""

    def fld(kind: str) -> None:
        run = _style_run(paragraph.add_run(), size)
        el = OxmlElement("w:fldChar")
        el.set(qn("w:fldCharType"), kind)
        run._r.append(el)

    fld("begin")
    run = _style_run(paragraph.add_run(), size)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = " PAGE "
    run._r.append(instr)
    fld("separate")
    _style_run(paragraph.add_run("2"), size)
    fld("end")


def _hyperlink(paragraph: Paragraph, url: str, text: str, size: float) -> None:
    r_id = paragraph.part.relate_to(url, RT.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), r_id)
    link.set(qn("w:history"), "1")
    r = OxmlElement("w:r")
    link.append(r)
    paragraph._p.append(link)
    run = Run(r, paragraph)
    _style_run(run, size)
    run.text = text


def _is_web_url(url: str) -> bool:
    return bool(re.fullmatch(r"https?://[^\s<>\"]{1,2000}", url))
