from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from units.models import Unit


class ChannelRegisterForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=_("Đơn vị"),
        queryset=Unit.objects.none(),
        to_field_name="code",
        help_text=_("Đơn vị sở hữu kênh (trong phạm vi của bạn)."),
    )
    url = forms.CharField(
        label=_("Địa chỉ kênh"),
        max_length=2000,
        help_text=_(
            "Dán đường dẫn trang: Facebook, Zalo OA, YouTube, TikTok, Instagram hoặc trang web."
        ),
        widget=forms.TextInput(attrs={"inputmode": "url", "autocomplete": "off"}),
    )
    display_name = forms.CharField(
        label=_("Tên hiển thị"),
        max_length=200,
        required=False,
        help_text=_("Tên trang như trên nền tảng, ví dụ “UBND xã Minh Châu”."),
    )

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]


class ChannelVerifyForm(forms.Form):
    method = forms.CharField(
        label=_("Cách xác minh"),
        max_length=300,
        help_text=_("Ví dụ: công văn số 12/UBND ngày 05/01; quản trị trang xác nhận trực tiếp."),
    )


class ChannelRetireForm(forms.Form):
    reason = forms.CharField(label=_("Lý do ngừng"), max_length=300, required=False)
