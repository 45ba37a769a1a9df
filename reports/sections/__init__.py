"""The report's sections, in the order every rendering shows them.

Adding a section: a module here that defines ``SECTION`` (see ``base.Section``), listed
below, plus its test (docs/contributing.md, "Adding a report section")."""

from __future__ import annotations

from reports.sections import (
    children,
    completeness,
    content_types,
    followers,
    headline,
    monthly,
    notes,
    platforms,
    sources,
    top_posts,
)
from reports.sections.base import Section

SECTIONS: tuple[Section, ...] = (
    headline.SECTION,
    monthly.SECTION,
    platforms.SECTION,
    content_types.SECTION,
    children.SECTION,
    completeness.SECTION,
    sources.SECTION,
    sources.SECTION_BY_UNIT,  # one of the two is shown (by whether the unit has children)
    followers.SECTION,
    followers.SECTION_TOTAL,  # likewise; neither when no channel has a follower count
    top_posts.SECTION,
    notes.SECTION,
)
