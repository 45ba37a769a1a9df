"""The .docx (Decree 30/2020 layout) and .xlsx renderers, over the report's sections."""

from __future__ import annotations

import io
import re
import time
import zipfile
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from openpyxl import load_workbook

from reports.build import build_xlsx
from reports.formatting import (
    format_change_vi,
    format_date_vi,
    format_number_vi,
    format_percent_vi,
    format_place_date_vi,
)
from reports.model import ReportData
from reports.render.docx import BODY_STYLE, EMPTY_PLACEHOLDER, SECTION_HEADINGS, render_docx
from reports.render.docx_style import split_paragraphs

PNG_1PX = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x03\x00\x08\xfc\x02\xfe\xa7\x9a"
    b"\xa0\xa0\x00\x00\x00\x00IEND\xaeB`\x82"
)
EVIL_NAMES = ['=HYPERLINK("http://x")', "+1", "-1", "@SUM(A1)", "\t=1+1", "\r=2"]


def sample_data(n_children: int = 12) -> dict[str, Any]:
    """A report dict like the app's report JSON (province-sized with n_children ≈ 150)."""
    platforms = [
        ("facebook", "Facebook", 5210, 1234567, 345678, 45678),
        ("youtube", "YouTube", 312, 456789, 234567, 3456),
        ("zalo", "Zalo OA", 820, None, None, 2345),
        ("tiktok", "TikTok", 415, 2345678, 1987654, 23456),
        ("website", "Cổng thông tin điện tử", 1300, None, 456789, 0),
    ]
    children = []
    missing = []
    for i in range(n_children):
        name = f"UBND xã Đông Triều {i + 1}"
        if i < len(EVIL_NAMES):
            name = EVIL_NAMES[i]
        children.append(
            {
                "unit": {"code": f"{i + 1:05d}", "name": name},
                "totals": {
                    "posts": 40 + i,
                    "reach": 12345 * (i + 1),
                    "views": None if i % 3 == 0 else 999 * i,
                    "engagements": 321 * i,
                    "posts_without_reach": i % 4,
                    "active_channels": 2 + i % 3,
                },
                "reported_months": 6 - (i % 7 == 3),
            }
        )
        if i % 7 == 3:
            missing.append({"code": f"{i + 1:05d}", "name": name, "months_missing": ["2026-03"]})
    return {
        "unit": {
            "code": "22",
            "name": "Tỉnh Quảng Ninh",
            "parent_name": "UBND tỉnh Quảng Ninh",
            "place": "Quảng Ninh",
        },
        "period": {
            "start": "2026-01-01",
            "end": "2026-06-30",
            "convention": "calendar",
            "label": "6 tháng đầu năm 2026",
            "code": "2026-H1",
        },
        "generated_on": "2026-07-03",
        "totals": {
            "posts": 8057,
            "reach": 4037034,
            "views": 3024688,
            "engagements": 74935,
            "posts_without_reach": 2120,
            "active_channels": 57,
        },
        "previous_year": {"posts": 7000, "reach": 4200000, "views": None, "engagements": 70000},
        "by_platform": [
            {
                "platform": p,
                "label": label,
                "posts": posts,
                "reach": reach,
                "views": views,
                "engagements": eng,
            }
            for p, label, posts, reach, views, eng in platforms
        ],
        "by_content_type": [
            {
                "content_type": "video",
                "label": "Video",
                "posts": 1200,
                "reach": 2500000,
                "views": 2000000,
                "engagements": 30000,
            },
            {
                "content_type": "article",
                "label": "Bài viết",
                "posts": 5000,
                "reach": 1337034,
                "views": None,
                "engagements": 40000,
            },
            {
                "content_type": "image",
                "label": "Ảnh",
                "posts": 1857,
                "reach": 200000,
                "views": None,
                "engagements": 4935,
            },
        ],
        "children": children,
        "completeness": {
            "expected": 6 * n_children,
            "reported": 6 * n_children - len(missing),
            "rate": (6 * n_children - len(missing)) / max(1, 6 * n_children),
            "missing": missing,
        },
        "top_posts": [
            {
                "unit": "Sở Văn hóa và Thể thao",
                "platform": "Facebook",
                "url": "https://www.facebook.com/example/posts/123",
                "caption": "Lễ hội Yên Tử 2026 khai mạc\nvới hàng nghìn du khách",
                "published_at": "2026-03-02T09:00:00+07:00",
                "reach": 234567,
                "views": None,
            },
            {
                "unit": "=cmd|' /C calc'!A0",
                "platform": "TikTok",
                "url": "javascript:alert(1)",
                "caption": "-2+3",
                "published_at": "2026-02-28T20:30:00Z",
                "reach": 123456,
                "views": 100000,
            },
        ],
        "monthly": [
            {"month": f"2026-{m:02d}", "posts": 1200 + 20 * m, "reach": 600000 + 10000 * m}
            for m in range(1, 7)
        ],
        "narrative": {
            "limitations": "Một số đơn vị cấp xã chưa cập nhật số liệu đúng hạn.\n\n"
            "Nội dung video còn ít.",
            "directions": "- Tăng cường nội dung video;\n- Chuẩn hóa tên kênh.",
            "recommendations": "",
        },
        "document": {
            "number": "…/BC-UBND",
            "signer_title": "CHỦ TỊCH",
            "signer_name": "Nguyễn Văn A",
            "recipients": [
                "Văn phòng Chính phủ;",
                "Bộ Văn hóa, Thể thao và Du lịch;",
                "Như trên;",
                "Lưu: VT.",
            ],
            "governing_body": "",
            "issuing_unit": "ỦY BAN NHÂN DÂN\nTỈNH QUẢNG NINH",
        },
    }


