from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from reports.models import ReportNarrative


class PeriodForm(forms.Form):
    period = forms.CharField(
        label=_("Kỳ báo cáo"),
        max_length=32,
        help_text=_(
            "Ví dụ: 2026-07 (tháng), 2026-Q3 (quý), 2026-H1 (6 tháng đầu năm), "
            "2026-9M (9 tháng), 2026 (năm), 2026-01-01:2026-03-31 (khoảng ngày)."
        ),
    )
    convention = forms.ChoiceField(
        label=_("Cách tính kỳ"),
        choices=[
            ("calendar", _("Theo lịch")),
            ("administrative", _("Theo Nghị định 09/2019 (từ ngày 15 tháng trước đến ngày 14)")),
        ],
        initial="calendar",
    )


class NarrativeForm(forms.ModelForm):
    class Meta:
        model = ReportNarrative
        fields = [
            "limitations",
            "directions",
            "recommendations",
            "number",
            "governing_body",
            "issuing_unit",
            "signer_authority",
            "signer_title",
            "signer_name",
            "recipients",
        ]
        widgets = {
            "limitations": forms.Textarea(attrs={"rows": 5}),
            "directions": forms.Textarea(attrs={"rows": 5}),
            "recommendations": forms.Textarea(attrs={"rows": 5}),
            "recipients": forms.Textarea(attrs={"rows": 3}),
            # One line each: "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH".
            "signer_authority": forms.Textarea(attrs={"rows": 2}),
        }
