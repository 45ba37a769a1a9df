"""The parsers' messages in the reader's language.

The parsers (``ledger.formats``) stay free of Django: they write each message in
Vietnamese as a ``formats.base.Text``, which keeps its msgid and named values. Where the
import stores or shows a message, :func:`translated` renders it in the active language
(the worker runs under the uploader's language; see ``ImportBatch.language``).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext


def translated(message: Any) -> str:
    """``message`` in the active language when it is a parser's ``Text``; else as is."""
    msgid = getattr(message, "msgid", None)
    if msgid is None:
        return str(message)
    params = getattr(message, "params", None) or {}
    text = gettext(msgid)
    return text % params if params else text
