"""What needs me now: the home page's task lists, one section per role the user holds.

Roles nest (administrator ⊃ editor ⊃ reporter ⊃ viewer), so an administrator sees the
administrator's, editor's, reporter's and viewer's sections, in that order. Nothing here
decides who may see what: every list comes from its own app's scoping selector, asked with
the user, so the home page can never show more than the pages it links to.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from django.db.models import Count
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from core.permissions import Role, has_role, membership_of
from units.models import Unit

LIST_LIMIT = 5  # rows per list on a phone; each list links to its full page
RECENT_DAYS = 45  # imports older than this are no longer "to correct"

# A channel's state for the reporting month, best first.
IMPORTED = "imported"
APPROVED = "approved"
SENT = "sent"
RETURNED = "returned"
DRAFT = "draft"
MISSING = "missing"
STATE_LABELS = {
    APPROVED: gettext_lazy("Báo cáo tháng đã được duyệt"),
    SENT: gettext_lazy("Đã gửi báo cáo tháng, chờ duyệt"),
    RETURNED: gettext_lazy("Báo cáo tháng bị trả lại để sửa"),
    DRAFT: gettext_lazy("Báo cáo tháng còn là bản nháp"),
    MISSING: gettext_lazy("Chưa có số liệu"),
}
STATE_TONES = {
    IMPORTED: "ok",
    APPROVED: "ok",
    SENT: "",
    RETURNED: "warn",
    DRAFT: "warn",
    MISSING: "danger",
}


@dataclass(frozen=True)
class ReportingMonth:
    """Reporting month T of Decree 09/2019: from the 15th of T-1 to the 14th of T."""

    month: date  # the first day of T
    start: date
    end: date
    deadline: date
    deadline_day: int
    deadline_set_by: Unit | None  # None: nobody set it, the default day applies
    today: date

    @property
    def label(self) -> str:
        return f"T{self.month.month}/{self.month.year}"

    @property
    def overdue(self) -> bool:
        return self.today > self.deadline

    @property
    def period_code(self) -> str:
        return f"{self.month:%Y-%m}"


@dataclass
class ChannelState:
    """A channel of the unit (or, ``channel`` None, a platform it has no channel on but
    sent a monthly form for) and its state for the reporting month."""

    channel: Any
    state: str
    posts: int = 0
    form: Any = None

    @property
    def name(self) -> str:
        if self.channel is not None:
            return str(self.channel)
        return _("%(platform)s (báo cáo tháng)") % {"platform": self.form.get_platform_display()}

    @property
    def label(self) -> str:
        if self.state == IMPORTED:
            return ngettext(
                "Đã nhập file: %(count)s bài", "Đã nhập file: %(count)s bài", self.posts
            ) % {"count": number_format(self.posts, force_grouping=True)}
        return str(STATE_LABELS[self.state])

    @property
    def tone(self) -> str:
        """The badge's colour: done (ok), under way (none), needs the reporter (warn, or
        danger when nothing came at all)."""
        return STATE_TONES[self.state]


@dataclass
class ReporterTasks:
    unit: Unit
    month: ReportingMonth
    channels: list[ChannelState]
    returned_forms: list[Any]
    imports_to_fix: list[Any]
    figures: dict[str, Any]
    form_url: str
    upload_url: str

    @property
    def missing(self) -> int:
        return sum(1 for c in self.channels if c.state == MISSING)

    @property
    def counted(self) -> bool:
        return bool(self.figures["posts"] or self.figures["reach"])


@dataclass
class EditorTasks:
    confirmations: list[Any]
    confirmations_count: int
    republish: list[Any]
    republish_unit: Unit
    factchecks: list[Any]

    @property
    def empty(self) -> bool:
        return not (self.confirmations or self.republish or self.factchecks)


@dataclass
class AdminTasks:
    channels: list[Any]
    channels_count: int
    forms: list[Any]
    forms_count: int
    locked_users: list[dict[str, Any]]

    @property
    def empty(self) -> bool:
        return not (self.channels or self.forms or self.locked_users)


@dataclass
class ViewerTasks:
    unit: Unit
    month: ReportingMonth
    report_url: str
    figures: dict[str, Any]
    children_count: int
    not_reported: list[Unit]


@dataclass
class Home:
    unit: Unit
    role: str
    admin: AdminTasks | None = None
    editor: EditorTasks | None = None
    notices: list[Any] = field(default_factory=list)
    reporter: ReporterTasks | None = None
    viewer: ViewerTasks | None = None


def local_today() -> date:
    from ledger.ingest.plan import local_today as today

    return today()


def reporting_month(unit: Unit, today: date) -> ReportingMonth:
    """The reporting month now due: the last one that has ended (its form's default month
    too), with the deadline the unit's province set (``ReportingDeadline``, else the 20th)."""
    from ledger.forms_grid import last_closed_month
    from reports.selectors import (
        deadline_day,
        deadline_set_by,
        month_deadline,
        reporting_month_dates,
    )

    month = last_closed_month(today)
    start, end = reporting_month_dates(month)
    day = deadline_day(unit)
    return ReportingMonth(
        month=month,
        start=start,
        end=end,
        deadline=month_deadline(month, "administrative", day),
        deadline_day=day,
        deadline_set_by=deadline_set_by(unit),
        today=today,
    )


