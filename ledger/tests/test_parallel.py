"""The child-process parser gives exactly what the in-process one gives."""

from __future__ import annotations

import json
import os
import time
from datetime import date
from pathlib import Path

import pytest

from ledger.formats import FileRefused, ParseContext, Row, parse_file
from ledger.formats.parallel import CHUNK, parse_file_in_child
from ledger.tests.factories import SHARED

SAMPLES = Path(__file__).resolve().parents[2] / "docs" / "samples"
FILES = sorted(
    [p for p in SHARED.glob("*") if p.is_file() and p.name != "expected.json"]
    + list(SAMPLES.glob("*"))
)
LIMITS = {"max_rows": 100_000, "max_uncompressed": 1 << 30}


def both(path: Path) -> tuple[tuple[object, ...], tuple[object, ...]]:
    results: list[tuple[object, ...]] = []
    for parse in (parse_file, parse_file_in_child):
        ctx = ParseContext(filename=path.name, today=date(2026, 6, 1))
        try:
            fmt, items = parse(path, path.name, ctx, **LIMITS)
            rows = list(items)
        except FileRefused as exc:
            results.append(("refused", exc.message, exc.code))
            continue
        for row in rows:  # the child sends extras JSON-encoded, as snapshots store them
            if isinstance(row, Row) and isinstance(row.extras, str):
                row.extras = json.loads(row.extras)
        results.append((fmt, rows, ctx.notes, ctx.rows_read, ctx.rows_skipped))
    return results[0], results[1]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_same_rows_errors_and_notes_as_in_process(path: Path) -> None:
    in_process, child = both(path)
    assert child == in_process


def test_a_refusal_is_raised_here_with_the_same_message(tmp_path: Path) -> None:
    sample = (SAMPLES / "meta_business_suite_posts.csv").read_text(encoding="utf-8-sig")
    header, first = sample.splitlines()[:2]
    path = tmp_path / "long.csv"
    path.write_text("\n".join([header] + [first] * (CHUNK * 2 + 5)) + "\n", encoding="utf-8")
    messages = []
    for parse in (parse_file, parse_file_in_child):
        ctx = ParseContext(filename=path.name, today=date(2026, 6, 1))
        with pytest.raises(FileRefused) as caught:
            _fmt, items = parse(path, path.name, ctx, max_rows=CHUNK + 1, max_uncompressed=1 << 30)
            list(items)
        messages.append((caught.value.message, caught.value.code))
    assert messages[0] == messages[1]
    assert messages[0][1] == "too_many_rows"


def test_stopping_early_ends_the_child(tmp_path: Path) -> None:
    sample = (SAMPLES / "meta_business_suite_posts.csv").read_text(encoding="utf-8-sig")
    header, first = sample.splitlines()[:2]
    path = tmp_path / "long.csv"
    path.write_text("\n".join([header] + [first] * (CHUNK * 20)) + "\n", encoding="utf-8")
    ctx = ParseContext(filename=path.name, today=date(2026, 6, 1))
    before = _children()
    _fmt, items = parse_file_in_child(path, path.name, ctx, **LIMITS)
    next(items)
    assert len(_children() - before) == 1
    items.close()  # type: ignore[attr-defined]
    deadline = time.monotonic() + 10
    while _children() - before and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _children() - before


def _children() -> set[int]:
    """Live (not zombie) child processes of this one, from /proc."""
    me = str(os.getpid())
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[1] == me and fields[0] != "Z":
            found.add(int(entry.name))
    return found
