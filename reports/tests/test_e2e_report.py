from __future__ import annotations

from typing import Any

import pytest
from docx import Document

from conftest import PASSWORD
from core.tests.e2e import log_in
from reports.tests.factories import add_posts, at, channel

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_open_a_report_drill_down_and_download_the_docx(
    world: Any, page: Any, tmp_path: Any
) -> None:
    admin = world.province_users["administrator"]
    add_posts(
        admin,
        channel(world.commune_a),
        [
            {"published_at": at(2026, 2, 2), "reach": 4321, "caption": "Lịch tiếp công dân"},
        ],
    )
    violations: list[str] = []
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    log_in(page, "p_viewer", PASSWORD)
    page.goto(page.base_url + "/reports/22/?period=2026-H1")
    assert "Báo cáo: Tỉnh Quảng Ninh" in page.locator("h1").inner_text()
    assert page.get_by_text("4.321").first.is_visible()
    page.wait_for_selector("div.chart[data-spec-id=chart-trend] svg")
    assert not violations, violations  # the charts render under the strict CSP
    page.get_by_role("link", name="Đặc khu Cô Tô").first.click()
    page.wait_for_url("**/reports/07192/?period=2026-H1*")
    assert "Đặc khu Cô Tô" in page.locator("h1").inner_text()
    with page.expect_download() as info:
        page.get_by_role("link", name="Tải báo cáo (.docx)").click()
    path = tmp_path / "report.docx"
    info.value.save_as(path)
    text = "\n".join(p.text for p in Document(str(path)).paragraphs)
    assert "BÁO CÁO" in text
