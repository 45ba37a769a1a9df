"""Meta's own file read in one pass (``ParseContext.guess_date_order``): the result is
exactly what the two-pass reading gives, or ``OrderGuessWrong`` and then, read again
without guessing, exactly that."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger.formats import FileRefused, OrderGuessWrong, ParseContext, Row, parse_file
from ledger.formats import meta as meta_format
from ledger.formats.parallel import parse_file_in_child

TODAY = date(2026, 5, 1)
VN = ZoneInfo("Asia/Ho_Chi_Minh")
LIMITS = {"max_rows": 100_000, "max_uncompressed": 1 << 30}


@pytest.fixture(autouse=True)
def _fast_passwords() -> None:
    """Pure tests: shadow the project's Django-settings autouse fixture."""


def meta_csv(dates: list[str], post_ids: list[str] | None = None, delimiter: str = ",") -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(["Post ID", "Page ID", "Publish time", "Post type", "Views", "Reach"])
    for i, when in enumerate(dates):
        post_id = post_ids[i] if post_ids else f"1_{i}"
        writer.writerow([post_id, "1", when, "Photos", "10", "5"])
    return buf.getvalue().encode("utf-8-sig")


def outcome(path: Path, *, guess: bool, parse: Any = parse_file) -> tuple[Any, ...]:
    """What a reading gives: the rows, errors and notes, or the refusal."""
    ctx = ParseContext(path.name, TODAY, guess_date_order=guess)
    try:
        _fmt, items = parse(path, path.name, ctx, **LIMITS)
        result = list(items)
    except FileRefused as exc:
        return ("refused", exc.code, exc.message)
    return ("read", result, ctx.notes, ctx.rows_read)


def guessed(path: Path, parse: Any = parse_file) -> tuple[tuple[Any, ...], bool]:
    """As ``import_file`` reads: one pass with the guess; read again when it is wrong."""
    try:
        return outcome(path, guess=True, parse=parse), False
    except OrderGuessWrong:
        return outcome(path, guess=False, parse=parse), True


day = st.builds(
    "{:02d}/{:02d}/{:04d} {:02d}:{:02d}".format,
    st.integers(0, 31),
    st.integers(0, 31),
    st.sampled_from([1999, 2025, 2026, 2027]),
    st.integers(0, 24),
    st.integers(0, 59),
)
cell = st.one_of(
    day,
    day.map(lambda d: d[:10]),  # a date without its time
    st.sampled_from(["", "2026-03-02 08:00:00", "2026-03-02", "3/4/2026 7:05 PM", "soon"]),
)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    dates=st.lists(cell, min_size=1, max_size=12),
    bad_ids=st.lists(st.booleans(), min_size=12, max_size=12),
)
def test_one_pass_gives_what_two_passes_give(
    tmp_path: Path, dates: list[str], bad_ids: list[bool]
) -> None:
    # A row whose Post ID is refused never has its date read, yet it counts for the order.
    post_ids = ["bad id!" if bad_ids[i] else f"1_{i}" for i in range(len(dates))]
    path = tmp_path / "meta.csv"
    path.write_bytes(meta_csv(dates, post_ids))
    result, _again = guessed(path)
    assert result == outcome(path, guess=False)


def test_a_late_dd_mm_date_means_reading_again(tmp_path: Path) -> None:
    path = tmp_path / "meta.csv"
    # Ambiguous dates first; the 25th of March later shows the file is dd/mm.
    path.write_bytes(meta_csv(["01/02/2026 08:00"] * 50 + ["25/03/2026 09:00"]))
    with pytest.raises(OrderGuessWrong):
        outcome(path, guess=True)
    (_read, rows, notes, _n), again = guessed(path)
    assert again
    assert rows[0].published_at == datetime(2026, 2, 1, 8, 0, tzinfo=VN)
    assert rows[-1].published_at == datetime(2026, 3, 25, 9, 0, tzinfo=VN)
    assert any("dd/mm/yyyy" in note for note in notes)


def test_the_guess_is_checked_at_the_first_date_that_refutes_it(tmp_path: Path) -> None:
    path = tmp_path / "meta.csv"
    path.write_bytes(
        meta_csv(["01/02/2026 08:00", "25/03/2026 09:00"] + ["01/02/2026 08:00"] * 100)
    )
    ctx = ParseContext(path.name, TODAY, guess_date_order=True)
    _fmt, items = parse_file(path, path.name, ctx)
    first = next(iter(items))
    assert isinstance(first, Row)
    assert first.published_at == datetime(2026, 1, 2, 8, 0, tzinfo=VN)  # as mm/dd
    with pytest.raises(OrderGuessWrong):
        next(items)


def test_mixed_orders_refused_at_the_end_of_the_one_pass(tmp_path: Path) -> None:
    path = tmp_path / "meta.csv"
    path.write_bytes(meta_csv(["01/14/2026 08:00", "2026-01-15 09:00"]))
    result, again = guessed(path)
    assert not again
    assert result[:2] == ("refused", "ambiguous_dates")


def test_only_meta_s_own_file_is_guessed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The comma-separated UTF-8 file skips the first pass; an Excel re-save keeps it."""
    passes: list[str] = []
    first_pass = meta_format._date_order

    def counted(*args: Any) -> str:
        passes.append("first")
        return first_pass(*args)

    monkeypatch.setattr(meta_format, "_date_order", counted)
    own, resaved = tmp_path / "own.csv", tmp_path / "resaved.csv"
    own.write_bytes(meta_csv(["01/02/2026 08:00"]))
    resaved.write_bytes(meta_csv(["13/02/2026 08:00"], delimiter=";"))
    assert outcome(own, guess=True)[0] == "read" and passes == []
    assert outcome(resaved, guess=True)[0] == "read" and passes == ["first"]


def test_the_child_process_raises_it_here(tmp_path: Path) -> None:
    path = tmp_path / "meta.csv"
    path.write_bytes(meta_csv(["01/02/2026 08:00"] * 3000 + ["25/03/2026 09:00"]))
    with pytest.raises(OrderGuessWrong):
        outcome(path, guess=True, parse=parse_file_in_child)
    child, again = guessed(path, parse=parse_file_in_child)
    assert again
    in_process, _ = guessed(path)
    # The child sends extras JSON-encoded; compare what the rows say otherwise.
    assert [r.published_at for r in child[1]] == [r.published_at for r in in_process[1]]
    assert child[2] == in_process[2]


@pytest.mark.parametrize(
    "content",
    [
        # A date above the header counted for the first pass (dd/mm); so it still does.
        b"Report,exported,13/04/2026\r\n" + meta_csv(["01/02/2026 08:00"])[3:],
        b"Report,exported,2026-04-13\r\n" + meta_csv(["01/02/2026 08:00"])[3:],
        b"sep=,\r\n" + meta_csv(["01/02/2026 08:00", "13/02/2026 08:00"])[3:],
        # NUL is dropped from a cell in both passes.
        meta_csv(["2026-01-02", "01/02/2026\x00"]),
        meta_csv(["01/02/2026 08:00\x00", "13/02/2026\x00 08:00"]),
    ],
    ids=["preamble-dd-mm", "preamble-iso", "sep-line", "nul-iso-and-slashed", "nul-dd-mm"],
)
def test_rows_around_the_header_and_nul_read_as_two_passes_read_them(
    tmp_path: Path, content: bytes
) -> None:
    path = tmp_path / "meta.csv"
    path.write_bytes(content)
    result, _again = guessed(path)
    assert result == outcome(path, guess=False)
