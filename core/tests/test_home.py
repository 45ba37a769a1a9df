"""The home page: what needs each role now, and nothing of another commune."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from core import home
from ledger.models import ImportBatch, MonthlyForm
from ledger.services import monthly_form_approve, monthly_form_save, monthly_form_submit
from ledger.tests.factories import make_channel
from reports.tests.factories import add_posts, at

# Reporting month T11/2026 runs 15/10–14/11/2026 (Decree 09/2019); due on 20/11.
TODAY = date(2026, 11, 20)
MONTH = date(2026, 11, 1)


@pytest.fixture(autouse=True)
def _today(monkeypatch: Any) -> None:
    monkeypatch.setattr(home, "local_today", lambda: TODAY)


def _page(client: Any) -> Any:
    response = client.get("/")
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def _section(soup: Any, key: str) -> str:
    heading = soup.find(id=f"home-{key}")
    return str(heading.find_parent("section").get_text(" ", strip=True)) if heading else ""


def _form(user: Any, unit: Any, platform: str, *, submit: bool = False, **kw: Any) -> Any:
    form = monthly_form_save(acting_user=user, unit=unit, month=MONTH, platform=platform, **kw)
    return monthly_form_submit(acting_user=user, form=form) if submit else form


def _batch(unit: Any, channel: Any, filename: str, **kw: Any) -> ImportBatch:
    return ImportBatch.objects.create(
        unit=unit, channel=channel, filename=filename, sha256=filename * 2, **kw
    )


def test_the_reporting_month_is_decree_09s_last_closed_month(world: Any) -> None:
    month = home.reporting_month(world.commune_a, date(2026, 12, 3))
    assert (month.label, month.start, month.end) == (
        "T11/2026",
        date(2026, 10, 15),
        date(2026, 11, 14),
    )
    assert month.deadline == date(2026, 11, 20) and month.overdue
    month = home.reporting_month(world.commune_a, date(2026, 12, 15))
    assert (month.label, month.deadline, month.overdue) == ("T12/2026", date(2026, 12, 20), False)


def test_the_deadline_says_who_set_it(world: Any, login: Any) -> None:
    from reports.services import reporting_deadline_set

    text = _section(_page(login(world.users_a["reporter"])), "reporter")
    assert "Hạn gửi: 20/11/2026 (ngày 20 hằng tháng, hạn mặc định)." in text
    reporting_deadline_set(
        acting_user=world.province_users["administrator"], unit=world.province, day=5
    )
    text = _section(_page(login(world.users_a["reporter"])), "reporter")
    assert "Hạn gửi: 05/12/2026 (ngày 5 hằng tháng, do Tỉnh Quảng Ninh quy định)." in text


def test_a_reporter_sees_each_channel_state_what_came_back_and_the_figures(
    world: Any, login: Any
) -> None:
    reporter, admin = world.users_a["reporter"], world.province_users["administrator"]
    fb = make_channel(world.commune_a, "facebook", "coto-fb")
    make_channel(world.commune_a, "zalo", "coto-zalo")
    make_channel(world.commune_a, "youtube", "coto-yt")
    make_channel(world.commune_a, "tiktok", "coto-tt")
    make_channel(world.commune_b, "facebook", "halong-fb")  # another commune's: never shown
    add_posts(
        admin,
        fb,
        [
            {"published_at": at(2026, 10, 15, 0), "reach": 100},  # T11 (from the 15th)
            {"published_at": at(2026, 11, 14, 23), "reach": 20},  # T11 (to the 14th)
            {"published_at": at(2026, 11, 15), "reach": 5000},  # T12: not this month
        ],
    )
    _form(reporter, world.commune_a, "zalo", submit=True, articles=3, reach=300)
    _form(reporter, world.commune_a, "website", articles=1)  # no website channel: a draft
    returned = _form(reporter, world.commune_a, "youtube", submit=True, videos=2)
    from ledger.services import monthly_form_return

    monthly_form_return(acting_user=admin, form=returned)
    _batch(
        world.commune_a, fb, "loi-3-dong.csv", status="done", rows_read=5, accepted=2, rejected=3
    )
    _batch(world.commune_b, None, "cua-phuong-b.csv", status="refused")

    soup = _page(login(reporter))
    text = _section(soup, "reporter")
    assert "Số liệu tháng T11/2026" in text
    assert "từ 15/10/2026 đến 14/11/2026" in text and "Hạn gửi: 20/11/2026" in text
    rows = {
        li.select_one(".task-name").get_text(strip=True): li.select_one(".badge").get_text()
        for li in soup.select('ul[aria-label="Kênh của đơn vị"] li')
    }
    assert rows == {
        "Trang Facebook: Kênh coto-fb": "Đã nhập file: 2 bài",
        "Zalo OA: Kênh coto-zalo": "Đã gửi báo cáo tháng, chờ duyệt",
        "YouTube: Kênh coto-yt": "Báo cáo tháng bị trả lại để sửa",
        "TikTok: Kênh coto-tt": "Chưa có số liệu",
        "Trang web (báo cáo tháng)": "Báo cáo tháng còn là bản nháp",
    }
    # The upload and the month's form, one tap away.
    assert soup.find("a", string="Nhập file số liệu")["href"] == "/ledger/"
    form_link = soup.find("a", string="Báo cáo tháng T11/2026")["href"]
    assert form_link == f"/ledger/forms/new/?unit={world.commune_a.pk}&month=2026-11"
    # What came back: the returned form and the file with rejected rows.
    assert "Cần sửa" in text and "Báo cáo tháng 11/2026, YouTube" in text
    assert "loi-3-dong.csv" in text
    assert "cua-phuong-b.csv" not in soup.get_text() and "halong" not in soup.get_text()
    # Counted: the two imported posts (the sent form is not counted until approved).
    figures = [p.get_text() for p in soup.select("#home-reporter ~ .stat-grid .stat-value")]
    assert figures == ["2", "120"]  # drafts and sent forms are not counted
    assert _section(soup, "admin") == "" and _section(soup, "editor") == ""

    monthly_form_approve(acting_user=admin, form=MonthlyForm.objects.get(platform="zalo"))
    soup = _page(login(reporter))
    figures = [p.get_text() for p in soup.select("#home-reporter ~ .stat-grid .stat-value")]
    assert figures == ["5", "420"]
    assert "Báo cáo tháng đã được duyệt" in _section(soup, "reporter")


def test_counts_are_vietnamese_numbers(world: Any, login: Any, client: Any) -> None:
    fb = make_channel(world.commune_a, "facebook", "coto-fb")
    add_posts(world.users_a["reporter"], fb, [{"published_at": at(2026, 11, 1), "reach": 1234567}])
    soup = _page(login(world.users_a["reporter"]))
    assert "1.234.567" in [p.get_text() for p in soup.select(".stat-value")]
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = client.get("/").content.decode()
    assert "1,234,567" in english and "Figures for T11/2026" in english


def test_an_editor_sees_confirmations_reviews_republishing_and_connections(
    world: Any, login: Any
) -> None:
    from connectors.models import Connection
    from connectors.tests.factories import connected_of
    from factchecks import services as factchecks
    from factchecks.tests.factories import draft
    from hub.tests.factories import make_item

    editor = world.users_a["editor"]
    for which, unit in (("a", world.commune_a), ("b", world.commune_b)):
        channel = make_channel(unit, "facebook", f"trang-{which}")
        _batch(
            unit,
            channel,
            f"can-xac-nhan-{which}.csv",
            status="needs_channel",
            file_channel_name=f"Trang trong file {which.upper()}",
            confirm_requested_by=world.users_a["reporter"] if which == "a" else None,
            confirm_requested_at=timezone.now(),
        )
    colleague = world.users_a["administrator"]
    for author, unit, claim in (
        (colleague, world.commune_a, "Tin đồn A cần người thứ hai"),
        (editor, world.commune_a, "Tin đồn của chính biên tập viên"),
        (world.users_b["editor"], world.commune_b, "Tin đồn của phường B"),
    ):
        fc = draft(author, unit, claim_short=claim)
        factchecks.factcheck_submit(acting_user=author, factcheck=fc)
    province_editor = world.province_users["editor"]
    make_item(
        world.province, province_editor, world.province_users["administrator"], title="Cần đăng lại"
    )
    connection = connected_of(world, "a")
    connection.status = Connection.Status.RECONNECT
    connection.save()
    other = connected_of(world, "b")
    other.status = Connection.Status.RECONNECT
    other.save()

    soup = _page(login(editor))
    text = _section(soup, "editor")
    assert "1 trang cần xác nhận mã" in text and "Trang trong file A" in text
    assert "Trang trong file B" not in soup.get_text()
    assert "Tin đồn A cần người thứ hai" in text
    assert "Tin đồn của chính biên tập viên" not in text  # the author is not the second
    assert "Tin đồn của phường B" not in soup.get_text()
    assert "Cần đăng lại" in text
    assert "Cần kết nối lại" in text and "ketnoi.b" not in soup.get_text()
    # An editor is a reporter too: the month's section follows; no administrator's tasks.
    assert _section(soup, "reporter") and not _section(soup, "admin")
    # A reporter has none of it.
    soup = _page(login(world.users_a["reporter"]))
    assert not _section(soup, "editor") and "Tin đồn A" not in soup.get_text()


def test_an_administrator_approves_forms_from_home_and_sees_channels_and_lockouts(
    world: Any, login: Any
) -> None:
    from axes.models import AccessAttempt

    admin = world.province_users["administrator"]
    make_channel(world.commune_a, "tiktok", "cho-xac-minh-a", status="pending")
    make_channel(world.commune_b, "tiktok", "cho-xac-minh-b", status="pending")
    sent_a = _form(world.users_a["reporter"], world.commune_a, "zalo", submit=True, articles=4)
    _form(world.users_b["reporter"], world.commune_b, "zalo", submit=True, articles=1)
    AccessAttempt.objects.create(
        username="a_viewer",
        ip_address="203.0.113.9",
        user_agent="x",
        http_accept="x",
        path_info="/accounts/login/",
        get_data="",
        post_data="",
        failures_since_start=9,
    )
    client = login(admin)
    soup = _page(client)
    text = _section(soup, "admin")
    assert "2 báo cáo tháng chờ duyệt" in text
    assert "2 kênh chờ xác minh" in text and "cho-xac-minh-b" in text
    assert "a_viewer" in text
    # Commune A's administrator: A's channel only, no forms (the parent approves), no B.
    soup_a = _page(login(world.users_a["administrator"]))
    text_a = _section(soup_a, "admin")
    assert "cho-xac-minh-a" in text_a and "cho-xac-minh-b" not in soup_a.get_text()
    assert "chờ duyệt" not in text_a
    # Bulk approve: the home's own form, the forms ticked.
    form = soup.select_one('form[action="/ledger/forms/approve/"]')
    ticked = [i["value"] for i in form.select('input[name="form"][checked]')]
    assert len(ticked) == 2
    response = login(admin).post(form["action"], {"form": [str(sent_a.pk)]})
    assert response.status_code == 302
    assert MonthlyForm.objects.get(pk=sent_a.pk).status == "approved"
    assert "1 báo cáo tháng chờ duyệt" in _section(_page(login(admin)), "admin")


def test_a_viewer_sees_the_latest_report_and_who_has_not_reported(world: Any, login: Any) -> None:
    admin = world.province_users["administrator"]
    add_posts(admin, make_channel(world.commune_a), [{"published_at": at(2026, 11, 3)}])
    soup = _page(login(world.province_users["viewer"]))
    text = _section(soup, "viewer")
    link = soup.find("a", string="Xem báo cáo T11/2026 của Tỉnh Quảng Ninh")
    assert link["href"] == "/reports/22/?period=2026-11&convention=administrative"
    assert "2 trong 3 đơn vị trực thuộc chưa báo cáo" in text
    assert "Phường Hạ Long" in text and "Đặc khu Cô Tô" not in text
    assert not any(_section(soup, k) for k in ("reporter", "editor", "admin"))
    # The unit tree stays one tap away.
    assert soup.find("a", href="/units/22/") is not None
    # Commune B's viewer sees only B.
    soup = _page(login(world.users_b["viewer"]))
    assert "Đặc khu Cô Tô" not in soup.get_text() and "Xem báo cáo T11/2026" in soup.get_text()


def test_an_administrator_sees_every_section_of_the_roles_below(world: Any, login: Any) -> None:
    soup = _page(login(world.users_a["administrator"]))
    headings = [h["id"] for h in soup.select("section.task-section h2")]
    assert headings == ["home-admin", "home-editor", "home-reporter", "home-viewer", "home-units"]


def test_the_home_page_reads_a_bounded_number_of_queries(world: Any, login: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(user: Any) -> int:
        client = login(user)
        client.get("/")  # the session and the caches
        with CaptureQueriesContext(connection) as queries:
            client.get("/")
        return len(queries.captured_queries)

    admin, reporter = world.province_users["administrator"], world.users_a["reporter"]
    make_channel(world.commune_a, "facebook", "trang-dau")
    before = (count(admin), count(reporter))
    for i in range(6):  # more channels, forms and tasks: not more queries
        channel = make_channel(world.commune_a, "website", f"trang-{i}", status="pending")
        add_posts(admin, channel, [{"published_at": at(2026, 11, 2)}])
    _form(reporter, world.commune_a, "zalo", submit=True, articles=2)
    _form(world.users_b["reporter"], world.commune_b, "zalo", submit=True, articles=2)
    assert (count(admin), count(reporter)) == before
    assert before[0] <= 30 and before[1] <= 20, before


@pytest.mark.parametrize(
    ("role", "first"),
    [
        ("reporter", ["Nhập số liệu", "Báo cáo", "Kho nội dung"]),
        ("editor", ["Kho nội dung", "Kiểm chứng thông tin"]),
        ("administrator", ["Kênh chính thức", "Người dùng"]),
        ("viewer", ["Báo cáo", "Kênh chính thức"]),
    ],
)
def test_the_menu_puts_the_roles_main_task_first(
    world: Any, login: Any, role: str, first: list[str]
) -> None:
    soup = _page(login(world.users_a[role]))
    nav = soup.select_one(".main-nav > ul")
    shown = [a.get_text() for a in nav.select(":scope > li:not(.nav-wide) > a")]
    more = [a.get_text() for a in nav.select("li.more details a")]
    assert shown == first
    # A wide screen shows the same links in the row, in the same order.
    wide = [a.get_text() for a in nav.select(":scope > li.nav-wide > a")]
    assert wide == more
    assert ("Người dùng" in shown + more) == (role == "administrator")
    assert len(set(shown + more)) == len(shown + more) and "Đổi mật khẩu" in more
