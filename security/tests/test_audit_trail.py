"""The audit trail: administrators read and export their subtree's events; nobody can edit
or delete an event through the application."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from core.audit import audit
from core.models import AuditEvent
from security.ratelimit import limit, parse_rate


def rows(response: Any) -> str:
    """The table body of the audit page (the filter form lists every unit's name)."""
    return str(response.content.decode().split("<tbody>", 1)[1].split("</tbody>", 1)[0])


def _events(world: Any) -> None:
    audit(world.users_a["editor"], "registry.register", world.commune_a, after={"url": "=cmd"})
    audit(world.users_b["editor"], "registry.register", world.commune_b, after={"b": 1})
    audit(world.province_users["editor"], "hub.publish", world.province)
    old = audit(world.users_a["administrator"], "demo.old_event", world.commune_a)
    AuditEvent.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=40))


def test_an_administrator_sees_their_subtree_only(world: Any) -> None:
    _events(world)
    client = Client()
    client.force_login(world.users_a["administrator"])
    page = rows(client.get("/security/audit/"))
    assert "registry.register" in page and "Đặc khu Cô Tô" in page
    assert "Phường Hạ Long" not in page and "hub.publish" not in page
    # The province's administrator sees every commune, and filters.
    client.force_login(world.province_users["administrator"])
    page = rows(client.get("/security/audit/"))
    assert "Phường Hạ Long" in page and "hub.publish" in page
    page = rows(client.get("/security/audit/", {"unit": "06688"}))
    assert "Phường Hạ Long" in page and "Đặc khu Cô Tô" not in page
    page = rows(client.get("/security/audit/", {"action": "hub.publish"}))
    assert "hub.publish" in page and "registry.register</code>" not in page
    page = rows(client.get("/security/audit/", {"actor": "a_editor"}))
    assert "a_editor" in page and "b_editor" not in page
    since = (timezone.localdate() - timedelta(days=7)).isoformat()
    assert "demo.old_event" in rows(client.get("/security/audit/"))
    assert "demo.old_event" not in rows(client.get("/security/audit/", {"date_from": since}))
    response = client.get("/security/audit/", {"date_from": "2026-05-02", "date_to": "2026-05-01"})
    assert "Ngày kết thúc phải sau ngày bắt đầu" in response.content.decode()


def test_csv_export_follows_the_filters_and_defuses_formulas(world: Any) -> None:
    _events(world)
    client = Client()
    client.force_login(world.users_a["administrator"])
    response = client.get("/security/audit.csv", {"action": "registry.register"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="bantin-audit-')
    text = response.content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["Người thực hiện"] for r in rows] == ["a_editor"]
    assert rows[0]["Sau"] == '{"địa chỉ": "=cmd"}'
    assert rows[0]["Địa chỉ IP"] == ""
    assert rows[0]["Đơn vị (đường dẫn)"] == world.commune_a.path


def test_audit_events_cannot_be_edited_or_deleted_through_the_app(world: Any) -> None:
    _events(world)
    event = AuditEvent.objects.filter(action="registry.register").first()
    assert event is not None
    before = list(AuditEvent.objects.order_by("pk").values())
    root = get_user_model().objects.create_superuser("root", "root@example.org", "Root-pass-2026")
    operator = Client()
    operator.force_login(root)
    base = f"/admin/core/auditevent/{event.pk}"
    assert operator.get("/admin/core/auditevent/").status_code == 200  # readable
    assert operator.post(f"{base}/change/", {"action": "x"}).status_code == 403
    assert operator.post(f"{base}/delete/", {"post": "yes"}).status_code == 403
    response = operator.post(
        "/admin/core/auditevent/",
        {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"},
    )
    assert response.status_code in (200, 302, 403)
    assert operator.get("/admin/core/auditevent/add/").status_code == 403
    # The audit browser only reads.
    admin = Client()
    admin.force_login(world.province_users["administrator"])
    for path in ("/security/audit/", "/security/audit.csv"):
        for method in ("post", "put", "patch", "delete"):
            assert getattr(admin, method)(path).status_code == 405, (method, path)
    assert list(AuditEvent.objects.order_by("pk").values()) == before
    # No URL pattern or API operation of the project writes audit events by name.
    names = []

    def walk(patterns: list[Any], prefix: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                names.append(prefix + str(p.pattern))

    walk(get_resolver().url_patterns, "")
    audit_urls = sorted(n for n in names if "audit" in n and not n.startswith("admin/"))
    assert audit_urls == ["security/audit.csv", "security/audit/"]  # both GET-only, above
    from config.api import api

    assert not [p for p in api.get_openapi_schema()["paths"] if "audit" in p]


@pytest.mark.django_db  # without Redis the counters are rows (security.RateCounter)
def test_the_rate_limit_helper_counts_per_key(settings: Any) -> None:
    from django.core.cache import cache

    cache.clear()
    assert parse_rate("60/m") == (60, 60)
    assert parse_rate("5/10m") == (5, 600)
    assert [limit("lookup:203.0.113.1", "3/m") for _ in range(5)] == [True] * 3 + [False] * 2
    assert limit("lookup:203.0.113.2", "3/m")  # another client has its own budget
    for bad in ("60", "x/m", "0/m", "5/y"):
        try:
            parse_rate(bad)
        except ValueError as exc:
            assert bad in str(exc)
        else:
            raise AssertionError(bad)
