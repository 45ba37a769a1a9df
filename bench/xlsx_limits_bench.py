"""The .xlsx caps (issue 18, finding 4): how fast a spreadsheet bomb is refused, and what
the caps cost an honest spreadsheet.

Two files are written: ``bomb.xlsx``, Bantin's template header and one data row with
``--bomb`` unused shared strings (1,500,000 by default: past the 1,000,000 cap and under the
64 MiB one, as the probe's file was shaped), and ``honest.xlsx``, ``--honest`` strings that
its ``--honest`` rows use (200,000 by default). Each is opened in a child process twice:
by openpyxl alone (``load_workbook(read_only=True)``: the baseline, what Bantin did before)
and by Bantin's reader (``open_table``, then every row read for the honest file). Printed:
seconds and peak memory (the child's ``ru_maxrss``) of each, the ratio Bantin / openpyxl,
and the load average, since the machine may be shared.

Usage: ``python bench/xlsx_limits_bench.py [--bomb N] [--honest N]``
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEADER = (ROOT / "ledger" / "tests" / "fixtures" / "bantin_template.csv").read_text("utf-8-sig")
SST = (
    b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns='
    b'"http://schemas.openxmlformats.org/spreadsheetml/2006/main" uniqueCount="%d">'
)
PART = (
    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
)

CHILD = r"""
import json, resource, sys, time
sys.path.insert(0, {root!r})
path, how = sys.argv[1], sys.argv[2]
started = time.perf_counter()
outcome = "opened"
if how == "openpyxl":
    import openpyxl
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    rows = sum(1 for _ in book.worksheets[0].iter_rows(values_only=True))
    book.close()
    outcome = f"opened, {{rows}} rows"
else:
    from ledger.formats.base import FileRefused
    from ledger.formats.reader import open_table
    try:
        table = open_table(path, path.rsplit("/", 1)[-1])
        outcome = f"opened, {{sum(1 for _ in table)}} rows"
    except FileRefused as exc:
        outcome = "refused: " + exc.code
print(json.dumps([time.perf_counter() - started,
                  resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024, outcome]))
"""


def write(path: Path, strings: int, used: bool) -> None:
    """One sheet: the template header, then either one row and ``strings`` unused strings,
    or ``strings`` rows each using its own string (a caption)."""
    from openpyxl import Workbook

    header = HEADER.splitlines()[0].split(",")
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(header)
    plain = path.with_suffix(".tmp.xlsx")
    book.save(plain)
    rows = b"".join(
        b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>Website</t></is></c>'
        b'<c r="D%d" t="inlineStr"><is><t>tin-%d</t></is></c>'
        b'<c r="F%d" t="inlineStr"><is><t>16/01/2026</t></is></c>'
        b'<c r="H%d" t="s"><v>%d</v></c></row>' % (n + 2, n + 2, n + 2, n, n + 2, n + 2, n)
        for n in range(strings if used else 1)
    )
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", PART + b"</Types>")
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</row></sheetData>", b"</row>" + rows + b"</sheetData>")
                last = (strings if used else 1) + 1
                data = re.sub(
                    rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:O%d"/>' % last, data
                )
            out.writestr(info.filename, data)
        out.writestr(
            "xl/sharedStrings.xml",
            SST % strings
            + b"".join(b"<si><t>Bai %07d</t></si>" % n for n in range(strings))
            + b"</sst>",
        )
    plain.unlink()


def run(path: Path, how: str) -> tuple[float, int, str]:
    import json

    done = subprocess.run(  # noqa: S603 - this interpreter, this script's child
        [sys.executable, "-c", CHILD.format(root=str(ROOT)), str(path), how],
        capture_output=True, text=True, check=True, cwd=ROOT,
    )  # fmt: skip
    seconds, mib, outcome = json.loads(done.stdout.strip().splitlines()[-1])
    return seconds, mib, outcome


def main() -> None:
    if sys.argv[1:2] == ["--write"]:
        write(Path(sys.argv[2]), int(sys.argv[3]), sys.argv[4] == "1")
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("--bomb", type=int, default=1_500_000)
    parser.add_argument("--honest", type=int, default=200_000)
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()[0]:.2f} ({os.cpu_count()} cores)")
    with tempfile.TemporaryDirectory(prefix="bantin-bench-xlsx-") as tmp:
        for name, count, used in (("bomb", args.bomb, False), ("honest", args.honest, True)):
            path = Path(tmp) / f"{name}.xlsx"
            started = time.perf_counter()
            # Written by a child: a child forked from a big parent would start with the
            # parent's peak memory (ru_maxrss survives exec on Linux).
            subprocess.run(  # noqa: S603 - this interpreter, this script
                [sys.executable, __file__, "--write", str(path), str(count), str(int(used))],
                check=True,
            )
            print(
                f"\n{name}.xlsx: {count:,} shared strings, {path.stat().st_size / 1048576:.1f} MB"
                f" (written in {time.perf_counter() - started:.1f} s)"
            )
            base = run(path, "openpyxl")
            ours = run(path, "bantin")
            for label, (seconds, mib, outcome) in (("openpyxl alone", base), ("Bantin", ours)):
                print(f"  {label:15} {seconds:7.2f} s  {mib:6d} MiB peak  {outcome}")
            print(
                f"  ratio Bantin/openpyxl: time {ours[0] / base[0]:.2f}, memory {ours[1] / base[1]:.2f}"
            )
    print(f"\nload average at end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
