from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from units.models import Unit


def _acknowledge_field() -> forms.CharField:
    return forms.CharField(
        label=_("Lý do vẫn tiếp tục"),
        max_length=300,
        required=False,
        help_text=_(
            "Kênh này giống kênh đã có (xem bảng so sánh). Chỉ tiếp tục khi chắc đây là kênh "
            "khác, thật của đơn vị, và ghi lý do (ví dụ: đã gọi điện xác nhận với quản trị trang)."
        ),
    )


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

    acknowledge_lookalike = _acknowledge_field()

    def __init__(self, *args: Any, units: Any, lookalikes: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        if not lookalikes and not self.is_bound:
            del self.fields["acknowledge_lookalike"]  # asked for only once one was found


class ChannelVerifyForm(forms.Form):
    method = forms.CharField(
        label=_("Cách xác minh"),
        max_length=300,
        help_text=_("Ví dụ: công văn số 12/UBND ngày 05/01; quản trị trang xác nhận trực tiếp."),
    )
    acknowledge_lookalike = _acknowledge_field()

    def __init__(self, *args: Any, lookalikes: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not lookalikes:
            del self.fields["acknowledge_lookalike"]


class ChannelRetireForm(forms.Form):
    reason = forms.CharField(label=_("Lý do ngừng"), max_length=300, required=False)