def build_docx(data: dict[str, Any], charts: list[tuple[str, bytes]] | None = None) -> bytes:
    keys = ("trend", "platforms")
    return render_docx(
        ReportData.from_dict(data), charts=dict(zip(keys, charts or [], strict=False))
    )


# ---------------------------------------------------------------------------- formatting
def test_format_number_vi() -> None:
    assert format_number_vi(1234567) == "1.234.567"
    assert format_number_vi(0) == "0"
    assert format_number_vi(999) == "999"
    assert format_number_vi(1000) == "1.000"
    assert format_number_vi(-1234) == "-1.234"
    assert format_number_vi(12.5) == "12,5"
    assert format_number_vi(1234.0) == "1.234"
    assert format_number_vi(1234.56, 2) == "1.234,56"
    assert format_number_vi(-0.04) == "0"
    assert format_number_vi(None) == "—"
    assert format_number_vi(float("nan")) == "—"
    assert format_percent_vi(0.857) == "85,7%"
    assert format_change_vi(12.345) == "+12,3%"
    assert format_change_vi(-4.5) == "-4,5%"
    assert format_change_vi(0.01) == "0%"
    assert format_change_vi(None) == "—"


def test_format_dates_vi() -> None:
    assert format_date_vi(date(2026, 7, 3)) == "03/07/2026"
    assert format_date_vi("2026-12-31") == "31/12/2026"
    # 20:30 UTC is already the next day in Vietnam
    assert format_date_vi(datetime(2026, 2, 28, 20, 30, tzinfo=UTC)) == "01/03/2026"
    assert format_date_vi(None) == "—"
    assert format_place_date_vi("Quảng Ninh", date(2026, 7, 3)) == (
        "Quảng Ninh, ngày 03 tháng 7 năm 2026"
    )
    assert format_place_date_vi("Hà Nội", date(2026, 2, 15)) == "Hà Nội, ngày 15 tháng 02 năm 2026"
    assert format_place_date_vi("Huế", date(2026, 1, 9)) == "Huế, ngày 09 tháng 01 năm 2026"
    assert format_place_date_vi("Huế", date(2026, 11, 20)) == "Huế, ngày 20 tháng 11 năm 2026"


