"""Formula injection: every CSV and .xlsx the project serves, found from the permission
matrix (not listed here), is fed names that a spreadsheet would run, and no cell of any
of them may begin a formula."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from conftest import make_unit
from core.audit import audit
from core.spreadsheets import FORMULA_TRIGGERS, CsvWriter, SafeWorkbook, csv_cell
from core.tests.test_permission_matrix import ROUTES

PAYLOADS = (
    '=HYPERLINK("https://evil.example","Bam de xac minh")',
    "+1",
    "-1+1",
    "@SUM(A1)",
    "\t=1+1",
    "\r=1+1",
)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _kind(response: Any) -> str | None:
    content_type = response.get("Content-Type", "")
    disposition = response.get("Content-Disposition", "")
    if content_type.startswith("text/csv") or '.csv"' in disposition:
        return "csv"
    if content_type.startswith(XLSX) or '.xlsx"' in disposition:
        return "xlsx"
    return None


def _body(response: Any) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return bytes(response.content)


def _csv_offences(body: bytes) -> tuple[list[str], int]:
    offences, seen = [], 0
    for row in csv.reader(io.StringIO(body.decode("utf-8-sig"))):
        for cell in row:
            seen += any(p.strip() in cell for p in PAYLOADS)
            if cell.startswith(FORMULA_TRIGGERS):
                offences.append(cell)
    return offences, seen


def _xlsx_offences(body: bytes) -> tuple[list[str], int]:
    offences, seen = [], 0
    book = load_workbook(io.BytesIO(body))  # not read-only: styles carry the quote prefix
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    offences.append(f"{ws.title}!{cell.coordinate}: formula {cell.value!r}")
                elif isinstance(cell.value, str):
                    seen += any(p.strip() in cell.value for p in PAYLOADS)
                    # Excel's quote prefix marks the cell as text even when edited.
                    if cell.value.startswith(FORMULA_TRIGGERS) and not cell.quotePrefix:
                        offences.append(f"{ws.title}!{cell.coordinate}: {cell.value!r}")
    return offences, seen


def _seed_payloads(world: Any) -> None:
    from registry.models import Channel
    from units.models import Unit

    child = make_unit("06688-01", "x", "agency", world.commune_b)
    for n, unit in enumerate(Unit.objects.order_by("pk")):
        Unit.objects.filter(pk=unit.pk).update(name=PAYLOADS[n % len(PAYLOADS)])
    for n, channel in enumerate(Channel.objects.order_by("pk")):
        Channel.objects.filter(pk=channel.pk).update(display_name=PAYLOADS[n % len(PAYLOADS)])
        audit(None, "test.payload", Channel.objects.get(pk=channel.pk))
    audit(None, "test.payload", child)


@pytest.mark.django_db
def test_no_export_cell_begins_a_formula(world: Any) -> None:
    admin = Client()
    admin.force_login(world.province_users["administrator"])
    anonymous = Client()
    candidates = []
    for name, route in sorted(ROUTES.items()):
        if route.method != "GET" or route.access == "operator" or route.url is None:
            continue
        # Builders make their objects (channels, items) before the names are poisoned.
        candidates.append((name, route, route.url(world), route.data(world) if route.data else {}))
    _seed_payloads(world)

    found: dict[str, int] = {}
    problems: list[str] = []
    for name, route, url, data in candidates:
        client = anonymous if route.access == "public" else admin
        response = client.get(url, data)
        kind = _kind(response)
        if kind is None:
            assert not url.split("?")[0].endswith((".csv", ".xlsx")), (
                f"{name} ({url}) answered {response.status_code} with no spreadsheet"
            )
            continue
        assert response.status_code == 200, (name, response.status_code)
        body = _body(response)
        offences, seen = (_csv_offences if kind == "csv" else _xlsx_offences)(body)
        problems += [f"{name} ({url}): {o}" for o in offences]
        found[name] = seen

    # The discovery found the exports, and the payloads reached those that carry names.
    assert {"public:open_data_csv", "security:audit_csv", "reports:download"} <= set(found)
    assert sum(1 for seen in found.values() if seen) >= 4, found
    assert problems == []


def test_csv_writer_defuses_text_and_keeps_numbers() -> None:
    out = io.StringIO()
    CsvWriter(out).writerow([*PAYLOADS, 1234567, -5, 2.5, None, "Xã Cô Tô"])
    cells = next(csv.reader(io.StringIO(out.getvalue())))
    assert [c[0] for c in cells[: len(PAYLOADS)]] == ["'"] * len(PAYLOADS)
    assert cells[len(PAYLOADS) :] == ["1234567", "-5", "2.5", "", "Xã Cô Tô"]
    assert csv_cell(-5) == -5  # a real number is never text
    assert CsvWriter().writerow(["=1"]) == "'=1\r\n"  # the streaming form returns the line


def test_safe_workbook_keeps_numbers_numeric_and_refuses_formulas() -> None:
    buffer = io.BytesIO()
    wb = SafeWorkbook(buffer)
    bold = wb.add_format({"bold": True})
    ws = wb.add_worksheet("T")
    ws.write(0, 0, "=1+1")
    ws.write_string(0, 1, "@SUM(A1)", bold)
    ws.write_number(0, 2, 1234567)
    ws.write(0, 3, "-1")
    ws.merge_range(1, 0, 1, 2, "+1", bold)
    with pytest.raises(TypeError):
        ws.write_formula(2, 0, "=1+1")
    wb.close()
    sheet = load_workbook(io.BytesIO(buffer.getvalue()))["T"]
    assert sheet["A1"].value == "=1+1" and sheet["A1"].data_type == "s"
    assert sheet["A1"].quotePrefix and sheet["B1"].quotePrefix and sheet["B1"].font.b
    assert sheet["C1"].value == 1234567 and sheet["C1"].data_type == "n"
    assert sheet["D1"].data_type == "s" and sheet["D1"].quotePrefix
    assert sheet["A2"].quotePrefix and sheet["A2"].font.b
    assert _xlsx_offences(buffer.getvalue())[0] == []


def test_no_export_bypasses_the_safe_writers() -> None:
    """A new export cannot reach ``csv.writer`` or a workbook class but through
    ``core.spreadsheets`` (parsers may read workbooks; tests and benchmarks may write)."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    direct = ("csv.writer(", "csv.DictWriter(", "xlsxwriter.Workbook(", "Workbook()")
    offenders = []
    for path in root.rglob("*.py"):
        rel = path.relative_to(root).as_posix()
        if rel.startswith((".venv/", "var/", "bench/")) or "/tests/" in rel:
            continue
        if rel == "core/spreadsheets.py":
            continue
        text = path.read_text("utf-8")
        offenders += [f"{rel}: {needle}" for needle in direct if needle in text]
    assert offenders == []
