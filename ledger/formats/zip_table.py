"""A zip upload as a ``Table``: the member a format names (``ZIP_MEMBERS``, e.g. YouTube
Studio's ``Table data.csv``), read as a CSV without unpacking it to disk."""

from __future__ import annotations

import contextlib
import io
import unicodedata
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, cast

from .base import FileRefused, _
from .csv_table import open_csv
from .reader import CHUNK, Capped, Recognise, Table, open_zip, zip_members


def open_zip_member(
    path: Path,
    filename: str,
    names: list[str],
    recognise: Recognise,
    max_rows: int,
    cap: int,
) -> Table:
    wanted = [
        n
        for n in names
        if unicodedata.normalize("NFC", n.rsplit("/", 1)[-1]).lower() in zip_members()
    ]
    if not wanted:
        raise FileRefused(
            _(
                "File zip này không phải bản xuất YouTube Studio (không có 'Table data.csv'). "
                "Với các nền tảng khác, hãy giải nén và tải lên file .csv/.xlsx bên trong."
            ),
            "zip",
        )
    member = wanted[0]

    @contextlib.contextmanager
    def _member() -> Iterator[IO[bytes]]:
        zf = open_zip(path)
        try:
            try:
                inner = zf.open(member)
            except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError) as exc:
                raise FileRefused(
                    _("File zip bị hỏng (%(error)s).", error=str(exc)), "corrupt"
                ) from None
            capped = Capped(inner, cap)
            buffered = io.BufferedReader(capped, CHUNK)
            try:
                yield buffered
            finally:
                buffered.close()
        except (zipfile.BadZipFile, EOFError, OSError) as exc:
            raise FileRefused(
                _("File zip bị hỏng (%(error)s).", error=str(exc)), "corrupt"
            ) from None
        finally:
            zf.close()

    def opener() -> IO[bytes]:
        return cast(IO[bytes], _ZipMemberStream(_member))

    return open_csv(opener, filename, recognise, max_rows, member=member)


class _ZipMemberStream(io.RawIOBase):
    """A file-like wrapper that owns the zip context manager (so ``with opener()`` works)."""

    def __init__(self, factory: Callable[[], contextlib.AbstractContextManager[IO[bytes]]]):
        self._cm = factory()
        self._stream = self._cm.__enter__()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview | bytearray) -> int:  # type: ignore[override]
        try:
            data = self._stream.read(len(buffer))
        except FileRefused:
            raise
        except (zipfile.BadZipFile, EOFError, OSError, ValueError) as exc:
            raise FileRefused(
                _("File zip bị hỏng (%(error)s).", error=str(exc)), "corrupt"
            ) from None
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        if not self.closed:
            with contextlib.suppress(Exception):
                self._cm.__exit__(None, None, None)
        super().close()
