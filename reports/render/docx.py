"""The .docx renderer: a report in the Decree 30/2020/NĐ-CP administrative layout.

It lays out the document's frame (header block, title, the numbered sections, the
narrative parts II–IV, the signer block, page numbers) and renders each section of
``reports.sections`` from its declaration: heading, paragraphs, chart, table, footnote. It
knows nothing of any particular section.

Layout as implemented: A4 portrait, margins top 20 mm, bottom 20 mm, left 30 mm, right
15 mm; Times New Roman everywhere (ascii, hAnsi, eastAsia and cs slots) in vi-VN; a
borderless two-column header table (governing body and issuing unit | national name and
motto, each with a short rule; "Số: …" | place and date); "BÁO CÁO" and its summary line
(14 pt bold); body 14 pt justified, first-line indent 1.27 cm; tables 12 pt (10 pt when
wide), header row bold and repeated on each page, numbers right-aligned; "Nơi nhận:" |
the signer block, one line per authority line; page numbers at the top from page 2.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

from django.utils import translation
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt
from docx.table import Table as DocxTable
from docx.table import _Cell
from docx.text.paragraph import Paragraph

from reports.formatting import format_place_date_vi
from reports.model import ReportData
from reports.render.docx_style import (
    BODY_PT,
    BODY_STYLE,
    CELL_PAD_CM,
    CHART_W_CM,
    EMPTY_PLACEHOLDER,
    FONT,
    HEADER_LEFT_CM,
    HEADER_RIGHT_CM,
    HEADING_STYLE,
    MARGIN_BOTTOM,
    MARGIN_LEFT,
    MARGIN_RIGHT,
    MARGIN_TOP,
    MOTTO,
    NATIONAL_NAME,
    PAGE_H,
    PAGE_W,
    SECTION_HEADINGS,
    TABLE_PT,
    TEXT_W_CM,
    _add_text,
    _fixed_widths,
    _fmt_para,
    _mark_size,
    _no_borders,
    _page_field,
    _rule,
    _set_fonts,
    _style_run,
    _text,
    split_paragraphs,
)
from reports.render.docx_table import add_table
from reports.sections import SECTIONS
from reports.sections.base import Section, Table

__all__ = ["BODY_STYLE", "EMPTY_PLACEHOLDER", "SECTION_HEADINGS", "render_docx"]

STT_CM = 1.0


def _signer_lines(d: Mapping[str, Any]) -> list[str]:
    """The authority lines above the signer's title ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ
    TỊCH"), one a line; by default "TM. ỦY BAN NHÂN DÂN" for a People's Committee."""
    if "signer_authority" in d:
        text = _text(d.get("signer_authority"))
    else:
        issuer = _text(d.get("issuing_unit") or d.get("governing_body")).upper()
        text = "TM. ỦY BAN NHÂN DÂN" if issuer.startswith(("ỦY BAN NHÂN DÂN", "UBND")) else ""
    return [line.strip().upper() for line in text.splitlines() if line.strip()]