def _figures(unit: Unit, month: ReportingMonth) -> dict[str, Any]:
    from reports.periods import parse_period
    from reports.selectors import month_figures

    return month_figures(unit, parse_period(month.period_code, "administrative"))


def _window(month: ReportingMonth) -> tuple[datetime, datetime]:
    from datetime import timedelta

    from reports.formatting import VN_TZ

    start = datetime.combine(month.start, time.min, tzinfo=VN_TZ)
    end = datetime.combine(month.end + timedelta(days=1), time.min, tzinfo=VN_TZ)
    return start, end


def _form_state(form: Any) -> str:
    from ledger.models import MonthlyForm

    if form.status in (MonthlyForm.Status.APPROVED, MonthlyForm.Status.LOCKED):
        return APPROVED
    if form.status == MonthlyForm.Status.SUBMITTED:
        return SENT
    # A draft that was sent before came back from the approver to be corrected.
    return RETURNED if form.submitted_at else DRAFT


def reporter_tasks(
    user: Any, unit: Unit, month: ReportingMonth, figures: dict[str, Any]
) -> ReporterTasks:
    """The unit's own channels and their state for the reporting month, what came back to
    be corrected, and the month's counted figures."""
    from datetime import timedelta

    from django.db.models import Q

    from ledger import selectors as ledger
    from ledger.models import ImportBatch, MonthlyForm

    channels = list(
        ledger.channels_importable_by(user).filter(unit=unit).order_by("platform", "pk")
    )
    start, end = _window(month)
    posts = dict(
        ledger.posts_visible_to(user)
        .filter(channel__in=channels, published_at__gte=start, published_at__lt=end)
        .values("channel")
        .annotate(n=Count("id"))
        .values_list("channel", "n")
    )
    forms = {
        f.platform: f for f in ledger.forms_visible_to(user).filter(unit=unit, month=month.month)
    }
    states = []
    for channel in channels:
        form = forms.get(channel.platform)
        if posts.get(channel.pk):
            states.append(ChannelState(channel, IMPORTED, posts[channel.pk], form))
        elif form is not None:
            states.append(ChannelState(channel, _form_state(form), 0, form))
        else:
            states.append(ChannelState(channel, MISSING))
    covered = {c.platform for c in channels}
    for platform, form in sorted(forms.items()):
        if platform not in covered:
            states.append(ChannelState(None, _form_state(form), 0, form))
    returned = list(
        ledger.forms_visible_to(user)
        .filter(unit=unit, status=MonthlyForm.Status.DRAFT, submitted_at__isnull=False)
        .order_by("-month", "platform")[:LIST_LIMIT]
    )
    since = datetime.combine(
        month.today - timedelta(days=RECENT_DAYS), time.min, tzinfo=start.tzinfo
    )
    to_fix = list(
        ledger.batches_visible_to(user)
        .filter(unit=unit, created_at__gte=since)
        .filter(
            Q(status=ImportBatch.Status.DONE, rejected__gt=0)
            | Q(status=ImportBatch.Status.REFUSED)
            | Q(status=ImportBatch.Status.NEEDS_CHANNEL, confirm_requested_at__isnull=True)
        )
        .order_by("-created_at", "-pk")[:LIST_LIMIT]
    )
    query = urlencode({"unit": str(unit.pk), "month": month.period_code})
    return ReporterTasks(
        unit=unit,
        month=month,
        channels=states,
        returned_forms=returned,
        imports_to_fix=to_fix,
        figures=figures,
        form_url=f"{reverse('ledger:form_new')}?{query}",
        upload_url=reverse("ledger:index"),
    )


