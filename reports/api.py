from __future__ import annotations

import io
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router, Status

from core.spreadsheets import BOM, CsvWriter
from reports import selectors
from reports.periods import PeriodError, ensure_begun, parse_period
from units.selectors import normalise_code, units_visible_to

router = Router(tags=["reports"])


def _resolve(request: HttpRequest, unit: str, period: str, convention: str) -> tuple[Any, Any]:
    target = get_object_or_404(units_visible_to(request.user), code=normalise_code(unit))
    parsed = parse_period(period, convention)
    ensure_begun(parsed, timezone.localdate())
    return target, parsed


@router.get("/summary", response={200: dict[str, Any], 400: dict[str, Any]})
def summary(request: HttpRequest, unit: str, period: str, convention: str = "calendar") -> Status:
    """The roll-up of a unit's subtree for a period (same JSON as ``build_report``).

    ``period``: 2026-07, 2026-Q3, 2026-H1, 2026-9M, 2026, or 2026-01-01:2026-03-31.
    ``convention``: calendar or administrative (Decree 09/2019: the 15th to the 14th)."""
    try:
        target, parsed = _resolve(request, unit, period, convention)
    except PeriodError as exc:
        return Status(400, {"detail": str(exc)})
    return Status(200, selectors.summary(target, parsed))


@router.get("/summary.csv", response={200: None, 400: dict[str, Any]})
def summary_csv(request: HttpRequest, unit: str, period: str, convention: str = "calendar") -> Any:
    """The child-unit table of the summary as CSV (UTF-8 with BOM, for Excel)."""
    try:
        target, parsed = _resolve(request, unit, period, convention)
    except PeriodError as exc:
        return Status(400, {"detail": str(exc)})
    data = selectors.summary(target, parsed)
    out = io.StringIO()
    out.write(BOM)
    writer = CsvWriter(out)
    writer.writerow(
        [
            "code",
            "name",
            "posts",
            "reach",
            "views",
            "engagements",
            "posts_without_reach",
            "reported_months",
        ]
    )
    for row in data["children"]:
        t = row["totals"]
        writer.writerow(
            [
                row["unit"]["code"],
                row["unit"]["name"],
                t["posts"],
                t["reach"],
                t["views"],
                t["engagements"],
                t["posts_without_reach"],
                row["reported_months"],
            ]
        )
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="bao-cao-{target.code}.csv"'
    return response