class _DocxBuilder:
    def __init__(self, data: ReportData, charts: Mapping[str, tuple[str, bytes]] | None) -> None:
        self.data = data
        self.charts = dict(charts or {})
        self.chart_no = 0
        self.doc = Document()
        self.table_no = 0
        self._style_ids: dict[tuple[str, WD_STYLE_TYPE], str | None] = {}
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
        cp = doc.core_properties
        cp.title = f"Báo cáo kết quả hoạt động thông tin {self.data.period.label}".strip()
        cp.subject = self.data.unit.name
        cp.author = _text(self.data.document.get("issuing_unit")) or "Bantin"
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
        return self.data.generated_on

    # -- primitives ----------------------------------------------------------------------
    def style_id(self, name: str, kind: WD_STYLE_TYPE = WD_STYLE_TYPE.PARAGRAPH) -> str | None:
        """The id python-docx writes for the style ``name``, looked up once: each of its
        look-ups scans every style of the document (a few ms)."""
        key = (name, kind)
        if key not in self._style_ids:
            self._style_ids[key] = self.doc.part.get_style_id(self.doc.styles[name], kind)
        return self._style_ids[key]

    def styled(self, name: str) -> Paragraph:
        """A new paragraph in the style ``name``, as ``add_paragraph(style=name)`` makes it."""
        p = self.doc.add_paragraph()
        p._p.style = self.style_id(name)
        return p

    def body(self, text: str = "", *, bold: bool = False, italic: bool = False) -> Paragraph:
        p = self.styled(BODY_STYLE)
        _fmt_para(
            p, align=WD_ALIGN_PARAGRAPH.JUSTIFY, before=6, after=6, line=1.15, first_line_cm=1.27
        )
        if text:
            _add_text(p, text, BODY_PT, bold, italic)
        return p

    def heading(self, text: str) -> Paragraph:
        p = self.styled(HEADING_STYLE)
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
        d = self.data.document
        unit = self.data.unit
        # An explicit (even empty) governing_body wins; otherwise the parent unit's name.
        gov_source = d["governing_body"] if "governing_body" in d else unit.parent_name
        governing = _text(gov_source).upper()
        issuing = _text(d.get("issuing_unit") or unit.authority_name or unit.name).upper()
        number = _text(d.get("number")) or "…/BC-…"
        if not number.lower().startswith("số"):
            number = f"Số: {number}"
        place = unit.place

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
        title = self.doc.add_paragraph()
        _fmt_para(title, before=24, after=0, keep_with_next=True)
        _add_text(title, "BÁO CÁO", 14, bold=True)
        summary = self.doc.add_paragraph()
        _fmt_para(summary, before=0, after=0, keep_with_next=True)
        label = self.data.period.label
        _add_text(
            summary,
            f"Kết quả hoạt động thông tin trên các kênh chính thức {label}".strip(),
            14,
            bold=True,
        )
        rule = _rule(self.doc.add_paragraph(), 3.5, TEXT_W_CM)
        rule.paragraph_format.space_after = Pt(12)

    def signature_block(self) -> None:
        d = self.data.document
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

        lines = [*_signer_lines(d), _text(d.get("signer_title")).upper() or " "]
        for i, line in enumerate(lines):
            p = _fmt_para(
                right.paragraphs[0] if i == 0 else right.add_paragraph(), before=6 if i == 0 else 0
            )
            _add_text(p, line, 14, bold=True)
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

    # -- sections --------------------------------------------------------------------------
    def table(self, t: Table) -> DocxTable:
        """A section's table under its caption "Bảng n. …" (``docx_table``): 10 pt when it
        has many columns; the label column takes what the others leave of the line."""
        self.table_no += 1
        self.caption(f"Bảng {self.table_no}. {t.title}")
        size = TABLE_PT if len(t.headers) <= 6 else 10
        widths = [STT_CM, *t.docx_cm]
        spare = TEXT_W_CM - sum(widths)
        widths[1] += spare  # the first (label) column takes the rest of the line
        style = self.style_id("Table Grid", WD_STYLE_TYPE.TABLE)
        return add_table(self.doc, t, widths, size, stt="STT", style_id=style)

    def footnote(self, text: str) -> None:
        p = self.styled(BODY_STYLE)
        _fmt_para(
            p, align=WD_ALIGN_PARAGRAPH.JUSTIFY, before=6, after=6, line=1.0, first_line_cm=1.27
        )
        _add_text(p, text, TABLE_PT, italic=True)

    def section(self, number: int, section: Section) -> None:
        """Heading, its chart (after the heading, never before), paragraphs, table, footnote."""
        self.subheading(f"{number}. {section.title}")
        chart = self.charts.get(section.chart or "")
        if chart:
            self.chart_no += 1
            self.picture(chart[1], chart[0], self.chart_no)
        for text in section.paragraphs(self.data):
            self.body(text)
        table = section.table(self.data)
        if table is not None:
            if table.rows:
                self.table(table)
            elif table.empty:
                self.body(table.empty, italic=True)
        if section.footnote and (note := section.footnote(self.data)):
            self.footnote(note)

    def results(self) -> None:
        self.heading(SECTION_HEADINGS[0])
        shown = [s for s in SECTIONS if s.in_document and s.shown(self.data)]
        for number, section in enumerate(shown, start=1):
            self.section(number, section)

    def narrative(self) -> None:
        narrative = self.data.narrative
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
        # Word needs a paragraph after the last table, which add_table does not add.
        end = self.doc.add_paragraph()
        _fmt_para(end, line=1.0)
        _mark_size(end, 2)
        out = io.BytesIO()
        self.doc.save(out)
        return out.getvalue()


def render_docx(
    data: ReportData, *, charts: Mapping[str, tuple[str, bytes]] | None = None
) -> bytes:
    """The report as a .docx. ``charts``: chart key (a section's ``chart``) → (caption,
    PNG), each put 16 cm wide right after its section's heading. Always in Vietnamese."""
    with translation.override("vi"):
        return _DocxBuilder(data, charts).build()
