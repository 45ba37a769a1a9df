from django import forms
from django.utils.translation import gettext_lazy as _

from units.models import Unit

CHILD_KINDS = [
    (k, label)
    for k, label in Unit.Kind.choices
    if k not in Unit.PROVINCE_KINDS and k not in Unit.COMMUNE_KINDS
]


class UnitCreateForm(forms.Form):
    code = forms.CharField(
        label=_("Mã đơn vị"),
        max_length=40,
        help_text=_("Mã riêng, ví dụ 22-SVHTT (chữ không dấu, số, dấu gạch)."),
    )
    name = forms.CharField(label=_("Tên đơn vị"), max_length=200)
    kind = forms.ChoiceField(label=_("Loại"), choices=CHILD_KINDS)
    authority_name = forms.CharField(
        label=_("Tên cơ quan khi công bố"),
        max_length=255,
        required=False,
        help_text=_(
            "Ví dụ “Sở Văn hóa, Thể thao và Du lịch tỉnh Quảng Ninh”. Để trống: dùng tên đơn vị."
        ),
    )
