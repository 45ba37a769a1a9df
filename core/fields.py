"""Model fields shared by several apps."""

from __future__ import annotations

from typing import Any

from django.db import models


class PathField(models.CharField):  # type: ignore[type-arg]
    """A materialised path of unit codes ("22/07192/"), compared byte by byte.

    A subtree is the range ``[path, path + "~")``: one indexed range scan. That only holds
    when "~" sorts after every character a code may hold, which is true of bytewise order
    and false of linguistic collations (ICU, glibc ``vi_VN``/``en_US`` put "~" before
    letters and digits). So on PostgreSQL the column carries ``COLLATE "C"`` whatever the
    database's default is; SQLite compares text bytewise already. ``units.checks`` refuses
    a database where the comparison would not hold.
    """

    def db_parameters(self, connection: Any) -> dict[str, Any]:
        params = super().db_parameters(connection)
        if connection.vendor == "postgresql":
            params["collation"] = "C"
        return params
