from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from units.models import Unit
from units.selectors import subtree


def run_json(*args: str) -> dict[str, int]:
    out = StringIO()
    call_command("load_units", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


@pytest.mark.django_db
def test_all_loads_34_provinces_and_3321_communes_and_is_idempotent() -> None:
    first = run_json("--all")
    assert first["provinces"] == 34
    assert first["communes"] == 3321
    assert first["created"] == 34 + 3321
    assert Unit.objects.filter(level=0).count() == 34
    assert Unit.objects.filter(level=1).count() == 3321
    second = run_json("--all")
    assert second["created"] == 0
    assert second["updated"] == 0
    assert second["unchanged"] == 3355
    # Official codes: provinces 2 digits, communes 5 digits, zero-padded.
    assert Unit.objects.get(code="01").name == "Thành phố Hà Nội"
    assert all(len(c) == 5 for c in Unit.objects.filter(level=1).values_list("code", flat=True))
    assert set(Unit.objects.filter(level=1).values_list("kind", flat=True)) == {
        "ward",
        "commune",
        "special_zone",
    }


@pytest.mark.django_db
def test_province_accepts_unpadded_codes() -> None:
    result = run_json("--province", "1", "22")
    assert result["provinces"] == 2
    quang_ninh = Unit.objects.get(code="22")
    assert subtree(quang_ninh, include_self=False).count() == 54
    assert Unit.objects.get(code="07192").parent == quang_ninh


@pytest.mark.django_db
def test_unknown_province_is_refused() -> None:
    with pytest.raises(CommandError, match="99"):
        call_command("load_units", "--province", "99")
    assert Unit.objects.count() == 0


@pytest.mark.django_db
def test_subtree_is_one_query() -> None:
    run_json("--province", "22", "01")
    quang_ninh = Unit.objects.get(code="22")
    with CaptureQueriesContext(connection) as ctx:
        codes = list(subtree(quang_ninh).values_list("code", flat=True))
    assert len(ctx.captured_queries) == 1
    assert len(codes) == 55
    assert "00070" not in codes  # Hoàn Kiếm is in Hà Nội's subtree, not Quảng Ninh's


@pytest.mark.django_db
def test_csv_adds_departments_with_their_own_codes(tmp_path: Path) -> None:
    run_json("--province", "22")
    f = tmp_path / "depts.csv"
    f.write_text(
        "code,name,kind,parent_code\n"
        "22-SYT,Sở Y tế,department,22\n"
        "22-SYT-TTYT,Trung tâm Kiểm soát bệnh tật,agency,22-SYT\n",
        encoding="utf-8",
    )
    result = run_json("--csv", str(f))
    assert result["created"] == 2
    child = Unit.objects.get(code="22-SYT-TTYT")
    assert child.path == "22/22-SYT/22-SYT-TTYT/"
    assert child.level == 2
    assert run_json("--csv", str(f))["created"] == 0


@pytest.mark.django_db
def test_bad_csv_names_file_line_and_field_and_writes_nothing(tmp_path: Path) -> None:
    run_json("--province", "22")
    before = Unit.objects.count()
    f = tmp_path / "bad.csv"
    f.write_text(
        "code,name,kind,parent_code\n22-OK,Sở Tốt,department,22\n22 BAD,,planet,77777\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError) as exc:
        call_command("load_units", "--csv", str(f))
    message = str(exc.value)
    assert "bad.csv, dòng 3, cột code" in message
    assert "bad.csv, dòng 3, cột name" in message
    assert "bad.csv, dòng 3, cột kind" in message
    assert "bad.csv, dòng 3, cột parent_code" in message
    assert Unit.objects.count() == before
