"""A reporter uploads a sample export in the browser and sees the result."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from conftest import PASSWORD
from core.tests.e2e import log_in
from ledger.tests.factories import make_channel

SAMPLE = Path(__file__).resolve().parents[2] / "docs/samples/meta_business_suite_posts.csv"
SHOTS = os.environ.get("BANTIN_SCREENSHOTS")  # a folder: also save 360/1280 px screenshots


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_upload_sample_and_see_result(page: Any, world: Any, settings: Any, tmp_path: Path) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"
    make_channel(world.commune_a, "facebook", "ubndminhchau", external_id="100064812345678")
    log_in(page, world.users_a["reporter"].username, PASSWORD)
    page.goto(page.base_url + "/ledger/")
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/ledger-index-360.png", full_page=True)
    page.get_by_label("File số liệu").set_input_files(str(SAMPLE))
    page.get_by_role("button", name="Nhập file").click()
    page.wait_for_url("**/ledger/imports/*/")
    cards = page.locator(".stat-card")
    assert cards.filter(has_text="Dòng được nhận").locator(".stat-value").inner_text() == "10"
    assert cards.filter(has_text="Bài mới").locator(".stat-value").inner_text() == "10"
    assert page.get_by_text("Không có dòng nào bị loại.").is_visible()
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/ledger-result-360.png", full_page=True)
        page.set_viewport_size({"width": 1280, "height": 900})
        page.screenshot(path=f"{SHOTS}/ledger-result-1280.png", full_page=True)
        page.goto(page.base_url + "/ledger/")
        page.screenshot(path=f"{SHOTS}/ledger-index-1280.png", full_page=True)
