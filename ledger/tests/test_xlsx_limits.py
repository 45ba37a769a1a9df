"""An .xlsx whose shared-string table would exhaust the worker is refused, with the file's
name and the reason, before the table is read whole (issue 18, finding 4)."""

from __future__ import annotations

import random
import tracemalloc
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from ledger.formats import xlsx_book
from ledger.formats.base import FileRefused
from ledger.formats.reader import open_table
from ledger.models import ImportBatch, Post

OWN = Path(__file__).parent / "fixtures"
SHARED_PART = (
    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
)
SST = (
    b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns='
    b'"http://schemas.openxmlformats.org/spreadsheetml/2006/main" uniqueCount="%d">%s</sst>'
)


def spreadsheet(path: Path, extra_strings: int = 0, width: int = 8) -> Path:
    """Bantin's template header and one data row, its shared-string table padded with
    ``extra_strings`` strings of ``width`` characters no cell uses (as in the attack)."""
    from openpyxl import Workbook

    header, row = (OWN / "bantin_template.csv").read_text("utf-8-sig").splitlines()[:2]
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(header.split(","))
    sheet.append(["Website", "", "", "tin-1", "https://xathu.gov.vn/tin-1", "16/01/2026"])
    plain = path.with_suffix(".plain.xlsx")
    book.save(plain)
    noise = random.Random(extra_strings)  # long strings that do not compress away
    pad = b"".join(
        b"<si><t>%s</t></si>"
        % (b"%08d" % n if width <= 8 else noise.randbytes(width // 2).hex().encode())
        for n in range(extra_strings)
    )
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", SHARED_PART + b"</Types>")
            out.writestr(info.filename, data)
        out.writestr("xl/sharedStrings.xml", SST % (extra_strings, pad))
    plain.unlink()
    return path


def test_a_small_spreadsheet_opens(tmp_path: Path) -> None:
    table = open_table(spreadsheet(tmp_path / "ok.xlsx", 100), "ok.xlsx")
    assert table.kind == "xlsx" and len(list(table)) == 1


def test_too_many_shared_strings_refused_before_they_are_all_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(xlsx_book, "MAX_SHARED_STRINGS", 10_000)
    path = spreadsheet(tmp_path / "bom.xlsx", 300_000)
    tracemalloc.start()
    try:
        with pytest.raises(FileRefused) as refused:
            open_table(path, "so-lieu-thang-1.xlsx")
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert refused.value.code == "too_big"
    assert "so-lieu-thang-1.xlsx" in refused.value.message
    assert "10.000" in refused.value.message and "chuỗi" in refused.value.message
    # 300,000 strings read whole take some 30 MB here; the refusal comes after ~10,000.
    assert peak < 8 << 20, peak


def test_a_shared_string_table_too_big_in_bytes_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(xlsx_book, "MAX_SHARED_BYTES", 1 << 20)
    path = spreadsheet(tmp_path / "long.xlsx", 3_000, width=1000)  # ~3 MB of strings
    with pytest.raises(FileRefused) as refused:
        open_table(path, "dai.xlsx")
    assert refused.value.code == "too_big" and "dai.xlsx" in refused.value.message


def test_opening_a_spreadsheet_has_a_time_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(xlsx_book, "OPEN_SECONDS", 0.0)
    path = spreadsheet(tmp_path / "slow.xlsx", 50_000)
    with pytest.raises(FileRefused) as refused:
        open_table(path, "cham.xlsx")
    assert refused.value.code == "too_slow" and "cham.xlsx" in refused.value.message


def test_the_api_refuses_it_whole(
    world: Any, client: Client, tmp_path: Path, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from accounts.services import api_token_create

    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setattr(xlsx_book, "MAX_SHARED_STRINGS", 10_000)
    data = spreadsheet(tmp_path / "bom.xlsx", 50_000).read_bytes()
    token = api_token_create(user=world.users_a["reporter"])[1]
    response = client.post(
        "/api/imports",
        {"file": SimpleUploadedFile("bom.xlsx", data)},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 400
    assert response.json()["code"] == "too_big" and "bom.xlsx" in response.json()["detail"]
    assert not ImportBatch.objects.exists() and not Post.objects.exists()


class _Trickle:
    """A stream that returns a few bytes a read, so tags fall across the blocks."""

    def __init__(self, data: bytes, step: int) -> None:
        self.data, self.step, self.at = data, step, 0

    def read(self, size: int = -1) -> bytes:
        chunk = self.data[self.at : self.at + self.step]
        self.at += len(chunk)
        return chunk


@pytest.mark.parametrize("step", [1, 5, 47, 48, 49, 1 << 20])
def test_shared_strings_are_counted_across_blocks(step: int) -> None:
    tags = [b"<si>", b"<si >", b"<si\n>", b"<x:si>", b'<x:si xml:space="preserve">', b"<si/>"]
    body = b"".join(tags[n % len(tags)] + b"<t>a si b</t></si>" for n in range(500))
    body += b"<sst><six/><s i></sst>"  # not string elements
    refuse = FileRefused("too big", "too_big")
    assert xlsx_book.count_strings(_Trickle(body, step), refuse, float("inf")) == 500  # type: ignore[arg-type]


def test_the_parse_counts_again_when_the_count_is_fooled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(xlsx_book, "MAX_SHARED_STRINGS", 10_000)
    monkeypatch.setattr(xlsx_book, "count_strings", lambda *args: 0)
    with pytest.raises(FileRefused) as refused:
        open_table(spreadsheet(tmp_path / "bom.xlsx", 30_000), "bom.xlsx")
    assert refused.value.code == "too_big" and "bom.xlsx" in refused.value.message
