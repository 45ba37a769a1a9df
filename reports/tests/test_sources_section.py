"""The "Nguồn số liệu" section. A unit without children: each channel's source (platform
connection, file, API), each unit's monthly forms, when the figures were last refreshed,
stale past two days, and followers at the period's start and end. A unit with children:
one row per child (and the unit's own channels) whose counts are its channels' rows summed,
linking to the child's channel list. On the page, in the .docx and the .xlsx."""

from __future__ import annotations

import io
from datetime import date, timedelta
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

from connectors import selectors as connectors
from connectors.models import Connection, FollowerCount, SyncRun
from ledger.models import ImportBatch
from ledger.services import monthly_form_approve, monthly_form_save, monthly_form_submit
from reports import build
from reports.model import ReportData
from reports.periods import parse_period
from reports.render.docx import render_docx
from reports.render.xlsx import render_xlsx
from reports.sections.sources import SECTION, SECTION_BY_UNIT
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


def _model(unit: Any, code: str = "2026-03") -> ReportData:
    return ReportData.from_dict(build.report_data(unit, parse_period(code)))


def _rows(unit: Any, code: str = "2026-03", section: Any = SECTION) -> dict[str, tuple[str, ...]]:
    model = _model(unit, code)
    assert section.shown(model)
    table = section.table(model)
    assert table is not None
    return {row[0].text: tuple(c.text for c in row[1:]) for row in table.rows}


def test_each_channel_says_its_source_refresh_staleness_and_followers(sources: Any) -> None:
    # The last sync was 5 hours ago: the day before, in the first hours of a local day.
    synced = Connection.objects.get(unit=sources.commune_a).last_success_at
    synced_on = timezone.localdate(synced)
    rows = _rows(sources.commune_a)
    assert list(rows.values()) == [
        ("Kết nối nền tảng", synced_on.strftime("%d/%m/%Y"), "Mới", "1.000", "1.250")
    ]
    rows = _rows(sources.commune_b)
    yt = next(v for k, v in rows.items() if "YouTube" in k)
    three_days = (timezone.now() - timedelta(days=3)).astimezone(timezone.get_current_timezone())
    assert yt == ("API", three_days.strftime("%d/%m/%Y"), "Cũ", "—", "—")
    form = next(v for k, v in rows.items() if "Zalo" in k)
    assert form[0] == "Báo cáo tháng (1 tháng)" and form[2:] == ("", "—", "—")
    # A period after the connected channel's batches: its source is still the connection,
    # and it has no follower count in that period.
    later = _rows(sources.commune_a, "2026-12")
    (fb,) = later.values()
    assert fb[0] == "Kết nối nền tảng" and fb[3:] == ("—", "—")


def test_a_unit_with_children_has_one_row_per_child_summing_its_channels(sources: Any) -> None:
    # Two more channels: one of the province's own (connected, never synced: stale) and a
    # stale connected one under commune a, so every count differs between the rows.
    own = channel(sources.province, "zalo", "oa-tinh")
    Connection.objects.create(
        channel=own,
        unit=sources.province,
        platform="zalo",
        account_id="2",
        connected_at=timezone.now(),
    )
    old = channel(sources.commune_a, "youtube", "yt-coto")
    Connection.objects.create(
        channel=old,
        unit=sources.commune_a,
        platform="youtube",
        account_id="3",
        connected_at=timezone.now(),
        last_success_at=timezone.now() - timedelta(days=5),
    )
    # And a channel of commune b whose figures came by file today: not stale.
    by_file = channel(sources.commune_b, "tiktok")
    add_posts(sources.province_users["administrator"], by_file, [{"published_at": at(2026, 3, 9)}])
    model = _model(sources.province)
    assert not SECTION.shown(model) and SECTION_BY_UNIT.shown(model)
    assert model.sources is not None
    by_name = {r.name: r for r in model.sources.units}
    # The oracle: each child's channels one by one (the per-channel rows), summed.
    for unit in (sources.commune_a, sources.commune_b, sources.department):
        fresh = connectors.freshness(unit, parse_period("2026-03"))
        row = by_name[unit.name]
        assert row.channels == len(fresh), unit.name
        assert row.connected == sum("connector" in f.kinds for f in fresh), unit.name
        assert row.stale == sum(f.stale for f in fresh), unit.name
        last = max((f.refreshed_at for f in fresh if f.refreshed_at), default=None)
        assert row.refreshed == (last and timezone.localtime(last).date()), unit.name
    assert (by_name[sources.commune_a.name].channels, by_name[sources.commune_a.name].stale) == (
        2,
        1,
    )
    assert (by_name[sources.commune_b.name].channels, by_name[sources.commune_b.name].stale) == (
        2,
        1,
    )
    assert by_name[sources.commune_b.name].form_months == 1
    own_row = model.sources.units[0]
    assert own_row.own and (own_row.channels, own_row.connected, own_row.stale) == (1, 1, 1)
    assert model.sources.total_channels == 5
    # Each row links to that unit's channel list, one channel a row.
    table = SECTION_BY_UNIT.table(model)
    assert table is not None
    links = [row[0].href for row in table.rows]
    assert links[0] == f"/reports/{sources.province.code}/channels/?own=1"
    assert f"/reports/{sources.commune_a.code}/channels/" in links


def test_the_section_is_on_the_page_in_the_docx_and_the_xlsx(sources: Any, client: Any) -> None:
    client.force_login(sources.province_users["viewer"])
    page = client.get(f"/reports/{sources.commune_a.code}/", {"period": "2026-03"})
    soup = BeautifulSoup(page.content, "html.parser")
    table = soup.select_one('table[data-section="sources"]')
    assert table is not None and "1.250" in table.get_text()
    model = _model(sources.commune_a)
    doc = Document(io.BytesIO(render_docx(model)))
    assert any("Người theo dõi cuối kỳ" in t.rows[0].cells[-1].text for t in doc.tables)
    sheet = load_workbook(io.BytesIO(render_xlsx(model)))["Nguồn số liệu"]
    assert 1250 in [c for row in sheet.iter_rows(values_only=True) for c in row]
    # The province: one row per child, in all three.
    page = client.get(f"/reports/{sources.province.code}/", {"period": "2026-03"})
    soup = BeautifulSoup(page.content, "html.parser")
    table = soup.select_one('table[data-section="sources"]')
    assert table is not None and sources.commune_b.name in table.get_text()
    link = table.select_one(f'a[href^="/reports/{sources.commune_b.code}/channels/"]')
    assert link is not None and "period=2026-03" in link["href"]
    model = _model(sources.province)
    doc = Document(io.BytesIO(render_docx(model)))
    assert any("Số kênh có số liệu cũ" in c.text for t in doc.tables for c in t.rows[0].cells)
    sheet = load_workbook(io.BytesIO(render_xlsx(model)))["Nguồn số liệu"]
    values = [row for row in sheet.iter_rows(values_only=True)]
    assert any(row[0] == sources.commune_b.name and row[1] == 1 for row in values)


def test_a_long_list_is_cut_and_the_footnote_says_so(sources: Any, monkeypatch: Any) -> None:
    from reports import sources as data_of

    channel(sources.commune_a, "zalo", "oa-coto")
    monkeypatch.setattr(data_of, "LIMIT", 1)
    model = _model(sources.commune_a)
    assert model.sources is not None
    channels = [r for r in model.sources.rows if r.stale is not None]
    assert len(channels) == 1 and model.sources.total_channels == 2
    assert SECTION.footnote is not None
    assert "Bảng liệt kê 1 trong 2 kênh" in SECTION.footnote(model)
