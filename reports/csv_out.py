"""CSV for people who open it in a spreadsheet: UTF-8 with a BOM (Excel reads Vietnamese),
written by ``core.spreadsheets.CsvWriter`` like every export (text that a spreadsheet would
take for a formula keeps a leading apostrophe; numbers stay numbers)."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

from core.spreadsheets import BOM, CsvWriter


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    out = io.StringIO()
    out.write(BOM)
    writer = CsvWriter(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()
