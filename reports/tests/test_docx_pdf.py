"""The province .docx as an office prints it: rendered to PDF by LibreOffice, it has a sane
number of pages, uses the document's serif font (Times New Roman, or its metric twin
Liberation Serif where Times is not installed) for every glyph, and no table runs off the
page or squeezes its label column (a unit's name one letter a line).

No PDF library is in the lock: the PDF is read with ``re`` and ``zlib`` (LibreOffice writes
plain objects and Flate-compressed page streams, with absolute coordinates)."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import zipfile
import zlib
from pathlib import Path

import pytest

from reports import build
from reports.render.docx_style import MARGIN_LEFT, MARGIN_RIGHT, PAGE_W, TEXT_W_CM
from reports.sections import SECTIONS
from reports.tests.test_render_documents import sample_data

PT_PER_MM = 72 / 25.4
TWIPS_PER_CM = 1440 / 2.54
SERIF = re.compile(r"(TimesNewRoman|Times-Roman|Times|LiberationSerif)(PSMT|PS)?(-\w+)?")
LABEL_MIN_CM = 3.0  # docs/contributing.md: the first column keeps at least 3 cm


def soffice() -> str:
    path = shutil.which("soffice") or shutil.which("libreoffice")
    if path:
        return path
    if os.environ.get("BANTIN_REQUIRE_E2E") == "1":
        pytest.fail("LibreOffice (soffice) is missing: .ci/run installs libreoffice-writer-nogui")
    pytest.skip(
        "LibreOffice (soffice) is not installed: apt-get install libreoffice-writer-nogui "
        "(CI sets BANTIN_REQUIRE_E2E=1 and fails instead of skipping)"
    )


def to_pdf(docx: bytes, workdir: Path) -> bytes:
    src = workdir / "report.docx"
    src.write_bytes(docx)
    # A profile of its own: a LibreOffice already running for the user cannot take the job.
    profile = (workdir / "lo-profile").as_uri()
    subprocess.run(
        [
            soffice(),
            f"-env:UserInstallation={profile}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(workdir),
            str(src),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return (workdir / "report.pdf").read_bytes()


# ------------------------------------------------------------------------ reading the PDF
def _objects(pdf: bytes) -> dict[int, bytes]:
    return {int(m[1]): m[2] for m in re.finditer(rb"(\d+) 0 obj(.*?)endobj", pdf, re.S)}


def _stream(body: bytes) -> bytes:
    m = re.search(rb"stream\r?\n(.*?)\r?\nendstream", body, re.S)
    if m is None:
        return b""
    try:
        return zlib.decompress(m[1])
    except zlib.error:
        return m[1]


def page_count(pdf: bytes) -> int:
    """/Count of the root page tree (the largest /Count: a subtree's is smaller)."""
    counts = [int(c) for c in re.findall(rb"/Type\s*/Pages\b[^>]*?/Count\s+(\d+)", pdf, re.S)]
    counts += [int(c) for c in re.findall(rb"/Count\s+(\d+)[^>]*?/Type\s*/Pages\b", pdf, re.S)]
    return max(counts, default=0)


def fonts(pdf: bytes) -> set[str]:
    """The embedded fonts' names, without the subset prefix (ABCDEF+)."""
    names = set()
    for body in [pdf, *(_stream(b) for b in _objects(pdf).values() if b"/ObjStm" in b)]:
        for name in re.findall(rb"/BaseFont\s*/([^\s/<>\[\]()]+)", body):
            names.add(name.decode("latin1").split("+", 1)[-1])
    return names


def page_contents(pdf: bytes) -> list[str]:
    objects = _objects(pdf)
    out = []
    for body in objects.values():
        if not re.search(rb"/Type\s*/Page(?!s)", body):
            continue
        refs = re.search(rb"/Contents\s*(\[[^\]]*\]|\d+ 0 R)", body)
        if refs is None:
            continue
        parts = [int(n) for n in re.findall(rb"(\d+) 0 R", refs[1])]
        out.append(b"".join(_stream(objects[n]) for n in parts).decode("latin1"))
    return out


def rightmost_x(content: str) -> float:
    """The rightmost x of text starts, lines and rectangles on a page (points)."""
    xs = [float(m[1]) for m in re.finditer(r"(-?[\d.]+) -?[\d.]+ (?:Td|m|l)\b", content)]
    # a rectangle followed by W is a clipping path (LibreOffice clips to the page), not ink
    for m in re.finditer(r"(-?[\d.]+) -?[\d.]+ (-?[\d.]+) -?[\d.]+ re\b(?!\s*W)", content):
        xs.append(float(m[1]) + max(0.0, float(m[2])))
    return max(xs, default=0.0)


# ------------------------------------------------------------------------ reading the .docx
def table_grids(docx: bytes) -> list[list[int]]:
    """Each table's column widths (twips) as the .docx declares them."""
    xml = zipfile.ZipFile(io.BytesIO(docx)).read("word/document.xml").decode()
    tables = re.findall(r"<w:tbl>.*?</w:tbl>", xml, re.S)
    return [[int(w) for w in re.findall(r'<w:gridCol w:w="(\d+)"', t)] for t in tables]


def text_width_twips(docx: bytes) -> int:
    xml = zipfile.ZipFile(io.BytesIO(docx)).read("word/document.xml").decode()
    page = int(re.search(r'<w:pgSz w:w="(\d+)"', xml)[1])  # type: ignore[index]
    left = int(re.search(r'<w:pgMar [^>]*w:left="(\d+)"', xml)[1])  # type: ignore[index]
    right = int(re.search(r'<w:pgMar [^>]*w:right="(\d+)"', xml)[1])  # type: ignore[index]
    return page - left - right


def check_layout(docx: bytes, pdf: bytes, *, max_pages: int) -> None:
    pages = page_count(pdf)
    assert 2 <= pages <= max_pages, f"{pages} pages"
    used = fonts(pdf)
    assert used and all(SERIF.fullmatch(f) for f in used), used
    # No table wider than the text, none with a column too narrow to hold a word.
    width = text_width_twips(docx)
    for i, grid in enumerate(table_grids(docx)):
        assert sum(grid) <= width + 2, (i, grid, width)  # 2 twips: rounding
        if len(grid) > 2:  # a section's table: STT, the label column, the figures
            assert grid[1] >= LABEL_MIN_CM * TWIPS_PER_CM - 2, (i, grid)
    # And on paper: nothing drawn or written right of the right margin.
    limit = (PAGE_W - MARGIN_RIGHT) * PT_PER_MM + 1.0  # 1 pt: half a border line
    for n, content in enumerate(page_contents(pdf), 1):
        assert rightmost_x(content) <= limit, (n, rightmost_x(content), limit)


@pytest.fixture(scope="module")
def province_docx() -> bytes:
    return build.build_docx(sample_data(150))  # 150 communes, with its charts


@pytest.mark.slow
def test_the_province_docx_prints_within_the_page(province_docx: bytes, tmp_path: Path) -> None:
    pdf = to_pdf(province_docx, tmp_path)
    # ~8 pages of text and charts, plus the 150 communes' table at ~25 rows a page
    check_layout(province_docx, pdf, max_pages=20)


@pytest.mark.slow
def test_the_check_catches_a_table_that_runs_off_the_page(
    province_docx: bytes, tmp_path: Path
) -> None:
    """A table a fifth wider than the text (as a renderer that added a column without
    shrinking the others would make): the check refuses it, in the .docx and on paper."""
    xml_name = "word/document.xml"
    src = zipfile.ZipFile(io.BytesIO(province_docx))
    xml = src.read(xml_name).decode()
    tables = re.findall(r"<w:tbl>.*?</w:tbl>", xml, re.S)
    wide = re.sub(
        r'(<w:(?:gridCol|tcW|tblW)\b[^>]*?w:w=")(\d+)"',
        lambda m: f'{m[1]}{round(int(m[2]) * 1.2)}"',
        tables[3],  # the platforms' table
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == xml_name:
                data = xml.replace(tables[3], wide).encode()
            dst.writestr(item, data)
    broken = out.getvalue()
    pdf = to_pdf(broken, tmp_path)
    with pytest.raises(AssertionError) as refused:
        check_layout(broken, pdf, max_pages=20)
    assert str(refused.value).startswith("(3, [")  # the widened table, by its index
    # and the PDF shows it past the margin, whatever the .docx says
    widest = max(rightmost_x(c) for c in page_contents(pdf))
    assert widest > (PAGE_W - MARGIN_RIGHT) * PT_PER_MM + 1.0


def test_every_section_leaves_its_label_column_3_cm() -> None:
    """The declared widths (docs/contributing.md): the STT column, the figures, and at
    least 3 cm of the 16,5 cm line for the label column, which takes the rest."""
    for section in SECTIONS:
        if not section.columns:
            continue
        others = 1.0 + sum(c.docx_cm for c in section.columns[1:])  # 1 cm: STT
        assert TEXT_W_CM - others >= LABEL_MIN_CM, (section.key, round(TEXT_W_CM - others, 2))


def test_pdf_reading_helpers() -> None:
    pdf = (
        b"%PDF-1.6\n1 0 obj<</Type/Pages/Kids[2 0 R]/Count 3>>endobj\n"
        b"2 0 obj<</Type/Pages/Parent 1 0 R/Count 2>>endobj\n"
        b"3 0 obj<</Type/Font/BaseFont/ABCDEF+LiberationSerif-Bold>>endobj\n"
        b"4 0 obj<</Type/Page/Contents 5 0 R>>endobj\n"
        b"5 0 obj<</Length 60>>stream\n"
        + zlib.compress(b"q 0 0 595 842 re W* n\nBT 85.2 700 Td ET\n90 600 m 553 600 l S\n")
        + b"\nendstream endobj\n"
    )
    assert page_count(pdf) == 3
    assert fonts(pdf) == {"LiberationSerif-Bold"}
    assert [rightmost_x(c) for c in page_contents(pdf)] == [553.0]
    assert SERIF.fullmatch("DejaVuSans") is None  # a fallback font fails loudly
    assert SERIF.fullmatch("TimesNewRomanPS-BoldMT") and SERIF.fullmatch("LiberationSerif-Italic")
    assert MARGIN_LEFT == 30  # the geometry the check assumes (Decree 30/2020)
