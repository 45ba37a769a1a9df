"""The two-person rule, one for every content that a second editor approves.

Hub items and fact-checks go public only after a second pair of eyes. That second person
must not be the author, nor whoever changed the content last: otherwise an editor could
rewrite someone else's text (or delete a file from it) and then approve it alone. So every
service that changes the content (text, verdict, sources, files) calls :func:`record_edit`,
and every service that approves or publishes calls :func:`ensure_second_person` first.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _


class SecondPersonRequired(PermissionDenied, ValidationError):
    """Refused by the two-person rule: a permission that depends on the content's history.
    Both kinds, so callers that handle either one show the message."""


def record_edit(obj: Any, acting_user: Any, *, field: str = "last_editor") -> list[str]:
    """Note ``acting_user`` as the content's last editor; returns the fields to save."""
    setattr(obj, f"{field}_id", getattr(acting_user, "pk", None))
    return [field]


def ensure_second_person(*, acting_user: Any, writers: Iterable[int | None]) -> None:
    """``writers``: the author and the last editor (ids). The command line is nobody."""
    user_id = getattr(acting_user, "pk", None)
    if user_id is None or user_id in set(writers):
        raise SecondPersonRequired(
            _(
                "Người viết hoặc người sửa nội dung sau cùng không tự duyệt, tự đăng được: "
                "một biên tập viên khác phải duyệt."
            )
        )
