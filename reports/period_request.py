"""The period a report page is asked for, from its query string.

Two ways in, one way out: the text box (``?period=…``, the short code or a Vietnamese form)
and the picker (``?kind=…&year=…``). A picker's choice is answered with a redirect to the
short code, so the URL (bookmarks, links, the downloads, the API) carries one form only.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import get_language

from reports.forms import PeriodForm, PeriodPickerForm
from reports.periods import Period, PeriodError, ensure_begun, parse_period


@dataclass
class PeriodInput:
    period: Period | None
    form: PeriodForm  # the text box
    picker: PeriodPickerForm
    redirect_to: str | None = None  # the canonical URL of a picker's valid choice

    @property
    def query(self) -> str:
        if self.period is None:
            return ""
        return period_query(self.period)


# What else a page's URL says (a drill-down's filters, a table's sort): kept when the period
# changes, so a picker's choice does not drop them.
KEPT = ("channel", "platform", "content_type", "own", "without_reach", "sort")


def period_query(period: Period) -> str:
    return urlencode({"period": period.code, "convention": period.convention})


def kept(request: HttpRequest) -> list[tuple[str, str]]:
    return [(name, request.GET[name]) for name in KEPT if request.GET.get(name)]


def read_period(request: HttpRequest) -> PeriodInput:
    today = timezone.localdate()
    if "kind" in request.GET:
        picker = PeriodPickerForm(request.GET, today=today)
        text = PeriodForm(initial={"convention": request.GET.get("convention") or "calendar"})
        if picker.is_valid() and picker.period is not None:
            url = f"{request.path}?{period_query(picker.period)}"
            if extra := kept(request):
                url += "&" + urlencode(extra)
            return PeriodInput(picker.period, text, picker, redirect_to=url)
        return PeriodInput(None, text, picker)
    data = {
        "period": request.GET.get("period") or str(today.year),
        "convention": request.GET.get("convention") or "calendar",
    }
    form = PeriodForm(data)
    period = None
    if form.is_valid():
        try:
            period = parse_period(form.cleaned_data["period"], form.cleaned_data["convention"])
            ensure_begun(period, today)
        except PeriodError as exc:
            english = (get_language() or "vi").startswith("en")
            form.add_error("period", exc.message_en if english else exc.message_vi)
            period = None
    initial = (
        PeriodPickerForm.initial_for(period)
        if period
        else {"kind": "month", "year": today.year, "month": today.month}
    )
    return PeriodInput(period, form, PeriodPickerForm(initial=initial, today=today))
