"""Does a PDF run something when opened? (issue 18, finding 14)

A PDF may carry JavaScript (``/JS``, ``/JavaScript``) or actions that a reader runs by
itself (``/OpenAction`` on opening, ``/AA`` on opening a page or focusing a field,
``/Launch`` starting a program). The hub publishes attachments to the public, so such a
file is refused rather than cleaned: rewriting a PDF safely needs a full parser, and a
document sent by a commune has no reason to hold either.

The names are looked for where a PDF can hide them: in the file as written, with ``#xx``
escapes in names decoded (``/Open#41ction`` is ``/OpenAction``), and inside every
Flate-compressed stream (object streams hold dictionaries too), decompressed within a
budget so a compressed bomb costs nothing.
"""

from __future__ import annotations

import re
import zlib

ACTIVE_NAMES = ("JavaScript", "JS", "OpenAction", "AA", "Launch")
# A name ends where PDF's syntax lets the next token begin; ``)`` cannot follow a name
# outside a string, so a link such as ``(https://example.org/AA)`` is not taken for one.
# A string that holds ``/JS /...`` is still refused: a false alarm, never a miss.
_NAME = re.compile(rb"/(JavaScript|JS|OpenAction|AA|Launch)(?=[\s/<>\[\]({}%]|\Z)")
_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_STREAM = re.compile(rb"stream\r?\n")
_BUDGET = 64 * 1024 * 1024  # bytes of decompressed streams read per file


def _unescape(data: bytes) -> bytes:
    return _ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), data)


def _streams(data: bytes) -> list[bytes]:
    """Each Flate stream's content, decompressed up to the budget."""
    out: list[bytes] = []
    budget = _BUDGET
    for match in _STREAM.finditer(data):
        if budget <= 0:
            break
        inflater = zlib.decompressobj()
        try:
            chunk = inflater.decompress(data[match.end() :], budget)
        except zlib.error:
            continue  # not Flate (an image, a font): nothing to read there
        budget -= len(chunk)
        out.append(chunk)
    return out


def pdf_active_content(data: bytes) -> str:
    """The active names found (e.g. ``"/OpenAction, /JS"``), or ``""`` for a plain PDF."""
    found: set[str] = set()
    for part in (data, *_streams(data)):
        for match in _NAME.finditer(_unescape(part)):
            found.add(match.group(1).decode())
    return ", ".join(f"/{name}" for name in ACTIVE_NAMES if name in found)
