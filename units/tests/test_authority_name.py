from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from conftest import make_unit
from core.models import AuditEvent
from units import services
from units.models import Unit, default_authority_name


@pytest.mark.parametrize(
    ("kind", "name", "expected"),
    [
        ("province", "Quảng Ninh", "UBND tỉnh Quảng Ninh"),
        ("province", "Tỉnh Quảng Ninh", "UBND tỉnh Quảng Ninh"),
        ("central_city", "Thành phố Hà Nội", "UBND thành phố Hà Nội"),
        ("ward", "Phường Hạ Long", "UBND phường Hạ Long"),
        ("commune", "Xã Quảng Tân", "UBND xã Quảng Tân"),
        ("special_zone", "Đặc khu Cô Tô", "UBND đặc khu Cô Tô"),
        ("department", "Sở Y tế", "Sở Y tế"),
    ],
)
def test_default_authority_name_follows_the_kind(kind: str, name: str, expected: str) -> None:
    assert default_authority_name(kind, name) == expected


@pytest.mark.django_db
def test_load_units_fills_the_authority_of_every_official_unit() -> None:
    call_command("load_units", "--province", "22")
    assert Unit.objects.get(code="22").authority_name == "UBND tỉnh Quảng Ninh"
    assert Unit.objects.get(code="07192").authority_name == "UBND đặc khu Cô Tô"
    assert not Unit.objects.filter(authority_name="").exists()
    assert not Unit.objects.exclude(authority_name__startswith="UBND ").exists()


@pytest.mark.django_db
def test_a_renamed_official_unit_follows_its_new_name() -> None:
    call_command("load_units", "--province", "22")
    Unit.objects.filter(code="07192").update(name="Đặc khu Cũ", authority_name="UBND cũ")
    call_command("load_units", "--province", "22")
    assert Unit.objects.get(code="07192").authority_name == "UBND đặc khu Cô Tô"


def test_a_department_names_its_authority(world: Any) -> None:
    admin = world.province_users["administrator"]
    dept = services.unit_create(
        acting_user=admin,
        parent=world.province,
        code="22-SYT",
        name="Sở Y tế",
        kind="department",
        authority_name="Sở Y tế tỉnh Quảng Ninh",
    )
    assert dept.authority_name == "Sở Y tế tỉnh Quảng Ninh"
    services.unit_set_authority_name(
        acting_user=admin, unit=dept, authority_name="  Sở Y tế   Quảng Ninh "
    )
    dept.refresh_from_db()
    assert dept.authority_name == "Sở Y tế Quảng Ninh"
    event = AuditEvent.objects.filter(action="unit.set_authority_name").get()
    assert event.unit_path == dept.path
    assert event.before == {"authority_name": "Sở Y tế tỉnh Quảng Ninh"}
    # Without a name of its own, a department speaks as itself.
    plain = services.unit_create(
        acting_user=admin, parent=world.province, code="22-SNV", name="Sở Nội vụ", kind="agency"
    )
    assert plain.authority_name == "Sở Nội vụ"


def test_an_administrative_units_authority_is_not_edited_by_hand(world: Any) -> None:
    with pytest.raises(ValidationError):
        services.unit_set_authority_name(
            acting_user=world.province_users["administrator"],
            unit=world.commune_a,
            authority_name="Ban quản lý",
        )
    world.commune_a.refresh_from_db()
    assert world.commune_a.authority_name == "UBND đặc khu Cô Tô"


def test_only_an_administrator_names_a_department(world: Any) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.unit_set_authority_name(
            acting_user=world.province_users["editor"],
            unit=world.department,
            authority_name="Sở khác",
        )


def test_the_migration_fills_existing_rows(db: Any) -> None:
    import importlib

    from django.apps import apps

    unit = make_unit("22", "Quảng Ninh", "province")
    Unit.objects.filter(pk=unit.pk).update(authority_name="")
    migration = importlib.import_module("units.migrations.0003_unit_authority_name")
    migration.fill_authority_names(apps, None)
    unit.refresh_from_db()
    assert unit.authority_name == "UBND tỉnh Quảng Ninh"
