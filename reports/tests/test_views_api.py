from __future__ import annotations

import io
import json
from io import StringIO
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from docx import Document
from docx.shared import Mm

from reports.models import ReportNarrative
from reports.tests.factories import add_posts, at, channel


@pytest.fixture
def data(world: Any) -> Any:
    admin = world.province_users["administrator"]
    add_posts(
        admin,
        channel(world.commune_a),
        [
            {
                "published_at": at(2026, 2, 2),
                "reach": 1234567,
                "caption": '=HYPERLINK("x")',
                "permalink": "https://www.facebook.com/p/1",
            },
        ],
    )
    add_posts(
        admin,
        channel(world.commune_b, "tiktok"),
        [
            {"published_at": at(2026, 3, 3), "views": 77, "content_type": "video"},
        ],
    )
    return world


def test_summary_api_has_the_documented_shape(data: Any, client: Any) -> None:
    client.force_login(data.province_users["viewer"])
    r = client.get("/api/reports/summary", {"unit": "22", "period": "2026-H1"})
    assert r.status_code == 200
    body = r.json()
    assert set(body) >= {
        "unit",
        "period",
        "totals",
        "by_platform",
        "by_content_type",
        "children",
        "completeness",
        "previous_year",
    }
    assert set(body["period"]) >= {"start", "end", "convention"}
    assert set(body["totals"]) >= {"posts", "reach", "views", "engagements", "posts_without_reach"}
    assert set(body["completeness"]) >= {"expected", "reported", "rate", "missing"}
    assert body["totals"]["reach"] == 1234567
    child = next(c for c in body["children"] if c["unit"]["code"] == "07192")
    assert set(child) == {"unit", "totals", "reported_months"}
    r = client.get("/api/reports/summary", {"unit": "22", "period": "2026-13"})
    assert r.status_code == 400
    assert "2026-13" in r.json()["detail"]


def test_summary_is_scoped(data: Any, client: Any) -> None:
    client.force_login(data.users_a["administrator"])
    assert client.get("/api/reports/summary", {"unit": "22", "period": "2026"}).status_code == 404
    assert (
        client.get("/api/reports/summary", {"unit": "07192", "period": "2026"}).status_code == 200
    )


def test_csv_is_excel_friendly_and_formula_safe(data: Any, client: Any) -> None:
    data.commune_b.name = "=cmd|' /C calc'!A0"
    data.commune_b.save()
    client.force_login(data.province_users["viewer"])
    r = client.get("/api/reports/summary.csv", {"unit": "22", "period": "2026-H1"})
    text = r.content.decode("utf-8")
    assert text.startswith("\ufeffcode,name,posts")
    assert "'=cmd" in text


def test_report_page_shows_figures_in_vietnamese_format(data: Any, client: Any) -> None:
    client.force_login(data.province_users["viewer"])
    page = client.get("/reports/22/", {"period": "2026-H1"}).content.decode()
    assert "1.234.567" in page
    assert "Từ 01/01/2026 đến 30/06/2026." in page  # dd/mm/yyyy
    assert "không phải số người" in page  # the footnote on reach
    assert 'data-spec-id="chart-trend"' in page
    assert "/reports/07192/?period=2026-H1" in page  # drill-down
    bad = client.get("/reports/22/", {"period": "tháng bảy"})
    assert bad.status_code == 400
    assert "tháng bảy" in bad.content.decode()


def test_editor_keeps_the_narrative_with_the_report(data: Any, client: Any) -> None:
    client.force_login(data.province_users["editor"])
    r = client.post(
        "/reports/22/narrative/?period=2026-H1&convention=calendar",
        {
            "limitations": "Một số xã chưa báo cáo đúng hạn.",
            "directions": "Tăng video.",
            "recommendations": "",
            "signer_name": "Nguyễn Văn A",
            "recipients": "Như trên;\nLưu: VT.",
        },
    )
    assert r.status_code == 302
    n = ReportNarrative.objects.get(unit=data.province, period_code="2026-H1")
    assert n.limitations.startswith("Một số xã")
    client.force_login(data.province_users["viewer"])
    r = client.post("/reports/22/narrative/?period=2026-H1", {"limitations": "hack"})
    assert r.status_code == 403


