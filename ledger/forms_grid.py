"""The monthly form as one screen: a unit's month, a row per platform, like a data-entry grid.

A row is one ``MonthlyForm`` (unit × month × platform). The unit's own channels' platforms
come first, named by their channels; a row left blank is not a form. Rows already sent,
approved or locked are shown, not edited: they link to their form.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.permissions import home_unit
from ledger import services
from ledger.models import MonthlyForm
from ledger.refusals import platform_label
from registry.models import Channel
from units.models import Unit

COUNTS = MonthlyForm.COUNT_FIELDS
REPORTING_MONTH_ENDS_AFTER = 14  # Decree 09/2019: reporting month T ends on the 14th of T
NUMBER_ERRORS = {
    "min_value": gettext_lazy("Không được nhỏ hơn %(limit_value)s."),
    "invalid": gettext_lazy("Nhập một số nguyên, ví dụ 12."),
    "max_value": gettext_lazy("Không được lớn hơn %(limit_value)s."),
}


def last_closed_month(today: date | None = None) -> date:
    """The latest reporting month that has ended, the month a form is due for: under
    Decree 09/2019 reporting month T runs from the 15th of T-1 to the 14th of T, so from
    the 15th on it is this month, before it the previous one."""
    today = today or services.local_today()
    first = today.replace(day=1)
    if today.day >= REPORTING_MONTH_ENDS_AFTER + 1:
        return first
    return (
        first.replace(year=first.year - 1, month=12)
        if first.month == 1
        else first.replace(month=first.month - 1)
    )


def default_unit(user: Any, reportable: Any) -> Unit | None:
    """The user's own unit when they may report for it; else the first they may."""
    own = home_unit(user)
    if own is not None and reportable.filter(pk=own.pk).exists():
        return own
    return reportable.order_by("path").first()


def number_field(label: Any, **kwargs: Any) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=10**12,
        required=False,
        error_messages=NUMBER_ERRORS,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": "0"}),
        **kwargs,
    )


class GridRowForm(forms.Form):
    """One platform's row; its prefix is the platform."""

    articles = number_field(gettext_lazy("Tin bài"))
    photos = number_field(gettext_lazy("Ảnh"))
    videos = number_field(gettext_lazy("Video"))
    livestreams = number_field(gettext_lazy("Trực tiếp"))
    others = number_field(gettext_lazy("Khác"))
    reach = number_field(gettext_lazy("Tổng lượt tiếp cận"))
    note = forms.CharField(label=gettext_lazy("Ghi chú"), required=False, max_length=2000)

    def is_blank(self) -> bool:
        data = self.cleaned_data
        return all(data.get(n) is None for n in (*COUNTS, "reach")) and not data.get("note")


@dataclass
class GridRow:
    platform: str
    label: str
    channels: list[str]
    form: GridRowForm | None  # None: the month's form is not a draft (shown, not edited)
    existing: MonthlyForm | None = None
    errors: list[str] = field(default_factory=list)

    @property
    def primary(self) -> bool:
        """Shown first: the unit has a channel there, or a form of the month exists."""
        return bool(self.channels) or self.existing is not None

    @property
    def link(self) -> str:
        return reverse("ledger:form", args=[self.existing.pk]) if self.existing else ""


def build_rows(*, unit: Unit, month: date, data: Any = None) -> list[GridRow]:
    channels = Channel.objects.filter(unit=unit).exclude(status=Channel.Status.RETIRED)
    names: dict[str, list[str]] = {}
    for channel in channels.order_by("platform", "pk"):
        names.setdefault(channel.platform, []).append(channel.display_name or channel.identifier)
    existing = {f.platform: f for f in MonthlyForm.objects.filter(unit=unit, month=month)}
    order = [p for p in Channel.Platform.values if p in names]
    order += [p for p in Channel.Platform.values if p not in names]
    rows = []
    for platform in order:
        form_row = existing.get(platform)
        editable = form_row is None or form_row.is_editable
        form = None
        if editable:
            initial = (
                {n: getattr(form_row, n) for n in (*COUNTS, "reach", "note")} if form_row else {}
            )
            form = GridRowForm(data, prefix=platform, initial=initial)
        rows.append(
            GridRow(platform, platform_label(platform), names.get(platform, []), form, form_row)
        )
    return rows


def duplicate_message(form: MonthlyForm) -> str:
    return _(
        "Đã có báo cáo tháng %(month)s của %(unit)s cho %(platform)s (trạng thái: %(status)s); "
        "mở báo cáo đó để xem hoặc nhờ cấp trên trả lại để sửa."
    ) % {
        "month": f"{form.month:%m/%Y}",
        "unit": form.unit.name,
        "platform": platform_label(form.platform),
        "status": form.get_status_display(),
    }


@transaction.atomic
def monthly_forms_save_month(
    *,
    acting_user: Any,
    unit: Unit,
    month: date,
    rows: dict[str, dict[str, Any]],
    submit: bool = False,
) -> list[MonthlyForm]:
    """Save a unit's month, one draft per platform row (``rows``: platform -> values;
    missing counts are 0, a missing reach is unknown), and send them all when ``submit``.
    A platform whose form was already sent is refused by name, with nothing saved."""
    month = month.replace(day=1)
    taken = MonthlyForm.objects.select_related("unit").filter(
        unit=unit, month=month, platform__in=list(rows)
    )
    for form in taken:
        if not form.is_editable:
            raise ValidationError({form.platform: duplicate_message(form)})
    saved = []
    for platform, values in rows.items():
        form = services.monthly_form_save(
            acting_user=acting_user,
            unit=unit,
            month=month,
            platform=platform,
            **{n: values.get(n) or 0 for n in COUNTS},
            reach=values.get("reach"),
            note=values.get("note") or "",
        )
        saved.append(form)
    if submit:
        drafts = MonthlyForm.objects.filter(
            unit=unit, month=month, status=MonthlyForm.Status.DRAFT
        ).order_by("platform")
        saved = [services.monthly_form_submit(acting_user=acting_user, form=f) for f in drafts]
    return saved
