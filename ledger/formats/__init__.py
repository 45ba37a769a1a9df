"""Pure parsers for social-media analytics exports (no Django; stdlib + openpyxl).

Pipeline::

    table = open_table(path, filename)       # reader.py: bytes → header + streamed rows
    module = detect(table.header)            # first format whose detect() accepts the header
    for item in module.parse(table, ctx):    # Row (a post + metrics) or RowError (one bad row)
        ...

or simply ``name, items = parse_file(path, filename, ctx)``.

Contract for callers (the Django import service):

* Only ``FileRefused`` is ever raised, by ``open_table``/``detect`` or *while iterating*
  ``parse`` (e.g. ambiguous dates are found in the first pass, a row limit is hit, a
  damaged zip member): treat the whole batch as refused (write rows in one transaction).
* Each data row that is a post yields exactly one ``Row`` or ``RowError``;
  ``ctx.rows_read == rows + errors`` and ``ctx.rows_skipped`` counts non-post rows
  (YouTube's ``Total``). Batch notes (e.g. a guessed year) are appended to ``ctx.notes``.
* A metric the file does not give is ``None`` (unknown), never 0.

Adding a format (a walk-through with a fixture and a test: ``docs/contributing.md``)
---------------------------------------------------------------------------------------
1. Create ``ledger/formats/<name>.py`` with:

   * ``NAME = "<name>"`` and ``TITLE`` (a one-line user-facing description);
   * ``IDENTIFIES_CHANNEL``: ``True`` when each row carries the channel's own platform id
     or handle in ``Row.channel_ref`` (the import finds the channel by it, and rejects a
     row of another channel); ``ROWS_NAME_CHANNEL``: ``True`` when each row may name its
     own registered channel (a link or id, like the template's ``Kênh``), so one file can
     feed several channels;
   * ``detect(header: list[str]) -> bool`` – match columns **by name** with
     ``base.Columns`` and an alias table (English and Vietnamese UI strings; case and
     spacing are ignored, accents are not). Make it specific enough not to claim the
     other formats' headers;
   * ``parse(table: Table, ctx: ParseContext) -> Iterator[Row | RowError]`` – increment
     ``ctx.rows_read`` per post row, turn ``base.CellError`` into
     ``RowError(line, cols.label(key), message)``, keep unmapped columns in ``extras``
     (``base.extras_plan``), and raise nothing but ``FileRefused``.
2. Register the module in ``FORMATS`` below (order matters only if two could match).
3. Add an anonymised fixture under ``ledger/tests/fixtures/`` and a test in
   ``ledger/tests/test_formats.py`` checking its row count and metric totals; the
   hypothesis mutation test should also cover it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

from . import bantin_template, meta, tiktok, youtube
from .base import (
    CONTENT_TYPES,
    PLATFORMS,
    FileRefused,
    ParseContext,
    Row,
    RowError,
    _,
)
from .reader import MAX_ROWS, MAX_UNCOMPRESSED, Table, open_table

FORMATS: list[ModuleType] = [meta, youtube, tiktok, bantin_template]
FORMAT_TITLES: list[str] = [m.TITLE for m in FORMATS]

__all__ = [
    "CONTENT_TYPES",
    "FORMATS",
    "FORMAT_TITLES",
    "MAX_ROWS",
    "MAX_UNCOMPRESSED",
    "PLATFORMS",
    "FileRefused",
    "ParseContext",
    "Row",
    "RowError",
    "Table",
    "detect",
    "identifies_channel",
    "is_known_header",
    "open_table",
    "parse_file",
    "rows_name_channel",
]


def module_named(name: str) -> ModuleType | None:
    """The format module called ``name`` (None for a source that is not a file format:
    the API, a connector)."""
    return next((m for m in FORMATS if m.NAME == name), None)


def identifies_channel(name: str) -> bool:
    """Whether rows of format ``name`` carry their channel's platform id or handle."""
    module = module_named(name)
    return bool(module is not None and module.IDENTIFIES_CHANNEL)


def rows_name_channel(name: str) -> bool:
    """Whether each row of format ``name`` may name its own registered channel."""
    module = module_named(name)
    return bool(module is not None and module.ROWS_NAME_CHANNEL)


def is_description_row(header: list[str], cells: list[str]) -> bool:
    """Whether ``cells``, just after ``header``, describe the columns rather than hold a
    post (a format's ``is_description_row``)."""
    return any(
        module.is_description_row(header, cells)
        for module in FORMATS
        if hasattr(module, "is_description_row")
    )


def is_known_header(header: list[str]) -> bool:
    return any(module.detect(header) for module in FORMATS)


def detect(header: list[str]) -> ModuleType:
    """The format module whose ``detect`` accepts ``header``; else ``FileRefused``."""
    for module in FORMATS:
        if module.detect(header):
            return module
    raise FileRefused(
        _(
            "Không nhận ra định dạng file. Các định dạng được hỗ trợ: %(formats)s.",
            formats="; ".join(FORMAT_TITLES),
        ),
        "unknown_header",
    )


def parse_file(
    path: Path,
    filename: str,
    ctx: ParseContext,
    *,
    max_rows: int = MAX_ROWS,
    max_uncompressed: int = MAX_UNCOMPRESSED,
) -> tuple[str, Iterator[Row | RowError]]:
    """Open, detect and start parsing: ``(format NAME, lazy iterator of Row | RowError)``."""
    table = open_table(path, filename, max_rows=max_rows, max_uncompressed=max_uncompressed)
    module = detect(table.header)
    return module.NAME, module.parse(table, ctx)