def test_split_paragraphs() -> None:
    assert split_paragraphs("") == []
    assert split_paragraphs(None) == []
    assert split_paragraphs("a\nb\n\n\n c ") == ["a b", "c"]
    assert split_paragraphs("Mở đầu:\n- một\n- hai\r\n\r\nCuối") == [
        "Mở đầu:",
        "- một",
        "- hai",
        "Cuối",
    ]
    assert split_paragraphs("x\x00y\x0b") == ["xy"]


# ---------------------------------------------------------------------------- docx
@pytest.fixture(scope="module")
def docx_doc() -> Any:
    blob = build_docx(sample_data(), charts=[("Số bài viết theo tháng", PNG_1PX)])
    return Document(io.BytesIO(blob))


def _all_paragraphs(doc: Any) -> list[Any]:
    out = list(doc.paragraphs)

    def walk(tables: Any) -> None:
        for table in tables:
            for row in table.rows:
                for cell in row.cells:
                    out.extend(cell.paragraphs)
                    walk(cell.tables)

    walk(doc.tables)
    return out


def _find(doc: Any, text: str) -> Any:
    for p in _all_paragraphs(doc):
        if p.text.strip() == text:
            return p
    raise AssertionError(f"paragraph {text!r} not found")


def _runs_size_bold(p: Any) -> tuple[set[Any], set[Any], set[Any]]:
    runs = [r for r in p.runs if r.text.strip()]
    return (
        {r.font.size for r in runs},
        {r.font.bold for r in runs},
        {r.font.italic for r in runs},
    )


def test_docx_page_setup(docx_doc: Any) -> None:
    s = docx_doc.sections[0]
    assert abs(s.page_width.mm - 210) < 0.5
    assert abs(s.page_height.mm - 297) < 0.5
    assert 20 <= round(s.top_margin.mm, 1) <= 25
    assert 20 <= round(s.bottom_margin.mm, 1) <= 25
    assert 30 <= round(s.left_margin.mm, 1) <= 35
    assert 15 <= round(s.right_margin.mm, 1) <= 20


def test_docx_every_run_is_times_new_roman(docx_doc: Any) -> None:
    paragraphs = _all_paragraphs(docx_doc)
    s = docx_doc.sections[0]
    paragraphs += list(s.header.paragraphs) + list(s.first_page_header.paragraphs)
    count = 0
    for p in paragraphs:
        for run in p.runs:
            count += 1
            assert run.font.name == "Times New Roman", (p.text, run.text)
            rfonts = run._r.rPr.find(qn("w:rFonts"))
            assert rfonts.get(qn("w:eastAsia")) == "Times New Roman"
            assert rfonts.get(qn("w:hAnsi")) == "Times New Roman"
    assert count > 100
    # hyperlink runs too
    body = docx_doc.element.body
    for r in body.iter(qn("w:r")):
        rfonts = r.find(qn("w:rPr") + "/" + qn("w:rFonts"))
        if r.find(qn("w:t")) is not None:
            assert rfonts is not None and rfonts.get(qn("w:ascii")) == "Times New Roman"
    assert docx_doc.styles["Normal"].font.name == "Times New Roman"


