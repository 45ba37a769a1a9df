from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from core.labels import action_label
from units.models import Unit


class TokenForm(forms.Form):
    otp_token = forms.CharField(
        label=_("Mã xác thực"),
        max_length=32,
        help_text=_("6 chữ số trong ứng dụng xác thực, hoặc một mã dự phòng."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}
        ),
    )


class SetupForm(forms.Form):
    otp_token = forms.CharField(
        label=_("Mã 6 chữ số trong ứng dụng"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class AuditFilterForm(forms.Form):
    unit = forms.ChoiceField(label=_("Đơn vị"), required=False)
    action = forms.ChoiceField(label=_("Hành động"), required=False)
    actor = forms.CharField(label=_("Người thực hiện (tên đăng nhập)"), required=False)
    text = forms.CharField(label=_("Đối tượng chứa"), required=False)
    date_from = forms.DateField(
        label=_("Từ ngày"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("Đến ngày"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, units: QuerySet[Unit], actions: list[str], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.units = units
        unit_field = self.fields["unit"]
        action_field = self.fields["action"]
        assert isinstance(unit_field, forms.ChoiceField)
        assert isinstance(action_field, forms.ChoiceField)
        unit_field.choices = [("", _("Cả cây đơn vị"))] + [
            (u.code, f"{u.name} ({u.code})") for u in units.order_by("path")
        ]
        labelled = sorted(((a, action_label(a)) for a in actions), key=lambda c: c[1])
        action_field.choices = [("", str(_("Mọi hành động"))), *labelled]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("Ngày kết thúc phải sau ngày bắt đầu."))
        return data

    def unit_obj(self) -> Unit | None:
        code = self.cleaned_data.get("unit")
        return self.units.filter(code=code).first() if code else None
