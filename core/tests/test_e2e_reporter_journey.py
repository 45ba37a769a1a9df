"""The commune reporter's month, on a phone, as the demo's `baocao` (Đặc khu Cô Tô).

Sign in, see what is due, import every file of docs/samples/, send the monthly form and
see the figures counted; every page at 360 px without sideways scrolling, and each step
reached by following the page's own links (no dead end, no typed address).
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction

from core.tests.e2e import log_in

SAMPLES = Path(__file__).resolve().parents[2] / "docs/samples"
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def _seed_demo() -> None:
    """The demo's units, users, channels and the reporter's sample channels (the demo's
    generated year of posts is left out: it is slow and the journey does not need it)."""
    from core.demo import DemoContext, step_units, step_users
    from ledger.demo import step_sample_channels
    from registry.demo import step_registry

    ctx = DemoContext(province_code="22", months=1, scale="province", rng=random.Random(2026))
    for step in (step_units, step_users, step_registry, step_sample_channels):
        with transaction.atomic():
            step(ctx)


def _fits(page: Any) -> None:
    """The page does not scroll sideways at the phone's width."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} is {width}px wide"


@pytest.mark.e2e
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_reporter_finishes_the_month_alone_on_a_phone(
    page: Any, settings: Any, tmp_path: Path
) -> None:
    from django.contrib.auth import get_user_model

    from core.demo import DEMO_USERS
    from ledger.forms_grid import last_closed_month
    from ledger.models import ImportBatch, MonthlyForm

    User = get_user_model()  # noqa: N806
    settings.TASKS = IMMEDIATE
    settings.MEDIA_ROOT = tmp_path / "media"
    _seed_demo()
    page.set_default_timeout(60000)
    password = next(p for name, _role, _where, p in DEMO_USERS if name == "baocao")
    log_in(page, "baocao", password)
    page.wait_for_load_state()
    _fits(page)

    # What is due: the home page names the reporting month and each channel's state, and
    # the menu's first link is the reporter's main task.
    month = last_closed_month()
    assert page.locator(".main-nav li a").first.inner_text() == "Nhập số liệu"
    nav_height = page.locator(".main-nav").bounding_box()["height"]
    assert nav_height < 60, f"the menu takes {nav_height}px: more than one line"
    due = page.locator("section", has=page.locator("#home-reporter"))
    assert due.locator("h2").inner_text() == f"Số liệu tháng T{month.month}/{month.year}"
    states = due.locator('ul[aria-label="Kênh của đơn vị"] .badge').all_inner_texts()
    assert states and set(states) == {"Chưa có số liệu"}, states
    due.get_by_role("link", name="Nhập file số liệu").click()
    page.wait_for_url("**/ledger/")
    _fits(page)
    for sample in sorted(SAMPLES.iterdir()):
        page.get_by_label("File số liệu").set_input_files(str(sample))
        if sample.suffix == ".zip":  # YouTube's export names no channel: choose it
            page.get_by_label("Kênh").select_option(
                label="Đặc khu Cô Tô — YouTube: Đặc khu Cô Tô - Kênh thông tin"
            )
        page.get_by_role("button", name="Nhập file").click()
        page.wait_for_url("**/ledger/imports/*/")
        badge = page.locator(".lead .badge")
        assert badge.inner_text() == "Đã nhập", f"{sample.name}: {badge.inner_text()}"
        assert "ok" in (badge.get_attribute("class") or "")
        assert page.get_by_text("Không có dòng nào bị loại.").is_visible()
        _fits(page)
        page.locator(".breadcrumbs").get_by_role("link", name="Nhập số liệu").click()
        page.wait_for_url("**/ledger/")
        _fits(page)
    assert ImportBatch.objects.filter(status="done", rejected=0).count() == 4

    # The monthly form: from the import page, one screen for the month.
    page.get_by_role("link", name="Báo cáo tháng (cho đơn vị không có file xuất)").click()
    page.wait_for_url("**/ledger/forms/")
    _fits(page)
    page.get_by_role("link", name="Lập báo cáo tháng").click()
    page.wait_for_url("**/ledger/forms/new/**")
    _fits(page)
    assert page.locator("h1").inner_text().startswith(f"Báo cáo tháng {month:%m/%Y}")
    zalo = page.locator("fieldset", has_text="Zalo OA")
    zalo.get_by_label("Tin bài").fill("6")
    zalo.get_by_label("Ảnh").fill("2")
    zalo.get_by_label("Tổng lượt tiếp cận").fill("1500")
    page.get_by_role("button", name="Lưu và gửi cấp trên duyệt").click()
    page.wait_for_load_state()
    assert page.get_by_text(f"Đã gửi báo cáo tháng {month:%m/%Y}").is_visible()
    _fits(page)
    sent = MonthlyForm.objects.get(unit__code="07192", month=month, platform="zalo")
    assert (sent.status, sent.total_items, sent.reach) == ("submitted", 8, 1500)

    # The figures: the unit's report counts the imported posts.
    page.get_by_role("link", name="Báo cáo", exact=True).first.click()
    page.wait_for_url("**/reports/07192/**")
    page.get_by_text("Hoặc gõ kỳ báo cáo").click()
    typed = page.locator(".period-form")
    typed.get_by_role("textbox", name="Kỳ báo cáo").fill("2026")
    typed.get_by_role("button", name="Xem kỳ báo cáo").click()
    page.wait_for_load_state()
    label = page.locator(".stat-label", has_text="Số bài viết").first
    posts = page.locator(".stat-card", has=label).locator(".stat-value")
    assert posts.inner_text() == "25"  # 10 Meta + 5 TikTok + 6 YouTube + 4 Zalo OA
    _fits(page)

    # The province approves the form; back home, the month's figures are counted and the
    # Zalo channel's state says so.
    from ledger.services import monthly_form_approve

    province_admin = User.objects.get(username="quantri")
    monthly_form_approve(acting_user=province_admin, form=sent)
    page.locator(".brand").click()
    page.wait_for_url(page.base_url + "/")
    home = page.locator("section", has=page.locator("#home-reporter"))
    zalo_row = home.locator("li", has_text="Zalo OA")
    assert zalo_row.locator(".badge").inner_text() == "Báo cáo tháng đã được duyệt"
    figures = home.locator(".stat-value").all_inner_texts()
    assert figures == ["8", "1.500"], figures  # the form's 6 + 2 items and its reach
    _fits(page)
