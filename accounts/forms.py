from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership
from units.models import Unit


class InviteForm(forms.Form):
    username = forms.CharField(label=_("Tên đăng nhập"), max_length=150)
    full_name = forms.CharField(label=_("Họ và tên"), max_length=150, required=False)
    email = forms.EmailField(label=_("Thư điện tử"))
    unit = forms.ModelChoiceField(label=_("Đơn vị"), queryset=Unit.objects.none())
    role = forms.ChoiceField(label=_("Vai trò"), choices=Membership.Role.choices)

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["unit"].to_field_name = "code"  # type: ignore[attr-defined]
