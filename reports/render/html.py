"""The page renderer: each section of ``reports.sections`` as a context for the one generic
template ``reports/_section.html`` (heading, chart, paragraphs, table or stat cards,
footnote). It knows nothing of any particular section."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from reports.model import ReportData
from reports.sections import SECTIONS
from reports.sections.base import Cell, Table


@dataclass(frozen=True)
class PageSection:
    key: str
    title: str
    chart: str | None
    chart_spec: Any
    paragraphs: list[str]
    table: Table | None
    footnote: str
    cards: bool

    @property
    def chart_id(self) -> str:
        return f"chart-{self.chart}"


def _linked(cell: Cell, query: str) -> Cell:
    """The report's period added to a drill-down link, unless the link has its own (a
    month's row)."""
    if cell.href and query and "period=" not in cell.href:
        joiner = "&" if "?" in cell.href else "?"
        return replace(cell, href=f"{cell.href}{joiner}{query}")
    return cell


# A table's total row adds up to the headline figures (reports/tests/test_one_number.py), so
# its figures link to the unit's whole list, as the headline's do.
TOTAL_LINKS = {
    "posts": "posts/",
    "reach": "posts/",
    "views": "posts/",
    "engagements": "posts/",
    "posts_without_reach": "posts/?without_reach=1",
    "active_channels": "channels/",
}


def _with_links(table: Table, query: str) -> Table:
    rows = tuple(tuple(_linked(c, query) for c in row) for row in table.rows)
    total = table.total
    if total is not None:
        total = tuple(
            _linked(replace(c, href=TOTAL_LINKS[key]), query) if key in TOTAL_LINKS else c
            for key, c in zip(table.keys, total, strict=True)
        )
    return replace(table, rows=rows, total=total)


def page_sections(data: ReportData, *, query: str, charts: dict[str, Any]) -> list[PageSection]:
    out = []
    for section in SECTIONS:
        if not section.shown(data):
            continue
        table = section.table(data)
        if table is not None:
            table = _with_links(table, query)
        out.append(
            PageSection(
                key=section.key,
                title=str(section.title),
                chart=section.chart,
                chart_spec=charts.get(section.chart or ""),
                paragraphs=section.paragraphs(data),
                table=table,
                footnote=section.footnote(data) if section.footnote else "",
                cards=bool(section.extra.get("cards")),
            )
        )
    return out
