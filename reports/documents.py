"""The downloadable report documents: .docx (Decree 30/2020/NĐ-CP layout) and .xlsx.

Pure Python, no Django. Both builders take the report as a plain ``dict`` shaped like the
report JSON (see :func:`build_docx`) and return the file's bytes.

Administrative format (Decree 30/2020/NĐ-CP, Appendix I) as implemented here:

* A4 portrait, margins top 20 mm, bottom 20 mm, left 30 mm, right 15 mm; Times New Roman
  everywhere (ascii, hAnsi, eastAsia and cs font slots) in vi-VN.
* Borderless two-column header table. Row 1: governing body (12 pt, regular) and issuing
  unit (12 pt, bold) | national name (12 pt, bold) and motto (13 pt, bold), each with a
  centred short rule drawn as the bottom border of an empty, indented 1-pt paragraph.
  Row 2: "Số: …" (13 pt) | place and date (14 pt, italic) so they line up.
* Title "BÁO CÁO" (14 pt bold) and summary line (14 pt bold) with a short rule under it.
* Body 14 pt, justified, first-line indent 1.27 cm, 6 pt before/after, 1.15 line spacing.
* Tables 12 pt, header row bold and repeated on every page, numbers right-aligned, vi-VN.
* "Nơi nhận:" (12 pt bold italic) with 11-pt recipients | the signer block (14 pt bold).
* Page numbers centred at the top from page 2 (different first page, PAGE field).
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from reports.formatting import (
    DASH,
    VN_TZ,
    clean_text,
    format_change_vi,
    format_date_vi,
    format_month_vi,
    format_number_vi,
    format_percent_vi,
    format_place_date_vi,
    percent_change,
    to_local_date,
)

__all__ = [
    "BODY_STYLE",
    "FONT",
    "HEADING_STYLE",
    "SECTION_HEADINGS",
    "build_docx",
    "build_xlsx",
    "split_paragraphs",
]

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


# --------------------------------------------------------------------------------------
# small helpers
# --------------------------------------------------------------------------------------
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
    tbl_pr.append(borders)


def _fixed_widths(table: Table, widths_cm: Sequence[float]) -> None:
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tbl_pr.append(layout)
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


def _repeat_header(table: Table) -> None:
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)
    cant = OxmlElement("w:cantSplit")
    tr_pr.append(cant)


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


def _signer_authority(doc_info: dict[str, Any]) -> str:
    if "signer_authority" in doc_info:
        return _text(doc_info.get("signer_authority"))
    issuer = _text(doc_info.get("issuing_unit") or doc_info.get("governing_body")).upper()
    if issuer.startswith(("ỦY BAN NHÂN DÂN", "UỶ BAN NHÂN DÂN", "UBND")):
        return "TM. ỦY BAN NHÂN DÂN"
    return ""


def _sum_known(values: Iterable[Any]) -> int | float | None:
    known = [v for v in (_num(x) for x in values) if v is not None]
    return sum(known) if known else None


# --------------------------------------------------------------------------------------
# .docx
# --------------------------------------------------------------------------------------
class _DocxBuilder:
    def __init__(self, data: dict[str, Any], charts: list[tuple[str, bytes]] | None) -> None:
        self.data = data
        self.charts = charts or []
        self.doc = Document()
        self.table_no = 0
        self._setup()

    # -- set-up -------------------------------------------------------------------------
    def _setup(self) -> None:
        doc = self.doc
        section = doc.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width = Mm(PAGE_W)
        section.page_height = Mm(PAGE_H)
        section.top_margin = Mm(MARGIN_TOP)
        section.bottom_margin = Mm(MARGIN_BOTTOM)
        section.left_margin = Mm(MARGIN_LEFT)
        section.right_margin = Mm(MARGIN_RIGHT)
        section.header_distance = Mm(10)
        section.footer_distance = Mm(10)

        styles_el = doc.styles.element
        defaults = styles_el.find(qn("w:docDefaults"))
        if defaults is not None:
            rpr = defaults.find(qn("w:rPrDefault") + "/" + qn("w:rPr"))
            if rpr is not None:
                for old in rpr.findall(qn("w:rFonts")) + rpr.findall(qn("w:lang")):
                    rpr.remove(old)
                fonts = OxmlElement("w:rFonts")
                for attr in ("ascii", "hAnsi", "eastAsia", "cs"):
                    fonts.set(qn(f"w:{attr}"), FONT)
                rpr.insert(0, fonts)
                lang = OxmlElement("w:lang")
                lang.set(qn("w:val"), "vi-VN")
                lang.set(qn("w:eastAsia"), "vi-VN")
                lang.set(qn("w:bidi"), "ar-SA")
                rpr.append(lang)

        normal = doc.styles["Normal"]
        normal.font.name = FONT
        normal.font.size = Pt(BODY_PT)
        _set_fonts(normal.element)

        body = doc.styles.add_style(BODY_STYLE, WD_STYLE_TYPE.PARAGRAPH)
        body.base_style = normal
        body.font.name = FONT
        body.font.size = Pt(BODY_PT)
        _set_fonts(body.element)
        bpf = body.paragraph_format
        bpf.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        bpf.first_line_indent = Cm(1.27)
        bpf.space_before = Pt(6)
        bpf.space_after = Pt(6)
        bpf.line_spacing = 1.15
        bpf.widow_control = True

        heading = doc.styles.add_style(HEADING_STYLE, WD_STYLE_TYPE.PARAGRAPH)
        heading.base_style = body
        heading.font.bold = True
        heading.paragraph_format.keep_with_next = True
        outline = OxmlElement("w:outlineLvl")  # shows in Word's navigation pane
        outline.set(qn("w:val"), "0")
        heading.element.get_or_add_pPr().append(outline)

        # Core properties: python-docx's template carries its own author/dates.
        unit = self.data.get("unit") or {}
        period = self.data.get("period") or {}
        cp = doc.core_properties
        cp.title = f"Báo cáo kết quả hoạt động thông tin {_text(period.get('label'))}".strip()
        cp.subject = _text(unit.get("name"))
        cp.author = _text((self.data.get("document") or {}).get("issuing_unit")) or "Bantin"
        cp.last_modified_by = "Bantin"
        cp.comments = ""
        cp.keywords = ""
        cp.category = "Báo cáo"
        cp.language = "vi-VN"
        cp.revision = 1
        generated = self._generated_on()
        stamp = datetime(generated.year, generated.month, generated.day, tzinfo=UTC)
        cp.created = stamp
        cp.modified = stamp
        cp.last_printed = stamp

    def _generated_on(self) -> date:
        value = self.data.get("generated_on")
        if value:
            return to_local_date(value)
        return datetime.now(VN_TZ).date()

    # -- primitives ----------------------------------------------------------------------
    def body(self, text: str = "", *, bold: bool = False, italic: bool = False) -> Paragraph:
        p = self.doc.add_paragraph(style=BODY_STYLE)
        _fmt_para(
            p, align=WD_ALIGN_PARAGRAPH.JUSTIFY, before=6, after=6, line=1.15, first_line_cm=1.27
        )
        if text:
            _add_text(p, text, BODY_PT, bold, italic)
        return p

    def heading(self, text: str) -> Paragraph:
        p = self.doc.add_paragraph(style=HEADING_STYLE)
        _fmt_para(
            p,
            align=WD_ALIGN_PARAGRAPH.JUSTIFY,
            before=6,
            after=6,
            line=1.15,
            first_line_cm=1.27,
            keep_with_next=True,
        )
        _add_text(p, text, BODY_PT, bold=True)
        return p

    def subheading(self, text: str) -> Paragraph:
        p = self.body(text, bold=True)
        p.paragraph_format.keep_with_next = True
        return p

    def caption(self, text: str) -> Paragraph:
        p = self.doc.add_paragraph()
        _fmt_para(p, align=WD_ALIGN_PARAGRAPH.CENTER, before=6, after=3, keep_with_next=True)
        _add_text(p, text, TABLE_PT + 1, bold=True)
        return p

    def table(
        self,
        headers: Sequence[str],
        rows: Sequence[Sequence[Any]],
        widths_cm: Sequence[float],
        *,
        numeric: Sequence[bool],
        total: Sequence[Any] | None = None,
        title: str | None = None,
    ) -> Table:
        if title:
            self.table_no += 1
            self.caption(f"Bảng {self.table_no}. {title}")
        all_rows = list(rows) + ([total] if total is not None else [])
        table = self.doc.add_table(rows=1 + len(all_rows), cols=len(headers))
        table.style = self.doc.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        _fixed_widths(table, widths_cm)
        _repeat_header(table)
        for r_index, row in enumerate(table.rows):
            cells = row.cells
            is_header = r_index == 0
            is_total = total is not None and r_index == len(all_rows)
            values: Sequence[Any] = headers if is_header else all_rows[r_index - 1]
            for c_index, cell in enumerate(cells):
                value = values[c_index] if c_index < len(values) else ""
                cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
                p = cell.paragraphs[0]
                if is_header:
                    align = WD_ALIGN_PARAGRAPH.CENTER
                elif numeric[c_index]:
                    align = WD_ALIGN_PARAGRAPH.RIGHT
                else:
                    align = WD_ALIGN_PARAGRAPH.LEFT
                _fmt_para(p, align=align, before=2, after=2, line=1.0)
                if isinstance(value, tuple) and len(value) == 2 and value[0] == "link":
                    url, label = value[1]
                    _hyperlink(p, url, label, TABLE_PT)
                    continue
                text = value if isinstance(value, str) else format_number_vi(value)
                _add_text(p, text, TABLE_PT, bold=is_header or is_total)
        return table

    def picture(self, png: bytes, caption: str, index: int) -> None:
        p = self.doc.add_paragraph()
        _fmt_para(p, align=WD_ALIGN_PARAGRAPH.CENTER, before=6, after=0, keep_with_next=True)
        run = _style_run(p.add_run(), BODY_PT)
        run.add_picture(io.BytesIO(png), width=Cm(CHART_W_CM))
        cap = self.doc.add_paragraph()
        _fmt_para(cap, align=WD_ALIGN_PARAGRAPH.CENTER, before=3, after=6)
        label = f"Biểu đồ {index}"
        if caption:
            label += f". {_text(caption)}"
        _add_text(cap, label, TABLE_PT + 1, italic=True)

    # -- header, title, signature, page numbers --------------------------------------------
    def header_block(self) -> None:
        d = self.data.get("document") or {}
        unit = self.data.get("unit") or {}
        # An explicit (even empty) governing_body wins; otherwise the parent unit's name.
        gov_source = d["governing_body"] if "governing_body" in d else unit.get("parent_name")
        governing = _text(gov_source).upper()
        issuing = _text(d.get("issuing_unit") or unit.get("name") or "").upper()
        number = _text(d.get("number")) or "…/BC-…"
        if not number.lower().startswith("số"):
            number = f"Số: {number}"
        place = _text(unit.get("place"))

        table = self.doc.add_table(rows=2, cols=2)
        _no_borders(table)
        _fixed_widths(table, [HEADER_LEFT_CM, HEADER_RIGHT_CM])
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        left, right = table.rows[0].cells
        inner_left = HEADER_LEFT_CM - 2 * CELL_PAD_CM
        inner_right = HEADER_RIGHT_CM - 2 * CELL_PAD_CM

        first = True

        def cell_para(cell: _Cell) -> Paragraph:
            nonlocal first
            p = cell.paragraphs[0] if first else cell.add_paragraph()
            first = False
            return _fmt_para(p)

        if governing:
            _add_text(cell_para(left), governing, 12)
        _add_text(cell_para(left), issuing, 12, bold=True)
        longest = max((len(x) for x in issuing.split("\n")), default=0)
        est_line = min(longest * 0.25, inner_left)  # 12-pt bold capitals ≈ 0.25 cm each
        _rule(left.add_paragraph(), max(1.5, min(est_line * 0.4, 3.0)), inner_left)

        first = True
        _add_text(cell_para(right), NATIONAL_NAME, 12, bold=True)
        _add_text(cell_para(right), MOTTO, 13, bold=True)
        _rule(right.add_paragraph(), 5.6, inner_right)  # the motto is ≈ 5.6 cm at 13 pt bold

        s_left, s_right = table.rows[1].cells
        p = _fmt_para(s_left.paragraphs[0], before=6)
        _add_text(p, number, 13)
        p = _fmt_para(s_right.paragraphs[0], before=6)
        _add_text(p, format_place_date_vi(place, self._generated_on()), 14, italic=True)

    def title_block(self) -> None:
        period = self.data.get("period") or {}
        title = self.doc.add_paragraph()
        _fmt_para(title, before=24, after=0, keep_with_next=True)
        _add_text(title, "BÁO CÁO", 14, bold=True)
        summary = self.doc.add_paragraph()
        _fmt_para(summary, before=0, after=0, keep_with_next=True)
        label = _text(period.get("label"))
        _add_text(
            summary,
            f"Kết quả hoạt động thông tin trên các kênh chính thức {label}".strip(),
            14,
            bold=True,
        )
        rule = _rule(self.doc.add_paragraph(), 3.5, TEXT_W_CM)
        rule.paragraph_format.space_after = Pt(12)

    def signature_block(self) -> None:
        d = self.data.get("document") or {}
        spacer = self.doc.add_paragraph()
        _fmt_para(spacer, before=0, after=0)
        table = self.doc.add_table(rows=1, cols=2)
        _no_borders(table)
        _fixed_widths(table, [TEXT_W_CM / 2, TEXT_W_CM / 2])
        left, right = table.rows[0].cells

        p = _fmt_para(left.paragraphs[0], align=WD_ALIGN_PARAGRAPH.LEFT, before=6)
        _add_text(p, "Nơi nhận:", 12, bold=True, italic=True)
        recipients = d.get("recipients") or []
        for recipient in recipients:
            text = _text(recipient)
            if not text:
                continue
            if not text.startswith(("-", "–")):
                text = f"- {text}"
            p = _fmt_para(left.add_paragraph(), align=WD_ALIGN_PARAGRAPH.LEFT)
            _add_text(p, text, 11)

        p = _fmt_para(right.paragraphs[0], before=6)
        authority = _signer_authority(d)
        if authority:
            _add_text(p, authority.upper(), 14, bold=True)
            p = _fmt_para(right.add_paragraph())
        _add_text(p, _text(d.get("signer_title")).upper() or " ", 14, bold=True)
        for _ in range(4):  # room for the signature and seal
            _mark_size(_fmt_para(right.add_paragraph(), line=1.0), 14)
        p = _fmt_para(right.add_paragraph())
        name = _text(d.get("signer_name"))
        if name:
            _add_text(p, name, 14, bold=True)
        else:
            _mark_size(p, 14)

    def page_numbers(self) -> None:
        section = self.doc.sections[0]
        section.different_first_page_header_footer = True
        first = section.first_page_header
        first.is_linked_to_previous = False
        _mark_size(first.paragraphs[0], 13)
        header = section.header
        header.is_linked_to_previous = False
        p = _fmt_para(header.paragraphs[0], align=WD_ALIGN_PARAGRAPH.CENTER)
        _page_field(p, 13)

    # -- content -------------------------------------------------------------------------
    def results(self) -> None:
        data = self.data
        unit = data.get("unit") or {}
        period = data.get("period") or {}
        totals = data.get("totals") or {}
        previous = data.get("previous_year")
        children = data.get("children") or []

        self.heading(SECTION_HEADINGS[0])
        self.subheading("1. Kết quả chung")

        label = _text(period.get("label")) or "kỳ báo cáo"
        dates = ""
        if period.get("start") and period.get("end"):
            start, end = format_date_vi(period["start"]), format_date_vi(period["end"])
            dates = f"từ ngày {start} đến ngày {end}"
            if period.get("convention") == "administrative":
                dates += ", theo kỳ báo cáo thống kê quy định tại Nghị định số 09/2019/NĐ-CP"
        who = _text(unit.get("name")) or "đơn vị"
        if children:
            who += " và các đơn vị cấp dưới"
        posts = _num(totals.get("posts")) or 0
        reach = _num(totals.get("reach")) or 0
        views = _num(totals.get("views"))
        engagements = _num(totals.get("engagements"))
        channels = _num(totals.get("active_channels"))

        sentence = f"Trong {label}" + (f" ({dates})" if dates else "") + ", "
        sentence += f"các kênh thông tin chính thức của {who} đã đăng tải "
        sentence += f"{format_number_vi(posts)} bài viết"
        if channels is not None:
            sentence += f" trên {format_number_vi(channels)} kênh đang hoạt động"
        sentence += f"; đạt tổng cộng {format_number_vi(reach)} {REACH_WORDS}"
        extras = []
        if views is not None:
            extras.append(f"{format_number_vi(views)} lượt xem")
        if engagements is not None:
            extras.append(f"{format_number_vi(engagements)} lượt tương tác")
        if extras:
            sentence += ", " + " và ".join(extras)
        sentence += "."
        self.body(sentence)
        self.body(self._comparison(totals, previous))

        for index, (caption, png) in enumerate(self.charts, start=1):
            self.picture(png, caption, index)

        self._platform_table()
        self._content_type_table()
        self._children_table()
        self._completeness()
        self._top_posts()
        self._notes()

    def _comparison(self, totals: dict[str, Any], previous: dict[str, Any] | None) -> str:
        if not previous:
            return "Chưa có số liệu cùng kỳ năm trước để so sánh."
        parts = []
        for key, name in (
            ("posts", "số bài viết"),
            ("reach", "lượt tiếp cận"),
            ("views", "lượt xem"),
            ("engagements", "lượt tương tác"),
        ):
            cur, prev = _num(totals.get(key)), _num(previous.get(key))
            if cur is None or prev is None:
                continue
            change = percent_change(cur, prev)
            if change is None:
                parts.append(f"{name} chưa so sánh được (cùng kỳ năm trước bằng 0)")
            elif round(change, 1) == 0:
                parts.append(f"{name} tương đương ({format_number_vi(prev)})")
            else:
                verb = "tăng" if change > 0 else "giảm"
                shown = format_change_vi(abs(change)).lstrip("+")
                parts.append(f"{name} {verb} {shown} (cùng kỳ: {format_number_vi(prev)})")
        if not parts:
            return "Chưa có số liệu cùng kỳ năm trước để so sánh."
        return "So với cùng kỳ năm trước, " + "; ".join(parts) + "."

    def _metric_rows(
        self, rows: list[dict[str, Any]], key: str
    ) -> tuple[list[list[Any]], list[Any]]:
        out = []
        for i, row in enumerate(rows, start=1):
            out.append(
                [
                    i,
                    _text(row.get("label") or row.get(key)),
                    _num(row.get("posts")) or 0,
                    _num(row.get("reach")),
                    _num(row.get("views")),
                    _num(row.get("engagements")),
                ]
            )
        total = [
            "",
            "Tổng cộng",
            _sum_known(r.get("posts") for r in rows) or 0,
            _sum_known(r.get("reach") for r in rows),
            _sum_known(r.get("views") for r in rows),
            _sum_known(r.get("engagements") for r in rows),
        ]
        return out, total

    _METRIC_HEADERS = ("Số bài viết", "Lượt tiếp cận", "Lượt xem", "Lượt tương tác")
    _METRIC_WIDTHS = (1.2, 4.4, 2.4, 3.3, 2.8, 2.4)
    _METRIC_NUMERIC = (True, False, True, True, True, True)

    def _platform_table(self) -> None:
        rows = self.data.get("by_platform") or []
        self.subheading("2. Theo nền tảng")
        if not rows:
            self.body("Không có số liệu.")
            return
        body, total = self._metric_rows(rows, "platform")
        self.table(
            ("STT", "Nền tảng", *self._METRIC_HEADERS),
            body,
            self._METRIC_WIDTHS,
            numeric=self._METRIC_NUMERIC,
            total=total,
            title="Số bài viết và lượt tiếp cận theo nền tảng",
        )

    def _content_type_table(self) -> None:
        rows = self.data.get("by_content_type") or []
        self.subheading("3. Theo loại nội dung")
        if not rows:
            self.body("Không có số liệu.")
            return
        body, total = self._metric_rows(rows, "content_type")
        self.table(
            ("STT", "Loại nội dung", *self._METRIC_HEADERS),
            body,
            self._METRIC_WIDTHS,
            numeric=self._METRIC_NUMERIC,
            total=total,
            title="Số bài viết và lượt tiếp cận theo loại nội dung",
        )

    def _children_table(self) -> None:
        children = self.data.get("children") or []
        if not children:
            return
        self.subheading("4. Theo đơn vị cấp dưới")
        rows = []
        for i, child in enumerate(children, start=1):
            unit = child.get("unit") or {}
            totals = child.get("totals") or {}
            rows.append(
                [
                    i,
                    _text(unit.get("name") or unit.get("code")),
                    _num(totals.get("posts")) or 0,
                    _num(totals.get("reach")),
                    _num(totals.get("engagements")),
                    _num(child.get("reported_months")),
                ]
            )
        total = [
            "",
            "Tổng cộng",
            _sum_known((c.get("totals") or {}).get("posts") for c in children) or 0,
            _sum_known((c.get("totals") or {}).get("reach") for c in children),
            _sum_known((c.get("totals") or {}).get("engagements") for c in children),
            "",
        ]
        self.table(
            (
                "STT",
                "Đơn vị",
                "Số bài viết",
                "Lượt tiếp cận",
                "Lượt tương tác",
                "Số tháng có số liệu",
            ),
            rows,
            (1.2, 5.4, 2.3, 3.0, 2.6, 2.0),
            numeric=(True, False, True, True, True, True),
            total=total,
            title="Kết quả theo đơn vị cấp dưới",
        )

    def _completeness(self) -> None:
        comp = self.data.get("completeness")
        if not comp:
            return
        number = "5" if self.data.get("children") else "4"
        self.subheading(f"{number}. Mức độ đầy đủ của số liệu")
        expected = _num(comp.get("expected")) or 0
        reported = _num(comp.get("reported")) or 0
        rate = reported / expected if expected else _num(comp.get("rate"))
        if rate is not None and rate > 1.0 and not expected:  # given as a percentage
            rate = rate / 100
        self.body(
            f"Số báo cáo tháng đã có số liệu: {format_number_vi(reported)}/"
            f"{format_number_vi(expected)}, đạt {format_percent_vi(rate)}."
        )
        missing = comp.get("missing") or []
        if not missing:
            self.body("Tất cả các đơn vị đã có đủ số liệu trong kỳ báo cáo.")
            return
        self.body(f"Còn {format_number_vi(len(missing))} đơn vị chưa có đủ số liệu:")
        rows = []
        for i, item in enumerate(missing, start=1):
            months = [format_month_vi(str(m)) for m in item.get("months_missing") or []]
            rows.append([i, _text(item.get("name") or item.get("code")), ", ".join(months)])
        self.table(
            ("STT", "Đơn vị", "Các tháng chưa có số liệu"),
            rows,
            (1.2, 7.0, 8.3),
            numeric=(True, False, False),
            title="Đơn vị chưa có đủ số liệu",
        )

    def _top_posts(self) -> None:
        posts = self.data.get("top_posts") or []
        if not posts:
            return
        number = 6 if self.data.get("children") else 5
        if not self.data.get("completeness"):
            number -= 1
        self.subheading(f"{number}. Bài viết có lượt tiếp cận cao nhất")
        rows = []
        for i, post in enumerate(posts, start=1):
            caption = re.sub(r"\s+", " ", _text(post.get("caption"))) or _text(post.get("url"))
            if len(caption) > 110:
                caption = caption[:109].rstrip() + "…"
            url = _text(post.get("url"))
            cell: Any = ("link", (url, caption)) if _is_web_url(url) and caption else caption
            published = post.get("published_at")
            rows.append(
                [
                    i,
                    _text(post.get("unit")),
                    _text(post.get("platform")),
                    cell,
                    format_date_vi(published) if published else DASH,
                    _num(post.get("reach")),
                ]
            )
        self.table(
            ("STT", "Đơn vị", "Nền tảng", "Bài viết", "Ngày đăng", "Lượt tiếp cận"),
            rows,
            (1.2, 3.0, 2.2, 5.3, 2.6, 2.2),
            numeric=(True, False, False, False, False, True),
            title="Bài viết có lượt tiếp cận cao nhất",
        )

    def _notes(self) -> None:
        totals = self.data.get("totals") or {}
        without = _num(totals.get("posts_without_reach")) or 0
        text = (
            "Ghi chú: (1) Lượt tiếp cận là tổng lượt tiếp cận của từng bài viết, không phải số "
            "người được tiếp cận (một người có thể được tính nhiều lần). (2) Mỗi bài viết được "
            "tính vào kỳ báo cáo có ngày đăng bài, theo số liệu cập nhật gần nhất. (3) Bài viết "
            "trên nền tảng không cung cấp số liệu tiếp cận không được tính vào tổng lượt tiếp "
            f"cận ({format_number_vi(without)} bài)."
        )
        p = self.doc.add_paragraph(style=BODY_STYLE)
        _fmt_para(
            p, align=WD_ALIGN_PARAGRAPH.JUSTIFY, before=6, after=6, line=1.0, first_line_cm=1.27
        )
        _add_text(p, text, TABLE_PT, italic=True)

    def narrative(self) -> None:
        narrative = self.data.get("narrative") or {}
        for heading, key in zip(
            SECTION_HEADINGS[1:], ("limitations", "directions", "recommendations"), strict=True
        ):
            self.heading(heading)
            paragraphs = split_paragraphs(narrative.get(key))
            if not paragraphs:
                self.body(EMPTY_PLACEHOLDER, italic=True)
            for text in paragraphs:
                self.body(text)

    def build(self) -> bytes:
        self.header_block()
        self.title_block()
        self.results()
        self.narrative()
        self.signature_block()
        self.page_numbers()
        # python-docx's template starts with no paragraph before the first table; Word needs
        # a paragraph after the last table, which add_table does not add.
        end = self.doc.add_paragraph()
        _fmt_para(end, line=1.0)
        _mark_size(end, 2)
        out = io.BytesIO()
        self.doc.save(out)
        return out.getvalue()


def build_docx(data: dict[str, Any], *, charts: list[tuple[str, bytes]] | None = None) -> bytes:
    """The report as a .docx in the Decree 30/2020/NĐ-CP administrative format.

    ``data`` is the report dict::

        {"unit": {"code", "name", "parent_name", "place"},
         "period": {"start", "end", "convention", "label", "code"},
         "generated_on": "2026-07-03",
         "totals": {"posts", "reach", "views", "engagements", "posts_without_reach",
                    "active_channels"},
         "previous_year": {"posts", "reach", "views", "engagements"} | None,
         "by_platform": [{"platform", "label", "posts", "reach", "views", "engagements"}],
         "by_content_type": [{"content_type", "label", "posts", "reach", ...}],
         "children": [{"unit": {"code", "name"}, "totals": {...}, "reported_months"}],
         "completeness": {"expected", "reported", "rate", "missing": [{"code", "name",
                          "months_missing": ["2026-03"]}]},
         "top_posts": [{"unit", "platform", "url", "caption", "published_at", "reach", "views"}],
         "monthly": [{"month": "2026-01", "posts", "reach"}],
         "narrative": {"limitations", "directions", "recommendations"},
         "document": {"number", "signer_title", "signer_name", "recipients",
                      "governing_body", "issuing_unit", "signer_authority" (optional)}}

    ``charts``: ``[(caption, png_bytes)]`` inserted 16 cm wide after the general results.
    ``document.signer_authority`` (e.g. "TM. ỦY BAN NHÂN DÂN", "KT. GIÁM ĐỐC") defaults to
    "TM. ỦY BAN NHÂN DÂN" when the issuer is a People's Committee, else nothing.
    The completeness rate shown is reported/expected (``rate`` only when expected is 0).
    """
    return _DocxBuilder(data, charts).build()


# --------------------------------------------------------------------------------------
# .xlsx
# --------------------------------------------------------------------------------------
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


class _XlsxWriter:
    def __init__(self, workbook: Any) -> None:
        wb = workbook
        self.wb = wb
        self.f_header = wb.add_format(
            {
                "bold": True,
                "bg_color": "#DDE6F0",
                "border": 1,
                "text_wrap": True,
                "valign": "vcenter",
                "align": "center",
            }
        )
        self.f_text = wb.add_format({"valign": "top", "text_wrap": True})
        self.f_text_qp = wb.add_format({"valign": "top", "text_wrap": True, "quote_prefix": True})
        self.f_int = wb.add_format({"num_format": "#,##0", "valign": "top"})
        self.f_dec = wb.add_format({"num_format": "#,##0.0", "valign": "top"})
        self.f_pct = wb.add_format({"num_format": "0.0%", "valign": "top"})
        self.f_change = wb.add_format({"num_format": "+0.0%;-0.0%;0.0%", "valign": "top"})
        self.f_date = wb.add_format({"num_format": "dd/mm/yyyy", "valign": "top"})
        self.f_month = wb.add_format({"num_format": "mm/yyyy", "valign": "top", "align": "left"})
        self.f_bold = wb.add_format({"bold": True, "valign": "top"})
        self.f_bold_int = wb.add_format({"bold": True, "num_format": "#,##0", "valign": "top"})
        self.f_note = wb.add_format({"italic": True, "text_wrap": True, "valign": "top"})
        self.f_link = wb.add_format({"font_color": "#1F5FA8", "underline": 1, "valign": "top"})

    def text(self, ws: Any, row: int, col: int, value: Any, fmt: Any = None) -> None:
        """Always a string cell; text that looks like a formula gets Excel's quote prefix so
        that even editing the cell cannot turn it into one."""
        text = clean_text(value)
        if text == "":
            ws.write_blank(row, col, None, fmt or self.f_text)
            return
        if text.startswith(_FORMULA_START):
            fmt = self.f_text_qp
        ws.write_string(row, col, text[:32767], fmt or self.f_text)

    def number(self, ws: Any, row: int, col: int, value: Any, fmt: Any = None) -> None:
        num = _num(value)
        if num is None:
            ws.write_blank(row, col, None, fmt or self.f_int)
        else:
            ws.write_number(row, col, num, fmt or self.f_int)

    def sheet(
        self,
        name: str,
        headers: Sequence[str],
        widths: Sequence[float],
        rows: Sequence[Sequence[tuple[str, Any]]],
    ) -> Any:
        """A sheet with a bold, frozen, filterable header row. Each cell is (kind, value) with
        kind in text|int|dec|pct|change|date|month|url."""
        ws = self.wb.add_worksheet(name)
        for col, (title, width) in enumerate(zip(headers, widths, strict=True)):
            ws.write_string(0, col, title, self.f_header)
            ws.set_column(col, col, width)
        ws.set_row(0, 30)
        ws.freeze_panes(1, 0)
        for r, row in enumerate(rows, start=1):
            for c, (kind, value) in enumerate(row):
                self.cell(ws, r, c, kind, value)
        if rows:
            ws.autofilter(0, 0, len(rows), len(headers) - 1)
        return ws

    def cell(self, ws: Any, r: int, c: int, kind: str, value: Any) -> None:
        if kind == "text":
            self.text(ws, r, c, value)
        elif kind == "int":
            self.number(ws, r, c, value)
        elif kind == "dec":
            self.number(ws, r, c, value, self.f_dec)
        elif kind == "pct":
            self.number(ws, r, c, value, self.f_pct)
        elif kind == "change":
            self.number(ws, r, c, value, self.f_change)
        elif kind == "bold":
            self.text(ws, r, c, value, self.f_bold)
        elif kind == "bold_int":
            self.number(ws, r, c, value, self.f_bold_int)
        elif kind == "date":
            if value in (None, ""):
                ws.write_blank(r, c, None, self.f_date)
            else:
                if isinstance(value, str) and len(value.strip()) > 10:
                    value = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
                if isinstance(value, datetime):
                    if value.tzinfo is not None:
                        value = value.astimezone(VN_TZ)
                    value = value.replace(tzinfo=None)
                    ws.write_datetime(r, c, value, self.f_date)
                else:
                    ws.write_datetime(r, c, to_local_date(value), self.f_date)
        elif kind == "month":
            text = str(value or "")
            m = re.fullmatch(r"(\d{4})-(\d{1,2})", text)
            if m and 1 <= int(m[2]) <= 12:
                ws.write_datetime(r, c, date(int(m[1]), int(m[2]), 1), self.f_month)
            else:
                self.text(ws, r, c, text)
        elif kind == "url":
            url = clean_text(value).strip()
            if _is_web_url(url) and len(url) <= 2079:
                ws.write_url(r, c, url, self.f_link, string=url)
            else:
                self.text(ws, r, c, url)
        else:  # pragma: no cover - programming error
            raise ValueError(kind)


def _change_ratio(cur: Any, prev: Any) -> float | None:
    change = percent_change(_num(cur), _num(prev))
    return None if change is None else change / 100


def build_xlsx(data: dict[str, Any]) -> bytes:
    """The report's tables as an .xlsx workbook, one sheet per table.

    Sheets: Tổng hợp, Theo nền tảng, Theo loại nội dung, Đơn vị cấp dưới, Mức độ đầy đủ,
    Bài nổi bật, Theo tháng. Numbers are number cells ("#,##0": Excel shows the reader's own
    separators); text is always written as a string (``strings_to_formulas`` off, text that
    starts like a formula also gets Excel's quote prefix), so nothing can become a formula.
    """
    import xlsxwriter

    out = io.BytesIO()
    wb = xlsxwriter.Workbook(
        out,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    x = _XlsxWriter(wb)
    unit = data.get("unit") or {}
    period = data.get("period") or {}
    totals = data.get("totals") or {}
    previous = data.get("previous_year") or {}
    comp = data.get("completeness") or {}
    wb.set_properties(
        {
            "title": f"Báo cáo {clean_text(period.get('label'))}".strip(),
            "subject": clean_text(unit.get("name")),
            "author": "Bantin",
            "company": clean_text((data.get("document") or {}).get("issuing_unit")),
            "comments": "Lượt tiếp cận là tổng của các bài viết, không phải số người.",
        }
    )

    # Tổng hợp ---------------------------------------------------------------------------
    metrics = (
        ("posts", "Số bài viết"),
        ("reach", "Lượt tiếp cận (tổng của các bài viết)"),
        ("views", "Lượt xem"),
        ("engagements", "Lượt tương tác"),
    )
    summary_rows: list[list[tuple[str, Any]]] = []
    for key, name in metrics:
        summary_rows.append(
            [
                ("text", name),
                ("int", totals.get(key)),
                ("int", previous.get(key) if previous else None),
                ("change", _change_ratio(totals.get(key), previous.get(key)) if previous else None),
            ]
        )
    summary_rows.append(
        [
            ("text", "Bài viết không có số liệu tiếp cận"),
            ("int", totals.get("posts_without_reach")),
            ("text", ""),
            ("text", ""),
        ]
    )
    summary_rows.append(
        [
            ("text", "Số kênh đang hoạt động"),
            ("int", totals.get("active_channels")),
            ("text", ""),
            ("text", ""),
        ]
    )
    ws = x.sheet(
        "Tổng hợp",
        ("Chỉ tiêu", "Kỳ báo cáo", "Cùng kỳ năm trước", "Thay đổi"),
        (40, 16, 18, 12),
        summary_rows,
    )
    r = len(summary_rows) + 2
    meta: list[tuple[str, str, Any]] = [
        ("Đơn vị", "text", unit.get("name")),
        ("Mã đơn vị", "text", unit.get("code")),
        ("Cơ quan cấp trên", "text", unit.get("parent_name")),
        ("Kỳ báo cáo", "text", period.get("label")),
        ("Mã kỳ", "text", period.get("code")),
        ("Từ ngày", "date", period.get("start")),
        ("Đến ngày", "date", period.get("end")),
        (
            "Quy ước kỳ",
            "text",
            "Kỳ thống kê (Nghị định 09/2019/NĐ-CP)"
            if period.get("convention") == "administrative"
            else "Theo tháng dương lịch",
        ),
        ("Ngày lập", "date", data.get("generated_on")),
    ]
    for name, kind, value in meta:
        x.text(ws, r, 0, name, x.f_bold)
        x.cell(ws, r, 1, kind, value)
        r += 1
    r += 1
    for note in (
        "Lượt tiếp cận là tổng lượt tiếp cận của từng bài viết, không phải số người.",
        "Mỗi bài viết được tính vào kỳ có ngày đăng, theo số liệu cập nhật gần nhất.",
        "Bài viết trên nền tảng không cung cấp số liệu tiếp cận không được tính vào tổng "
        f"lượt tiếp cận ({format_number_vi(_num(totals.get('posts_without_reach')) or 0)} bài).",
    ):
        ws.merge_range(r, 0, r, 3, "", x.f_note)
        x.text(ws, r, 0, note, x.f_note)
        ws.set_row(r, 30)
        r += 1

    # Theo nền tảng / Theo loại nội dung --------------------------------------------------
    for sheet_name, key, title in (
        ("Theo nền tảng", "by_platform", "Nền tảng"),
        ("Theo loại nội dung", "by_content_type", "Loại nội dung"),
    ):
        rows = [
            [
                ("text", row.get("label") or row.get("platform") or row.get("content_type")),
                ("int", row.get("posts")),
                ("int", row.get("reach")),
                ("int", row.get("views")),
                ("int", row.get("engagements")),
            ]
            for row in data.get(key) or []
        ]
        x.sheet(
            sheet_name,
            (title, "Số bài viết", "Lượt tiếp cận", "Lượt xem", "Lượt tương tác"),
            (28, 14, 18, 16, 16),
            rows,
        )

    # Đơn vị cấp dưới ------------------------------------------------------------------------
    rows = []
    for child in data.get("children") or []:
        cu = child.get("unit") or {}
        ct = child.get("totals") or {}
        rows.append(
            [
                ("text", cu.get("code")),
                ("text", cu.get("name")),
                ("int", ct.get("posts")),
                ("int", ct.get("reach")),
                ("int", ct.get("views")),
                ("int", ct.get("engagements")),
                ("int", ct.get("posts_without_reach")),
                ("int", ct.get("active_channels")),
                ("int", child.get("reported_months")),
            ]
        )
    x.sheet(
        "Đơn vị cấp dưới",
        (
            "Mã đơn vị",
            "Đơn vị",
            "Số bài viết",
            "Lượt tiếp cận",
            "Lượt xem",
            "Lượt tương tác",
            "Bài không có số liệu tiếp cận",
            "Số kênh hoạt động",
            "Số tháng có số liệu",
        ),
        (11, 40, 13, 16, 14, 15, 16, 13, 13),
        rows,
    )

    # Mức độ đầy đủ ---------------------------------------------------------------------
    missing = comp.get("missing") or []
    rows = [
        [
            ("text", item.get("code")),
            ("text", item.get("name")),
            ("int", len(item.get("months_missing") or [])),
            ("text", ", ".join(format_month_vi(str(m)) for m in item.get("months_missing") or [])),
        ]
        for item in missing
    ]
    ws = x.sheet(
        "Mức độ đầy đủ",
        ("Mã đơn vị", "Đơn vị chưa có đủ số liệu", "Số tháng thiếu", "Các tháng thiếu"),
        (11, 40, 14, 40),
        rows,
    )
    expected = _num(comp.get("expected"))
    reported = _num(comp.get("reported"))
    rate = reported / expected if expected and reported is not None else _num(comp.get("rate"))
    r = len(rows) + 2
    for name, kind, value in (
        ("Số báo cáo tháng dự kiến", "int", expected),
        ("Số báo cáo tháng đã có", "int", reported),
        ("Tỷ lệ", "pct", rate),
    ):
        x.text(ws, r, 0, name, x.f_bold)
        x.cell(ws, r, 2, kind, value)
        r += 1

    # Bài nổi bật ------------------------------------------------------------------------
    rows = [
        [
            ("text", post.get("unit")),
            ("text", post.get("platform")),
            ("text", post.get("caption")),
            ("url", post.get("url")),
            ("date", post.get("published_at")),
            ("int", post.get("reach")),
            ("int", post.get("views")),
        ]
        for post in data.get("top_posts") or []
    ]
    x.sheet(
        "Bài nổi bật",
        ("Đơn vị", "Nền tảng", "Nội dung", "Đường dẫn", "Ngày đăng", "Lượt tiếp cận", "Lượt xem"),
        (28, 12, 60, 40, 12, 15, 13),
        rows,
    )

    # Theo tháng -----------------------------------------------------------------------
    rows = [
        [("month", row.get("month")), ("int", row.get("posts")), ("int", row.get("reach"))]
        for row in data.get("monthly") or []
    ]
    x.sheet("Theo tháng", ("Tháng", "Số bài viết", "Lượt tiếp cận"), (12, 14, 18), rows)

    wb.close()
    return out.getvalue()
