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


def test_times_a_daylight_saving_zone_skips_or_repeats_cross_unchanged(tmp_path: Path) -> None:
    from zoneinfo import ZoneInfo

    sample = (SAMPLES / "zalo_oa_bantin_template.csv").read_text(encoding="utf-8-sig")
    header = sample.splitlines()[0]
    # Paris: 31/03/2024 02:30 does not exist, 27/10/2024 02:30 happens twice.
    rows = [
        f"Zalo OA,oa,UBND,p{i},https://zalo.me/x/{i},{when},Tin bài,c,1,1,1,1,1,1,"
        for i, when in enumerate(["31/03/2024 02:30", "27/10/2024 02:30", "01/07/2024 12:00"])
    ]
    path = tmp_path / "dst.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    results = []
    for parse in (parse_file, parse_file_in_child):
        ctx = ParseContext(filename=path.name, today=date(2026, 6, 1), tz=ZoneInfo("Europe/Paris"))
        _fmt, items = parse(path, path.name, ctx, **LIMITS)
        results.append(
            [
                (r.published_at.replace(tzinfo=None), r.published_at.utcoffset())
                for r in items
                if isinstance(r, Row) and r.published_at
            ]
        )
    assert results[0] == results[1] and len(results[0]) == 3
