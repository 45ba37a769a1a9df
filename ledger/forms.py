from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ledger.selectors import channels_importable_by, units_reportable_by
from registry.models import Channel


class ChannelChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.unit.name} — {obj}"


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("File số liệu"),
        help_text=_(
            "File xuất từ Meta Business Suite, YouTube Studio (zip hoặc Table data.csv), "
            "TikTok Studio (Content.csv), hoặc mẫu nhập liệu Bantin (.xlsx, .csv)."
        ),
    )
    channel = ChannelChoiceField(
        label=_("Kênh"),
        queryset=Channel.objects.none(),
        required=False,
        empty_label=_("Tự nhận từ tệp (mã trang Facebook, tài khoản TikTok)"),
        help_text=_("Bắt buộc với file YouTube và mẫu Bantin không ghi kênh."),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["channel"].queryset = channels_importable_by(user)  # type: ignore[attr-defined]


class MonthField(forms.DateField):
    """A month as ``YYYY-MM`` (the browser's month picker) or ``mm/yyyy``."""

    widget = forms.DateInput(attrs={"type": "month"})

    def to_python(self, value: Any) -> date | None:
        if value in self.empty_values:
            return None
        if isinstance(value, date):
            return value.replace(day=1)
        text = str(value).strip()
        for sep, order in (("-", "ym"), ("/", "my")):
            parts = text.split(sep)
            if len(parts) == 2 and all(p.isdigit() for p in parts):
                y, m = (parts[0], parts[1]) if order == "ym" else (parts[1], parts[0])
                try:
                    return date(int(y), int(m), 1)
                except ValueError:
                    break
        raise ValidationError(_("Nhập tháng dạng YYYY-MM, ví dụ 2026-03."), code="invalid")

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, date):
            return f"{value:%Y-%m}"
        return value


NUMBER_ERRORS = {
    "min_value": _("Không được nhỏ hơn %(limit_value)s."),
    "invalid": _("Nhập một số nguyên, ví dụ 12."),
}


class MonthlyFormForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Đơn vị"), queryset=Channel.objects.none())
    month = MonthField(label=_("Tháng"))
    platform = forms.ChoiceField(label=_("Nền tảng"), choices=Channel.Platform.choices)
    articles = forms.IntegerField(
        label=_("Tin bài"), min_value=0, initial=0, error_messages=NUMBER_ERRORS
    )
    photos = forms.IntegerField(
        label=_("Ảnh"), min_value=0, initial=0, error_messages=NUMBER_ERRORS
    )
    videos = forms.IntegerField(
        label=_("Video"), min_value=0, initial=0, error_messages=NUMBER_ERRORS
    )
    livestreams = forms.IntegerField(
        label=_("Trực tiếp"), min_value=0, initial=0, error_messages=NUMBER_ERRORS
    )
    others = forms.IntegerField(
        label=_("Khác"), min_value=0, initial=0, error_messages=NUMBER_ERRORS
    )
    reach = forms.IntegerField(
        label=_("Tổng lượt tiếp cận"),
        min_value=0,
        required=False,
        error_messages=NUMBER_ERRORS,
        help_text=_("Để trống nếu không có số liệu (khác với 0)."),
    )
    note = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea)

    def __init__(self, *args: Any, user: Any, fixed: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units_reportable_by(user)  # type: ignore[attr-defined]
        if fixed:
            for name in ("unit", "month", "platform"):
                self.fields[name].disabled = True
