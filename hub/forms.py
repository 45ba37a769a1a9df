from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from hub.files import MAX_FILES
from hub.models import Item
from units.models import Unit


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*,application/pdf"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        if isinstance(data, list | tuple):
            return [d for d in data if d]
        return [data] if data else []


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class ItemForm(forms.Form):
    issuing_unit = forms.ModelChoiceField(
        queryset=Unit.objects.none(), label=_("Đơn vị phát hành"), to_field_name="code"
    )
    kind = forms.ChoiceField(label=_("Loại nội dung"), choices=Item.Kind.choices)
    title = forms.CharField(label=_("Tiêu đề"), max_length=200)
    summary = forms.CharField(
        label=_("Tóm tắt"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Một hai câu; dùng cho bản ngắn và khi chia sẻ liên kết."),
    )
    body = forms.CharField(
        label=_("Nội dung"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_(
            "Viết bằng Markdown: **đậm**, *nghiêng*, danh sách bắt đầu bằng dấu -, "
            "liên kết [chữ](https://...)."
        ),
    )
    tags = forms.CharField(
        label=_("Chủ đề"),
        required=False,
        help_text=_("Cách nhau bởi dấu phẩy, ví dụ: chuyển đổi số, thuế."),
    )
    audience = forms.ChoiceField(
        label=_("Gửi tới"),
        choices=Item.Audience.choices,
        widget=forms.RadioSelect,
        initial=Item.Audience.SUBTREE,
    )
    audience_units = forms.ModelMultipleChoiceField(
        queryset=Unit.objects.none(),
        label=_("Đơn vị trực thuộc được chọn"),
        required=False,
        to_field_name="code",
        widget=forms.CheckboxSelectMultiple,
    )
    publish_start = forms.DateTimeField(
        label=_("Đăng từ"),
        widget=DateTimeLocalInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"],
    )
    publish_end = forms.DateTimeField(
        label=_("Đăng đến"),
        required=False,
        widget=DateTimeLocalInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"],
        help_text=_("Để trống nếu không có hạn."),
    )
    attachments = MultipleFileField(
        label=_("Ảnh và tệp PDF"),
        required=False,
        # Formatted when shown, not at import, so it follows the reader's language.
        help_text=lazy(
            lambda: (
                _(
                    "Tối đa %(n)s tệp. Ảnh được thu về cạnh dài 1600 px và xóa thông tin ẩn (vị trí, "
                    "máy chụp)."
                )
                % {"n": MAX_FILES}
            ),
            str,
        )(),
    )

    def __init__(
        self,
        *args: Any,
        issuing_units: Any,
        audience_units: Any,
        editing: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["issuing_unit"].queryset = issuing_units  # type: ignore[attr-defined]
        self.fields["audience_units"].queryset = audience_units  # type: ignore[attr-defined]
        if editing:
            self.fields["issuing_unit"].disabled = True
            self.fields["issuing_unit"].required = False
        if not self.is_bound and "publish_start" not in self.initial:
            self.initial["publish_start"] = timezone.localtime().replace(second=0, microsecond=0)


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("Lý do đưa về nháp"), max_length=300, required=False)


class RepublicationForm(forms.Form):
    url = forms.CharField(
        label=_("Địa chỉ bài đã đăng"),
        max_length=2000,
        widget=forms.URLInput(
            attrs={"placeholder": "https://www.facebook.com/...", "inputmode": "url"}
        ),
        help_text=_("Dán địa chỉ của bài trên một kênh chính thức đã đăng ký của đơn vị."),
    )
    published_at = forms.DateTimeField(
        label=_("Đăng lúc"),
        required=False,
        widget=DateTimeLocalInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"],
        help_text=_("Để trống nếu vừa đăng."),
    )
