"""The "Nguồn số liệu" section: each channel's source (platform connection, file, API),
each unit's monthly forms, when the figures were last refreshed, stale past two days, and
followers at the period's start and end, on the page, in the .docx and the .xlsx."""

from __future__ import annotations

import io
from datetime import date, timedelta
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

from connectors.models import Connection, FollowerCount, SyncRun
from ledger.models import ImportBatch
from ledger.services import monthly_form_approve, monthly_form_save, monthly_form_submit
from reports import build
from reports.model import ReportData
from reports.periods import parse_period
from reports.render.docx import render_docx
from reports.render.xlsx import render_xlsx
from reports.sections.sources import SECTION
from reports.tests.factories import add_posts, at, channel

pytestmark = pytest.mark.django_db


@pytest.fixture
def sources(world: Any) -> Any:
    admin = world.province_users["administrator"]
    connected = channel(world.commune_a, "facebook")
    add_posts(admin, connected, [{"published_at": at(2026, 3, 2), "reach": 10}])
    SyncRun.objects.create(
        channel=connected,
        unit=world.commune_a,
        started_at=timezone.now(),
        finished_at=timezone.now(),
        status="ok",
        batch=ImportBatch.objects.get(channel=connected),
    )
    Connection.objects.create(
        channel=connected,
        unit=world.commune_a,
        platform="facebook",
        account_id="1000000001",
        connected_at=timezone.now(),
        last_success_at=timezone.now() - timedelta(hours=5),
    )
    for day, n in ((date(2026, 2, 28), 900), (date(2026, 3, 1), 1000), (date(2026, 3, 31), 1250)):
        FollowerCount.objects.create(channel=connected, as_of=day, followers=n)
    by_file = channel(world.commune_b, "youtube")
    add_posts(admin, by_file, [{"published_at": at(2026, 3, 5), "reach": None}])
    ImportBatch.objects.filter(channel=by_file).update(
        finished_at=timezone.now() - timedelta(days=3)
    )
    form = monthly_form_save(
        acting_user=admin, unit=world.commune_b, month=date(2026, 3, 1), platform="zalo", articles=4
    )
    monthly_form_approve(acting_user=admin, form=monthly_form_submit(acting_user=admin, form=form))
    return world


def _rows(world: Any, code: str = "2026-03") -> dict[str, tuple[str, ...]]:
    model = ReportData.from_dict(build.report_data(world.province, parse_period(code)))
    table = SECTION.table(model)
    assert table is not None
    return {row[0].text: tuple(c.text for c in row[1:]) for row in table.rows}


def test_each_channel_says_its_source_refresh_staleness_and_followers(sources: Any) -> None:
    rows = _rows(sources)
    today = timezone.localdate()
    fb = next(v for k, v in rows.items() if k.startswith(sources.commune_a.name))
    assert fb == ("Kết nối nền tảng", today.strftime("%d/%m/%Y"), "Mới", "1.000", "1.250")
    yt = next(v for k, v in rows.items() if "YouTube" in k)
    three_days = (timezone.now() - timedelta(days=3)).astimezone(timezone.get_current_timezone())
    assert yt == ("API", three_days.strftime("%d/%m/%Y"), "Cũ", "—", "—")
    form = next(v for k, v in rows.items() if "Zalo" in k)
    assert form[0] == "Báo cáo tháng (1 tháng)" and form[2:] == ("", "—", "—")
    # A period after the connected channel's batches: its source is still the connection,
    # and it has no follower count in that period.
    later = _rows(sources, "2026-12")
    fb = next(v for k, v in later.items() if k.startswith(sources.commune_a.name))
    assert fb[0] == "Kết nối nền tảng" and fb[3:] == ("—", "—")


def test_the_section_is_on_the_page_in_the_docx_and_the_xlsx(sources: Any, client: Any) -> None:
    client.force_login(sources.province_users["viewer"])
    page = client.get(f"/reports/{sources.province.code}/", {"period": "2026-03"})
    soup = BeautifulSoup(page.content, "html.parser")
    table = soup.select_one('table[data-section="sources"]')
    assert table is not None and "1.250" in table.get_text()
    model = ReportData.from_dict(build.report_data(sources.province, parse_period("2026-03")))
    doc = Document(io.BytesIO(render_docx(model)))
    assert any("Người theo dõi cuối kỳ" in t.rows[0].cells[-1].text for t in doc.tables)
    sheet = load_workbook(io.BytesIO(render_xlsx(model)))["Nguồn số liệu"]
    assert 1250 in [c for row in sheet.iter_rows(values_only=True) for c in row]


def test_a_long_list_is_cut_and_the_footnote_says_so(sources: Any, monkeypatch: Any) -> None:
    from reports import sources as data_of

    monkeypatch.setattr(data_of, "LIMIT", 1)
    model = ReportData.from_dict(build.report_data(sources.province, parse_period("2026-03")))
    assert model.sources is not None
    channels = [r for r in model.sources.rows if r.stale is not None]
    assert len(channels) == 1 and model.sources.total_channels == 2
    assert SECTION.footnote is not None
    assert "Bảng liệt kê 1 trong 2 kênh" in SECTION.footnote(model)
