"""The ledger stays learnable in an afternoon (issue 16): no module much over 600 lines,
no function harder to read than radon's grade C (cyclomatic complexity 20 or less)."""

from __future__ import annotations

from pathlib import Path

from radon.complexity import cc_rank, cc_visit

LEDGER = Path(__file__).resolve().parents[1]
MAX_LINES = 620
WORST_GRADE = "C"


def _sources() -> list[Path]:
    return sorted(
        p for p in LEDGER.rglob("*.py") if "tests" not in p.parts and "migrations" not in p.parts
    )


def test_no_module_is_too_long() -> None:
    long = {
        str(p.relative_to(LEDGER)): n
        for p in _sources()
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


def test_every_function_is_grade_c_or_better() -> None:
    hard = [
        f"{p.relative_to(LEDGER)}:{block.lineno} {block.name} "
        f"({cc_rank(block.complexity)}, {block.complexity})"
        for p in _sources()
        for block in cc_visit(p.read_text(encoding="utf-8"))
        if cc_rank(block.complexity) > WORST_GRADE
    ]
    assert hard == []
