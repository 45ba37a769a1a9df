"""The monthly form on one screen (a row per platform) and the approver's bulk approval."""

from __future__ import annotations

from datetime import date
from typing import Any

from core.models import AuditEvent
from ledger import forms_grid
from ledger.models import MonthlyForm
from ledger.tests.factories import make_channel


def test_last_closed_month_is_the_last_decree_09_reporting_month() -> None:
    # Reporting month T runs from the 15th of T-1 to the 14th of T.
    assert forms_grid.last_closed_month(date(2026, 1, 5)) == date(2025, 12, 1)
    assert forms_grid.last_closed_month(date(2026, 12, 14)) == date(2026, 11, 1)
    assert forms_grid.last_closed_month(date(2026, 12, 15)) == date(2026, 12, 1)
    assert forms_grid.last_closed_month(date(2026, 12, 31)) == date(2026, 12, 1)


def test_the_grid_opens_on_the_users_unit_and_the_last_closed_month(world: Any, login: Any) -> None:
    make_channel(world.commune_a, "zalo", "4310550873150297000")
    client = login(world.users_a["reporter"])
    page = client.get("/ledger/forms/new/").content.decode()
    month = forms_grid.last_closed_month()
    assert f'value="{month:%Y-%m}"' in page
    assert f'name="unit" value="{world.commune_a.pk}"' in page
    # The unit's own channel's platform comes first, then the others.
    assert page.index("zalo-articles") < page.index("facebook-articles")
    assert "Kênh 4310550873150297000" in page


def test_one_post_saves_and_sends_the_months_rows(world: Any, login: Any) -> None:
    client = login(world.users_a["reporter"])
    response = client.post(
        "/ledger/forms/new/",
        {
            "unit": world.commune_a.pk,
            "month": "2026-10",
            "zalo-articles": "4",
            "zalo-reach": "1200",
            "website-articles": "7",
            "website-photos": "2",
            "action": "submit",
        },
    )
    assert response.status_code == 302
    forms = MonthlyForm.objects.filter(unit=world.commune_a, month=date(2026, 10, 1))
    assert {(f.platform, f.status, f.total_items, f.reach) for f in forms} == {
        ("zalo", "submitted", 4, 1200),
        ("website", "submitted", 9, None),
    }
    assert (
        AuditEvent.objects.filter(
            action="ledger.form_submit", unit_path=world.commune_a.path
        ).count()
        == 2
    )


def test_a_negative_number_is_refused_in_plain_vietnamese(world: Any, login: Any) -> None:
    client = login(world.users_a["reporter"])
    response = client.post(
        "/ledger/forms/new/",
        {"unit": world.commune_a.pk, "month": "2026-10", "zalo-articles": "-3", "action": "save"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Không được nhỏ hơn 0." in page
    assert " ." not in page.replace("&nbsp;.", "")
    assert not MonthlyForm.objects.exists()


def test_a_form_already_sent_is_named_and_linked(world: Any, login: Any) -> None:
    sent = MonthlyForm.objects.create(
        unit=world.commune_a,
        month=date(2026, 10, 1),
        platform="zalo",
        articles=3,
        status="submitted",
    )
    client = login(world.users_a["reporter"])
    page = client.get("/ledger/forms/new/?month=2026-10").content.decode()
    assert 'name="zalo-articles"' not in page  # shown, not edited
    assert f'href="/ledger/forms/{sent.pk}/"' in page
    # Sent meanwhile (another tab): the service names the existing form, nothing is saved.
    from ledger.forms_grid import monthly_forms_save_month

    try:
        monthly_forms_save_month(
            acting_user=world.users_a["reporter"],
            unit=world.commune_a,
            month=date(2026, 10, 1),
            rows={"website": {"articles": 1}, "zalo": {"articles": 5}},
        )
    except Exception as exc:  # noqa: BLE001 - the message is what is checked
        message = " ".join(getattr(exc, "messages", [str(exc)]))
    else:
        raise AssertionError("a sent form was overwritten")
    assert "Đã có báo cáo tháng 10/2026 của Đặc khu Cô Tô cho Zalo OA" in message
    assert MonthlyForm.objects.count() == 1


def test_the_approver_filters_by_status_and_approves_in_bulk(world: Any, login: Any) -> None:
    month = date(2026, 10, 1)
    sent = [
        MonthlyForm.objects.create(
            unit=unit, month=month, platform="zalo", articles=2, status="submitted"
        )
        for unit in (world.commune_a, world.commune_b)
    ]
    draft = MonthlyForm.objects.create(
        unit=world.commune_a, month=month, platform="website", articles=1
    )
    client = login(world.province_users["administrator"])
    page = client.get("/ledger/forms/?status=submitted").content.decode()
    assert f'href="/ledger/forms/{draft.pk}/"' not in page
    assert all(f'name="form" value="{f.pk}"' in page for f in sent)
    response = client.post("/ledger/forms/approve/", {"form": [f.pk for f in sent] + [draft.pk]})
    assert response.status_code == 302
    assert set(MonthlyForm.objects.filter(status="approved")) == set(sent)
    assert MonthlyForm.objects.get(pk=draft.pk).status == "draft"
    events = AuditEvent.objects.filter(action="ledger.form_approve")
    assert sorted(e.unit_path for e in events) == sorted(
        [world.commune_a.path, world.commune_b.path]
    )
    # A unit's own administrator approves nothing of their own unit.
    client = login(world.users_a["administrator"])
    assert client.post("/ledger/forms/approve/", {"form": [draft.pk]}).status_code == 403