def test_build_report_command_json_docx_xlsx(data: Any, tmp_path: Path) -> None:
    out = StringIO()
    call_command(
        "build_report", "--unit", "22", "--period", "2026-H1", "--format", "json", stdout=out
    )
    body = json.loads(out.getvalue())
    assert body["totals"]["posts"] == 2
    docx_path = tmp_path / "r.docx"
    call_command(
        "build_report",
        "--unit",
        "22",
        "--period",
        "2026-H1",
        "--format",
        "docx",
        "--output",
        str(docx_path),
        stdout=StringIO(),
    )
    doc = Document(str(docx_path))
    section = doc.sections[0]
    assert section.page_width is not None and section.page_height is not None
    assert abs(section.page_width - Mm(210)) < Mm(1)
    assert abs(section.page_height - Mm(297)) < Mm(1)
    text = "\n".join(p.text for p in doc.paragraphs)
    header_text = "\n".join(c.text for t in doc.tables for row in t.rows for c in row.cells)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in header_text
    assert "ỦY BAN NHÂN DÂN TỈNH QUẢNG NINH" in header_text
    assert "BÁO CÁO" in text
    assert "1.234.567" in text + header_text
    assert len(doc.inline_shapes) >= 1  # the charts
    xlsx_path = tmp_path / "r.xlsx"
    call_command(
        "build_report",
        "--unit",
        "22",
        "--period",
        "2026-H1",
        "--format",
        "xlsx",
        "--output",
        str(xlsx_path),
        stdout=StringIO(),
    )
    wb = openpyxl.load_workbook(io.BytesIO(xlsx_path.read_bytes()))
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    assert not [c for c in cells if c.data_type == "f"]
    assert any(c.value == 1234567 and c.data_type == "n" for c in cells)
    with pytest.raises(CommandError, match="2026-Q5"):
        call_command("build_report", "--unit", "22", "--period", "2026-Q5")


def test_build_report_writes_a_document_to_standard_output(
    data: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    """``--output -`` writes the .xlsx's bytes to standard output, and no file named "-"."""
    monkeypatch.chdir(tmp_path)
    raw = io.BytesIO()
    stdout = io.TextIOWrapper(raw, encoding="utf-8")
    call_command(
        "build_report", "--unit", "22", "--period", "2026-H1", "--format", "xlsx",
        "--output", "-", stdout=stdout,
    )  # fmt: skip
    assert not (tmp_path / "-").exists()
    wb = openpyxl.load_workbook(io.BytesIO(raw.getvalue()))
    assert "Tổng hợp" in wb.sheetnames


def test_downloads_are_named_by_unit_period_and_convention(data: Any, client: Any) -> None:
    client.force_login(data.province_users["viewer"])
    names = set()
    for convention in ("calendar", "administrative"):
        r = client.get("/reports/22/download.xlsx", {"period": "2026-Q1", "convention": convention})
        names.add(r["Content-Disposition"])
    assert names == {
        'attachment; filename="bao-cao-22-2026-Q1-lich.xlsx"',
        'attachment; filename="bao-cao-22-2026-Q1-ky-thong-ke.xlsx"',
    }


def test_report_shows_the_top_hub_items(data: Any, client: Any) -> None:
    from hub.services import republication_record
    from hub.tests.factories import make_item

    item = make_item(
        data.province, data.province_users["editor"], data.province_users["administrator"]
    )
    ch = channel(data.commune_a, identifier="ubndcoto")
    republication_record(
        acting_user=None,
        item=item,
        unit=data.commune_a,
        url="https://www.facebook.com/ubndcoto/posts/4242",
    )
    add_posts(
        data.province_users["administrator"],
        ch,
        [
            {
                "published_at": at(2026, 2, 3),
                "reach": 8765,
                "post_id": "4242",
                "permalink": "https://www.facebook.com/ubndcoto/posts/4242",
            },
        ],
    )
    client.force_login(data.province_users["viewer"])
    page = client.get("/reports/22/", {"period": "2026-H1"}).content.decode()
    assert item.title in page
    assert "8.765" in page


def test_document_speaks_as_the_unit_and_names_real_recipients(data: Any) -> None:
    from reports import build
    from reports.periods import parse_period

    report = build.report_data(data.commune_a, parse_period("2026-H1"))
    assert report["document"]["recipients"] == ["UBND tỉnh Quảng Ninh (để báo cáo);", "Lưu: VT, …."]
    report["document"]["signer_authority"] = "TM. Ủy ban nhân dân\nKT. Chủ tịch"
    report["document"]["signer_title"] = "Phó Chủ tịch"
    doc = Document(io.BytesIO(build.build_docx(report, with_charts=False)))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "các kênh thông tin chính thức của UBND đặc khu Cô Tô" in text
    sign_left, sign_right = doc.tables[-1].rows[0].cells
    assert "Như trên" not in sign_left.text
    lines = [p.text for p in sign_right.paragraphs if p.text]
    assert lines[:3] == ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]


def test_the_reports_home_opens_the_users_unit_with_the_period_asked_for(
    data: Any, client: Any
) -> None:
    client.force_login(data.users_a["viewer"])
    response = client.get("/reports/", {"period": "2026-Q1", "convention": "calendar"})
    assert response.status_code == 302
    assert response["Location"] == (
        f"/reports/{data.commune_a.code}/?period=2026-Q1&convention=calendar"
    )
    assert client.get("/reports/")["Location"] == f"/reports/{data.commune_a.code}/"