def test_docx_header_block(docx_doc: Any) -> None:
    header = docx_doc.tables[0]
    # borderless
    borders = header._tbl.tblPr.find(qn("w:tblBorders"))
    assert borders is not None
    assert {el.get(qn("w:val")) for el in borders} == {"nil"}
    left = header.rows[0].cells[0]
    right = header.rows[0].cells[1]
    assert "ỦY BAN NHÂN DÂN" in left.text and "TỈNH QUẢNG NINH" in left.text
    issuing = left.paragraphs[0]
    sizes, bolds, _ = _runs_size_bold(issuing)
    assert sizes <= {Pt(12), Pt(13)} and bolds == {True}
    # short rule under the issuing unit: an empty paragraph with a bottom border
    assert _has_bottom_border(left.paragraphs[-1]) and not left.paragraphs[-1].text

    national = _find(docx_doc, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    sizes, bolds, _ = _runs_size_bold(national)
    assert sizes <= {Pt(12), Pt(13)} and bolds == {True}
    motto = _find(docx_doc, "Độc lập - Tự do - Hạnh phúc")
    sizes, bolds, _ = _runs_size_bold(motto)
    assert sizes <= {Pt(13), Pt(14)} and bolds == {True}
    assert national._p.getparent() is right._tc
    # the rule under the motto, centred and shorter than the cell
    paras = right.paragraphs
    idx = [p.text for p in paras].index("Độc lập - Tự do - Hạnh phúc")
    after_motto = paras[idx + 1]
    assert _has_bottom_border(after_motto) and not after_motto.text
    assert after_motto.paragraph_format.left_indent > Cm(1)
    assert after_motto.paragraph_format.left_indent == after_motto.paragraph_format.right_indent

    number = _find(docx_doc, "Số: …/BC-UBND")
    sizes, bolds, _ = _runs_size_bold(number)
    assert sizes == {Pt(13)} and bolds == {False}
    place = _find(docx_doc, "Quảng Ninh, ngày 03 tháng 7 năm 2026")
    _, _, italics = _runs_size_bold(place)
    assert italics == {True}


def _has_bottom_border(p: Any) -> bool:
    ppr = p._p.pPr
    if ppr is None:
        return False
    bottom = ppr.find(qn("w:pBdr") + "/" + qn("w:bottom"))
    return bottom is not None and bottom.get(qn("w:val")) == "single"


def test_docx_governing_body_regular() -> None:
    data = sample_data(2)
    data["document"]["governing_body"] = "UBND tỉnh Quảng Ninh"
    data["document"]["issuing_unit"] = "Sở Văn hóa, Thể thao và Du lịch"
    data["document"]["signer_authority"] = "KT. GIÁM ĐỐC"
    data["document"]["signer_title"] = "Phó Giám đốc"
    doc = Document(io.BytesIO(build_docx(data)))
    left = doc.tables[0].rows[0].cells[0]
    gov, issuing = left.paragraphs[0], left.paragraphs[1]
    assert gov.text == "UBND TỈNH QUẢNG NINH"
    sizes, bolds, _ = _runs_size_bold(gov)
    assert sizes <= {Pt(12), Pt(13)} and bolds == {False}
    assert issuing.text == "SỞ VĂN HÓA, THỂ THAO VÀ DU LỊCH"
    assert _runs_size_bold(issuing)[1] == {True}
    sign = doc.tables[-1].rows[0].cells[1]
    texts = [p.text for p in sign.paragraphs if p.text]
    assert texts == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Nguyễn Văn A"]
    # no charts given → no picture
    assert not doc.inline_shapes


def test_docx_title_and_sections(docx_doc: Any) -> None:
    title = _find(docx_doc, "BÁO CÁO")
    sizes, bolds, _ = _runs_size_bold(title)
    assert sizes == {Pt(14)} and bolds == {True}
    assert title.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER
    summary = _find(
        docx_doc, "Kết quả hoạt động thông tin trên các kênh chính thức 6 tháng đầu năm 2026"
    )
    assert _runs_size_bold(summary)[1] == {True}
    texts = [p.text for p in docx_doc.paragraphs]
    positions = [texts.index(h) for h in SECTION_HEADINGS]
    assert positions == sorted(positions)
    for h in SECTION_HEADINGS:
        assert _runs_size_bold(_find(docx_doc, h))[1] == {True}
    # empty narrative → placeholder under IV
    iv = texts.index(SECTION_HEADINGS[3])
    assert texts[iv + 1] == EMPTY_PLACEHOLDER
    # narrative split into paragraphs
    ii = texts.index(SECTION_HEADINGS[1])
    assert texts[ii + 1] == "Một số đơn vị cấp xã chưa cập nhật số liệu đúng hạn."
    assert texts[ii + 2] == "Nội dung video còn ít."


def test_docx_body_paragraph_format(docx_doc: Any) -> None:
    body = [p for p in docx_doc.paragraphs if p.style.name == BODY_STYLE and p.text.strip()]
    assert len(body) >= 8
    for p in body:
        pf = p.paragraph_format
        assert pf.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
        assert Cm(1) <= pf.first_line_indent <= Cm(1.27) + 1
        assert pf.space_before >= Pt(6) and pf.space_after >= Pt(6)
        assert pf.line_spacing is None or pf.line_spacing >= 1.0
        for run in p.runs:
            if run.text.strip():
                assert run.font.size in (Pt(14), Pt(12)), p.text  # 12 pt = the Ghi chú note


def test_docx_figures_in_vi_format(docx_doc: Any) -> None:
    text = "\n".join(p.text for p in docx_doc.paragraphs)
    assert "4.037.034 lượt tiếp cận (tổng của các bài viết)" in text
    assert "8.057 bài viết" in text
    assert "người" not in text.split("Ghi chú")[0].replace("người được tiếp cận", "")
    # change vs last year: posts 8057 vs 7000 = +15,1 %, reach 4037034 vs 4200000 = -3,9 %
    assert "số bài viết tăng 15,1%" in text
    assert "lượt tiếp cận giảm 3,9%" in text
    assert "Ghi chú" in text and "không phải số người" in text and "(2.120 bài)" in text
    cells = [c.text for t in docx_doc.tables for row in t.rows for c in row.cells]
    assert "1.234.567" in cells  # Facebook reach
    assert "2.345.678" in cells
    assert "—" in cells  # Zalo gives no reach


def test_docx_tables(docx_doc: Any) -> None:
    tables = docx_doc.tables
    # header; headline, monthly, platform, content type, children, missing units, top
    # posts; signature
    assert len(tables) == 9
    platform = tables[3]
    assert [c.text for c in platform.rows[0].cells][:3] == ["STT", "Nền tảng", "Số bài viết"]
    for cell in platform.rows[0].cells:
        assert all(r.font.bold for r in cell.paragraphs[0].runs)
    for row in platform.rows[1:]:
        for index in (2, 3):
            p = row.cells[index].paragraphs[0]
            assert p.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.RIGHT
            assert re.fullmatch(r"[\d.]+|—", p.text)
            assert {r.font.size for r in p.runs} <= {Pt(12), Pt(13)}
    assert platform.rows[-1].cells[1].text == "Tổng cộng"
    children = tables[5]
    names = [row.cells[1].text for row in children.rows]
    assert '=HYPERLINK("http://x")' in names
    assert names[1] == "Kênh của chính đơn vị" and names[-1] == "Tổng cộng"
    # the header row repeats on each page
    assert children.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    missing = tables[6]
    assert any("T3/2026" in row.cells[3].text for row in missing.rows[1:])


def test_docx_signature_block(docx_doc: Any) -> None:
    sign = docx_doc.tables[-1]
    assert sign._tbl.tblPr.find(qn("w:tblBorders")) is not None
    left, right = sign.rows[0].cells
    label = left.paragraphs[0]
    assert label.text == "Nơi nhận:"
    sizes, bolds, italics = _runs_size_bold(label)
    assert sizes == {Pt(12)} and bolds == {True} and italics == {True}
    recipients = [p for p in left.paragraphs[1:] if p.text]
    assert [p.text for p in recipients][-1] == "- Lưu: VT."
    for p in recipients:
        assert p.text.startswith("- ")
        assert _runs_size_bold(p)[0] == {Pt(11)}
    texts = [p.text for p in right.paragraphs if p.text]
    assert texts == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Nguyễn Văn A"]
    for p in right.paragraphs:
        if p.text:
            sizes, bolds, _ = _runs_size_bold(p)
            assert sizes <= {Pt(13), Pt(14)} and bolds == {True}


def test_docx_page_numbers(docx_doc: Any) -> None:
    s = docx_doc.sections[0]
    assert s.different_first_page_header_footer is True
    header = s.header
    assert not header.is_linked_to_previous
    xml = header._element.xml
    assert "PAGE" in xml
    p = header.paragraphs[0]
    assert p.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER
    instr = [el.text for el in header._element.iter(qn("w:instrText"))]
    assert any(t.strip() == "PAGE" for t in instr)
    # the first page's header exists and has no page number
    first = s.first_page_header
    assert not first.is_linked_to_previous
    assert "PAGE" not in first._element.xml


def test_docx_chart_picture(docx_doc: Any) -> None:
    shapes = docx_doc.inline_shapes
    assert len(shapes) == 1
    assert shapes[0].width <= Cm(16) + 1
    assert "Biểu đồ 1. Số bài viết theo tháng" in [p.text for p in docx_doc.paragraphs]


def test_docx_core_properties_and_no_leaks(docx_doc: Any) -> None:
    cp = docx_doc.core_properties
    assert cp.author != "python-docx"
    assert "6 tháng đầu năm 2026" in cp.title


def test_docx_survives_hostile_and_sparse_input() -> None:
    data: dict[str, Any] = {
        "unit": {"code": "x", "name": "A\x00B <w:t>&amp;", "place": ""},
        "period": {"label": "năm 2026"},
        "totals": {"posts": 0, "reach": 0},
        "previous_year": {"posts": 0, "reach": 0},
        "narrative": {"limitations": None},
        "document": {},
    }
    doc = Document(io.BytesIO(build_docx(data)))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "AB <w:t>&amp;" in text
    assert "chưa so sánh được" in text
    assert text.count(EMPTY_PLACEHOLDER) == 3


# ---------------------------------------------------------------------------- xlsx
@pytest.fixture(scope="module")
def workbook() -> Any:
    return load_workbook(io.BytesIO(build_xlsx(sample_data())))


def test_xlsx_sheets(workbook: Any) -> None:
    assert workbook.sheetnames == [
        "Tổng hợp",
        "Theo tháng",
        "Theo nền tảng",
        "Theo loại nội dung",
        "Đơn vị cấp dưới",
        "Mức độ đầy đủ",
        "Bài nổi bật",
        "Ghi chú",
    ]
    for ws in workbook.worksheets[:-1]:
        assert ws.freeze_panes == "A2"
        assert all(c.font.bold for c in ws[1] if c.value is not None)
        assert ws.column_dimensions["A"].width > 8


def test_xlsx_numbers_are_numbers(workbook: Any) -> None:
    ws = workbook["Theo nền tảng"]
    rows = list(ws.iter_rows(min_row=2, values_only=False))
    fb = rows[0]
    assert fb[0].value == "Facebook"
    assert fb[1].value == 5210 and fb[1].data_type == "n"
    assert fb[2].value == 1234567 and fb[2].data_type == "n"
    assert fb[2].number_format == "#,##0"
    assert rows[2][2].value is None  # Zalo: no reach → blank, not 0
    summary = workbook["Tổng hợp"]
    assert summary["B3"].value == 4037034 and summary["B3"].data_type == "n"
    assert summary["D2"].data_type == "n" and abs(summary["D2"].value - (8057 / 7000 - 1)) < 1e-9
    children = workbook["Đơn vị cấp dưới"]
    assert children["A2"].value == "Kênh của chính đơn vị"
    assert children["B3"].value == 40 and children["B3"].data_type == "n"
    assert children["G3"].value == 2  # Số kênh hoạt động, filled


def test_xlsx_no_formulas(workbook: Any) -> None:
    children = workbook["Đơn vị cấp dưới"]
    names = {}
    for row in children.iter_rows(min_row=2):
        # XlsxWriter stores "\r" as Excel's escape "_x000D_", which openpyxl leaves as is.
        names[str(row[0].value).replace("_x000D_", "\r")] = row[0]
    for evil in EVIL_NAMES:
        cell = names[evil]
        assert cell.data_type == "s", evil
    assert names["+1"].quotePrefix
    for ws in workbook.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
    posts = workbook["Bài nổi bật"]
    assert posts["A3"].value == "=cmd|' /C calc'!A0" and posts["A3"].data_type == "s"
    assert posts["C3"].value == "-2+3"
    assert posts["C3"].hyperlink is None  # javascript: is no link
    assert posts["C2"].hyperlink is not None
    assert posts["B2"].value == "Facebook"
    assert posts["D3"].value.date() == date(2026, 3, 1)  # 20:30 UTC → 01/03 in Vietnam


def test_xlsx_raw_xml_has_no_formula_elements() -> None:
    blob = build_xlsx(sample_data())
    with zipfile.ZipFile(io.BytesIO(blob)) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in z.read(name) and b"<f " not in z.read(name)


def test_xlsx_completeness_and_months(workbook: Any) -> None:
    ws = workbook["Mức độ đầy đủ"]
    assert ws["C2"].value == "T3/2026"
    values = [c.value for c in ws["A"] if c.value]
    assert any("70/72, đạt 97,2%" in str(v) for v in values)
    monthly = workbook["Theo tháng"]
    assert monthly["A2"].value == "T1/2026"
    assert monthly["B2"].data_type == "n"


def test_xlsx_empty_report() -> None:
    wb = load_workbook(io.BytesIO(build_xlsx({})))
    assert len(wb.sheetnames) == 6  # no children, no completeness


# ---------------------------------------------------------------------------- performance
def test_province_sized_build_time() -> None:
    data = sample_data(150)
    t0 = time.perf_counter()
    docx_blob = build_docx(data, charts=[("a", PNG_1PX), ("b", PNG_1PX)])
    t1 = time.perf_counter()
    xlsx_blob = build_xlsx(data)
    t2 = time.perf_counter()
    print(
        f"\nprovince-sized: docx {t1 - t0:.2f}s ({len(docx_blob)} B), "
        f"xlsx {t2 - t1:.2f}s ({len(xlsx_blob)} B)"
    )
    assert t1 - t0 < 10 and t2 - t1 < 5
    doc = Document(io.BytesIO(docx_blob))
    assert len(doc.tables[5].rows) == 153  # header + own channels + 150 + total


def test_generated_on_defaults_to_today_in_vietnam() -> None:
    data = sample_data(1)
    del data["generated_on"]
    doc = Document(io.BytesIO(build_docx(data)))
    today = datetime.now(timezone(timedelta(hours=7))).date()
    expected = format_place_date_vi("Quảng Ninh", today)
    assert expected in [
        p.text for t in doc.tables for r in t.rows for c in r.cells for p in c.paragraphs
    ]


# WordprocessingML's order of a table's properties (ECMA-376 Part 1, 17.4.60 tblPr): each at
# most once, in this order; Word refuses a document that repeats one.
TBL_PR_ORDER = [
    "tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize",
    "tblStyleColBandSize", "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd",
    "tblLayout", "tblCellMar", "tblLook", "tblCaption", "tblDescription",
]  # fmt: skip


def test_docx_table_properties_are_valid(docx_doc: Any) -> None:
    tables = docx_doc.element.body.iter(qn("w:tbl"))
    checked = 0
    for tbl in tables:
        names = [child.tag.split("}", 1)[1] for child in tbl.tblPr]
        assert len(names) == len(set(names)), names
        assert names == sorted(names, key=TBL_PR_ORDER.index), names
        checked += 1
    assert checked >= 5