def editor_tasks(user: Any, unit: Unit) -> EditorTasks:
    from factchecks.models import FactCheck
    from factchecks.selectors import factchecks_in_scope
    from hub.selectors import items_for_unit
    from ledger.selectors import pending_page_confirmations_for

    confirmations = pending_page_confirmations_for(user)
    # The second editor may be anyone but its author and its last editor (the two-person
    # rule of factchecks.services.factcheck_publish).
    reviews = (
        factchecks_in_scope(user)
        .filter(status=FactCheck.Status.IN_REVIEW)
        .exclude(author=user)
        .exclude(last_editor=user)
        .order_by("submitted_at", "pk")
    )
    # ``done`` is items_for_unit's annotation (the unit recorded a republication).
    to_republish = items_for_unit(unit, live_only=True).filter(done=False)  # type: ignore[misc]
    return EditorTasks(
        confirmations=list(confirmations[:LIST_LIMIT]),
        confirmations_count=confirmations.count(),
        republish=list(to_republish[:LIST_LIMIT]),
        republish_unit=unit,
        factchecks=list(reviews[:LIST_LIMIT]),
    )


def admin_tasks(user: Any) -> AdminTasks:
    from ledger.approvals import forms_awaiting_approval_by
    from registry.models import Channel
    from registry.selectors import channels_visible_to
    from security.selectors import login_failures_visible_to

    pending = channels_visible_to(user).filter(status=Channel.Status.PENDING).order_by("pk")
    forms = forms_awaiting_approval_by(user)
    return AdminTasks(
        channels=list(pending[:LIST_LIMIT]),
        channels_count=pending.count(),
        forms=list(forms[:LIST_LIMIT]),
        forms_count=forms.count(),
        locked_users=[r for r in login_failures_visible_to(user) if r["locked"]][:LIST_LIMIT],
    )


def viewer_tasks(unit: Unit, month: ReportingMonth, figures: dict[str, Any]) -> ViewerTasks:
    from reports.selectors import children_not_reported

    query = urlencode({"period": month.period_code, "convention": "administrative"})
    return ViewerTasks(
        unit=unit,
        month=month,
        report_url=f"{reverse('reports:report', args=[unit.code])}?{query}",
        figures=figures,
        children_count=Unit.objects.filter(parent=unit).count(),
        not_reported=children_not_reported(unit, month.month),
    )


def home_for(user: Any, *, today: date | None = None) -> Home | None:
    """Every section the user's role opens, or None for a user without a unit."""
    from connectors.selectors import notices_for

    membership = membership_of(user)
    if membership is None:
        return None
    unit = membership.unit
    today = today or local_today()
    home = Home(unit=unit, role=str(membership.role))
    if has_role(user, unit, Role.ADMINISTRATOR):
        home.admin = admin_tasks(user)
    if has_role(user, unit, Role.EDITOR):
        home.editor = editor_tasks(user, unit)
        home.notices = notices_for(user)
    month = reporting_month(unit, today)
    figures = _figures(unit, month)
    if has_role(user, unit, Role.REPORTER):
        home.reporter = reporter_tasks(user, unit, month, figures)
    home.viewer = viewer_tasks(unit, month, figures)
    return home
