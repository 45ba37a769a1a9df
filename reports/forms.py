from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from registry.models import Channel
from reports.drilldown import CONTENT_TYPES, Filters
from reports.models import ReportNarrative
from reports.periods import MAX_YEAR, MIN_YEAR, Period, PeriodError, ensure_begun, parse_period
from units.models import Unit
from units.selectors import subtree_q

CONVENTION_CHOICES = [
    ("calendar", _("Theo lịch")),
    ("administrative", _("Theo Nghị định 09/2019 (từ ngày 15 tháng trước đến ngày 14)")),
]


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
        label=_("Cách tính kỳ"), choices=CONVENTION_CHOICES, initial="calendar"
    )


KIND_CHOICES = [
    ("month", _("Tháng")),
    ("quarter", _("Quý")),
    ("half", _("6 tháng")),
    ("nine_months", _("9 tháng đầu năm")),
    ("year", _("Năm")),
    ("range", _("Từ ngày đến ngày")),
]
# Which of the picker's fields each kind reads (the page's script shows only these).
KIND_FIELDS = {
    "month": ("year", "month"),
    "quarter": ("year", "quarter"),
    "half": ("year", "half"),
    "nine_months": ("year",),
    "year": ("year",),
    "range": ("start", "end"),
}


def _date_field(label: Any, invalid: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": invalid},
    )


class PeriodPickerForm(forms.Form):
    """The period as a kind, a year and a number (or two dates), for people who would
    rather not type a code; it becomes the same short code (``code``) the URL and the API
    carry, so a bookmarked report keeps working. Every refusal names its field."""

    kind = forms.ChoiceField(label=_("Loại kỳ"), choices=KIND_CHOICES, initial="month")
    year = forms.IntegerField(
        label=_("Năm"),
        required=False,
        min_value=MIN_YEAR,
        max_value=MAX_YEAR,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "invalid": _("Năm: hãy nhập một số, ví dụ 2026."),
            "min_value": _("Năm: phải từ %(limit_value)s trở đi."),
            "max_value": _("Năm: phải đến %(limit_value)s là cùng."),
        },
    )
    month = forms.TypedChoiceField(
        label=_("Tháng"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[(m, str(m)) for m in range(1, 13)],
        error_messages={"invalid_choice": _("Tháng: hãy chọn từ 1 đến 12.")},
    )
    quarter = forms.TypedChoiceField(
        label=_("Quý"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[(1, "I"), (2, "II"), (3, "III"), (4, "IV")],
        error_messages={"invalid_choice": _("Quý: hãy chọn từ I đến IV.")},
    )
    half = forms.TypedChoiceField(
        label=_("Nửa năm"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[(1, _("6 tháng đầu năm")), (2, _("6 tháng cuối năm"))],
        error_messages={"invalid_choice": _("Nửa năm: hãy chọn đầu năm hoặc cuối năm.")},
    )
    start = _date_field(_("Từ ngày"), _("Từ ngày: ngày không hợp lệ (dd/mm/yyyy)."))
    end = _date_field(_("Đến ngày"), _("Đến ngày: ngày không hợp lệ (dd/mm/yyyy)."))
    convention = forms.ChoiceField(
        label=_("Cách tính kỳ"), choices=CONVENTION_CHOICES, initial="calendar", required=False
    )

    def __init__(self, *args: Any, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        self.period: Period | None = None

    @staticmethod
    def initial_for(period: Period) -> dict[str, Any]:
        """The picker's fields for a period (the page shows the current one chosen)."""
        initial: dict[str, Any] = {"kind": period.kind, "convention": period.convention}
        if period.kind == "range":
            return {**initial, "start": period.start, "end": period.end}
        initial["year"] = period.year
        if period.kind == "month":
            initial["month"] = period.first_month
        elif period.kind == "quarter":
            initial["quarter"] = (period.first_month + 2) // 3
        elif period.kind == "half":
            initial["half"] = 1 if period.first_month == 1 else 2
        return initial

    def _code(self, kind: str, v: dict[str, Any]) -> str:
        if kind == "range":
            return f"{v['start'].isoformat()}:{v['end'].isoformat()}"
        year = v["year"]
        suffix = {
            "month": lambda: f"-{v['month']:02d}",
            "quarter": lambda: f"-Q{v['quarter']}",
            "half": lambda: f"-H{v['half']}",
            "nine_months": lambda: "-9M",
            "year": lambda: "",
        }[kind]()
        return f"{year}{suffix}"

    def clean(self) -> dict[str, Any]:
        v = super().clean() or {}
        kind = v.get("kind")
        if kind is None or self.errors:
            return v
        for name in KIND_FIELDS[kind]:
            if v.get(name) is None:
                self.add_error(
                    name, gettext("%(field)s: chưa nhập.") % {"field": self.fields[name].label}
                )
        if self.errors:
            return v
        if kind == "range" and v["start"] > v["end"]:
            self.add_error("end", gettext("Đến ngày: phải bằng hoặc sau Từ ngày."))
            return v
        try:
            period = parse_period(self._code(kind, v), v.get("convention") or "calendar")
        except PeriodError as exc:  # pragma: no cover - the fields above keep codes valid
            self.add_error(None, str(exc))
            return v
        try:
            ensure_begun(period, self.today)
        except PeriodError:
            field = "start" if kind == "range" else "year"
            self.add_error(
                field,
                gettext("%(field)s: kỳ báo cáo này chưa bắt đầu (bắt đầu từ ngày %(day)s).")
                % {
                    "field": self.fields[field].label,
                    "day": period.start.strftime("%d/%m/%Y"),
                },
            )
            return v
        self.period = period
        return v


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


class _ChannelChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        name = obj.display_name or obj.identifier
        return f"{name} ({obj.get_platform_display()}, {obj.unit.name})"


class DrillFilterForm(forms.Form):
    """The drill-down's filters; the channel must be one of the unit's subtree."""

    channel = _ChannelChoice(
        label=_("Kênh"),
        queryset=Channel.objects.none(),
        required=False,
        empty_label=_("Tất cả các kênh"),
        error_messages={"invalid_choice": _("Kênh: không phải một kênh của đơn vị này.")},
    )
    platform = forms.ChoiceField(
        label=_("Nền tảng"),
        required=False,
        choices=[("", _("Tất cả các nền tảng")), *Channel.Platform.choices],
        error_messages={"invalid_choice": _("Nền tảng: không có trong danh sách.")},
    )
    content_type = forms.ChoiceField(
        label=_("Loại nội dung"),
        required=False,
        choices=[("", _("Tất cả các loại")), *CONTENT_TYPES],
        error_messages={"invalid_choice": _("Loại nội dung: không có trong danh sách.")},
    )
    own = forms.BooleanField(
        label=_("Chỉ các kênh của chính đơn vị (không gồm đơn vị trực thuộc)"), required=False
    )
    without_reach = forms.BooleanField(
        label=_("Chỉ bài không có số liệu lượt tiếp cận"), required=False
    )

    def __init__(self, *args: Any, unit: Unit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["channel"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = (
            Channel.objects.filter(subtree_q(unit))
            .select_related("unit")
            .order_by("unit__path", "platform", "identifier")
        )

    def filters(self) -> Filters:
        v = self.cleaned_data
        return Filters(
            own=bool(v.get("own")),
            channel=v.get("channel"),
            platform=v.get("platform") or "",
            content_type=v.get("content_type") or "",
            without_reach=bool(v.get("without_reach")),
        )
