"""The demo generator's steps. Each feature app appends a step to ``STEPS``.

Every step writes only through services, uses ``ctx.rng`` for every random choice (so a
seed gives the same data), and is safe to run on a database it has already seeded.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

DEFAULT_PROVINCE = "22"  # Quảng Ninh: its communes, wards and the special zones Cô Tô, Vân Đồn

DEMO_USERS = [
    # username, role, where (None = the province), password
    ("quantri", "administrator", None, "Bantin-quantri-2026"),
    ("bientap", "editor", None, "Bantin-bientap-2026"),
    ("baocao", "reporter", "07192", "Bantin-baocao-2026"),
    ("xem", "viewer", None, "Bantin-xem-2026"),
]

DEPARTMENTS = [
    ("VPUBND", "Văn phòng Ủy ban nhân dân tỉnh", "agency"),
    ("SVHTTDL", "Sở Văn hóa, Thể thao và Du lịch", "department"),
    ("SKHCN", "Sở Khoa học và Công nghệ", "department"),
    ("SNV", "Sở Nội vụ", "department"),
    ("STC", "Sở Tài chính", "department"),
    ("SYT", "Sở Y tế", "department"),
    ("SGDDT", "Sở Giáo dục và Đào tạo", "department"),
    ("SNNMT", "Sở Nông nghiệp và Môi trường", "department"),
    ("SXD", "Sở Xây dựng", "department"),
    ("SCT", "Sở Công Thương", "department"),
    ("STP", "Sở Tư pháp", "department"),
    ("TTTT", "Trung tâm Truyền thông tỉnh", "agency"),
    ("MTTQ", "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh", "organisation"),
]


@dataclass
class DemoContext:
    province_code: str
    months: int
    scale: str
    rng: random.Random
    log: Callable[[str], Any] = print
    summary: dict[str, Any] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)  # shared between steps


def step_units(ctx: DemoContext) -> None:
    from units import services
    from units.models import Unit
    from units.selectors import normalise_code

    codes = None if ctx.scale == "country" else [ctx.province_code]
    stats = services.units_load_official(province_codes=codes)
    province = Unit.objects.get(code=normalise_code(ctx.province_code))
    operator = _operator()
    created = 0
    for suffix, name, kind in DEPARTMENTS:
        code = f"{province.code}-{suffix}"
        if not Unit.objects.filter(code=code).exists():
            services.unit_create(
                acting_user=operator, parent=province, code=code, name=name, kind=kind
            )
            created += 1
    ctx.data["province"] = province
    ctx.summary["units"] = Unit.objects.count()
    ctx.summary["communes_loaded"] = stats.communes
    ctx.summary["departments_created"] = created


def step_users(ctx: DemoContext) -> None:
    from accounts import services
    from units.models import Unit

    province = ctx.data["province"]
    User = get_user_model()
    lines = []
    for username, role, where, password in DEMO_USERS:
        unit = province if where is None else Unit.objects.filter(code=where).first() or province
        if not User.objects.filter(username=username).exists():
            services.user_create(username=username, unit=unit, role=role, password=password)
        lines.append(f"{username} / {password} ({role}, {unit.name})")
    ctx.summary["users"] = lines


def _operator() -> Any:
    """The demo's installation operator: a superuser that acts through the services."""
    User = get_user_model()
    user, _created = User.objects.get_or_create(
        username="demo-operator", defaults={"is_superuser": True, "is_staff": True}
    )
    if _created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


STEPS: list[Callable[[DemoContext], None]] = [step_units, step_users]


def run(ctx: DemoContext) -> dict[str, Any]:
    for step in STEPS:
        ctx.log(f"seed_demo: {step.__name__}")
        with transaction.atomic():
            step(ctx)
    return ctx.summary
