"""The signed-in menu, ordered by what each role does most: on a phone only the first few
links fit on one line, so a reporter's first is "Nhập số liệu", an editor's the hub and
fact-checks, an administrator's the registry (verification) and the forms to approve.
A feature app adds its link to ``LINKS`` and places it in each role's ``ORDER``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from core.permissions import Role, membership_of

# Links on the menu's first line, the rest under "Thêm": as many as fit at 360 px with the
# role's labels in Vietnamese and in English (core/tests/test_e2e_home.py measures it).
SHOWN_FIRST = {Role.ADMINISTRATOR: 2, Role.EDITOR: 2, Role.REPORTER: 3, Role.VIEWER: 2}


@dataclass(frozen=True)
class NavLink:
    url_name: str
    label: Promise | str
    min_role: str = Role.VIEWER


LINKS = {
    "ledger": NavLink("ledger:index", _("Nhập số liệu")),
    "reports": NavLink("reports:home", _("Báo cáo")),
    "registry": NavLink("registry:list", _("Kênh chính thức")),
    "hub": NavLink("hub:home", _("Kho nội dung")),
    "factchecks": NavLink("factchecks:list", _("Kiểm chứng thông tin")),
    "users": NavLink("accounts:users", _("Người dùng"), Role.ADMINISTRATOR),
    "connectors": NavLink("connectors:list", _("Kết nối kênh")),
    "security": NavLink("security:home", _("Bảo mật")),
}
ORDER = {
    Role.ADMINISTRATOR: (
        "registry",
        "users",
        "ledger",
        "reports",
        "hub",
        "factchecks",
        "connectors",
        "security",
    ),
    Role.EDITOR: ("hub", "factchecks", "registry", "ledger", "reports", "connectors", "security"),
    Role.REPORTER: ("ledger", "reports", "hub", "registry", "factchecks", "connectors", "security"),
    Role.VIEWER: ("reports", "registry", "hub", "factchecks", "ledger", "connectors", "security"),
}


@dataclass(frozen=True)
class MenuItem:
    url: str
    label: str


def menu_for(user: Any) -> tuple[list[MenuItem], list[MenuItem]]:
    """The links shown first and those under "Thêm", for the user's role."""
    membership = membership_of(user)
    role = str(membership.role) if membership else Role.VIEWER
    if getattr(user, "is_superuser", False) and membership is None:
        role = Role.ADMINISTRATOR
    items = [
        MenuItem(reverse(LINKS[key].url_name), str(LINKS[key].label))
        for key in ORDER[role]
        if Role.RANK[role] >= Role.RANK[LINKS[key].min_role]
    ]
    return items[: SHOWN_FIRST[role]], items[SHOWN_FIRST[role] :]
