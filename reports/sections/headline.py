"""Số liệu chính: the headline figures, compared with the same period a year earlier."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from reports.formatting import format_change_vi, format_date_vi, format_number_vi, percent_change
from reports.model import ReportData
from reports.sections.base import CHANGE, COUNT, TEXT, Column, Section


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    now: int | None
    before: int | None

    @property
    def change(self) -> float | None:
        change = percent_change(self.now, self.before)
        return None if change is None else change / 100


def metrics(data: ReportData) -> list[Metric]:
    t, p, h = data.headline.totals, data.headline.previous, data.headline
    return [
        Metric("posts", _("Số bài viết"), t.posts, p.posts if p else None),
        Metric(
            "reach", _("Lượt tiếp cận (tổng của các bài viết)"), t.reach, p.reach if p else None
        ),
        Metric("views", _("Lượt xem"), t.views, p.views if p else None),
        Metric("engagements", _("Lượt tương tác"), t.engagements, p.engagements if p else None),
        Metric(
            "posts_without_reach",
            _("Bài không có số liệu tiếp cận"),
            t.posts_without_reach,
            p.posts_without_reach if p else None,
        ),
        Metric("active_channels", _("Số kênh có đăng bài"), h.active_channels, None),
    ]


def _href(m: Metric) -> str | None:
    """Each headline figure links to what it sums: the posts (and monthly-form rows), or
    the channels (relative to the report page, which adds the period)."""
    if m.key == "active_channels":
        return "channels/"
    return "posts/?without_reach=1" if m.key == "posts_without_reach" else "posts/"


def _period_label(code: str, convention: str) -> str:
    """The period in the reader's language (the report's data keeps the Vietnamese label)."""
    from django.utils.translation import get_language

    from reports.periods import parse_period

    if not code or (get_language() or "vi").startswith("vi"):
        return ""
    try:
        return parse_period(code, convention).label_en()
    except ValueError:
        return ""


def paragraphs(data: ReportData) -> list[str]:
    period, totals = data.period, data.headline.totals
    label = _period_label(period.code, period.convention) or period.label or _("kỳ báo cáo")
    dates = ""
    if period.start and period.end:
        dates = _("từ ngày %(start)s đến ngày %(end)s") % {
            "start": format_date_vi(period.start),
            "end": format_date_vi(period.end),
        }
        if period.convention == "administrative":
            dates += _(", theo kỳ báo cáo thống kê quy định tại Nghị định số 09/2019/NĐ-CP")
    who = data.unit.authority_name or data.unit.name or _("đơn vị")
    if data.children:
        who = _("%(unit)s và các đơn vị cấp dưới") % {"unit": who}
    sentence = _(
        "Trong %(period)s%(dates)s, các kênh thông tin chính thức của %(who)s đã đăng tải "
        "%(posts)s bài viết"
    ) % {
        "period": label,
        "dates": f" ({dates})" if dates else "",
        "who": who,
        "posts": format_number_vi(totals.posts),
    }
    if data.headline.active_channels is not None:
        sentence += _(" trên %(n)s kênh có đăng bài") % {
            "n": format_number_vi(data.headline.active_channels)
        }
    sentence += _("; đạt tổng cộng %(reach)s lượt tiếp cận (tổng của các bài viết)") % {
        "reach": format_number_vi(totals.reach or 0)
    }
    extras = []
    if totals.views is not None:
        extras.append(_("%(n)s lượt xem") % {"n": format_number_vi(totals.views)})
    extras.append(_("%(n)s lượt tương tác") % {"n": format_number_vi(totals.engagements)})
    sentence += ", " + _(" và ").join(extras) + "."
    out = [sentence, comparison(data)]
    if period.as_of:
        out.insert(
            0,
            _("Kỳ báo cáo chưa kết thúc: số liệu tính đến hết ngày %(day)s.")
            % {"day": format_date_vi(period.as_of)},
        )
    return out


def comparison(data: ReportData) -> str:
    previous = data.headline.previous
    if previous is None:
        return _("Chưa có số liệu cùng kỳ năm trước để so sánh.")
    parts = []
    for m in metrics(data)[:4]:
        if m.now is None or m.before is None:
            continue
        change = percent_change(m.now, m.before)
        name = m.label.split(" (")[0].lower()
        if change is None:
            parts.append(
                _("%(name)s chưa so sánh được (cùng kỳ năm trước bằng 0)") % {"name": name}
            )
        elif round(change, 1) == 0:
            parts.append(
                _("%(name)s tương đương (%(before)s)")
                % {"name": name, "before": format_number_vi(m.before)}
            )
        else:
            parts.append(
                (
                    _("%(name)s tăng %(change)s (cùng kỳ: %(before)s)")
                    if change > 0
                    else _("%(name)s giảm %(change)s (cùng kỳ: %(before)s)")
                )
                % {
                    "name": name,
                    "change": format_change_vi(abs(change)).lstrip("+"),
                    "before": format_number_vi(m.before),
                }
            )
    if not parts:
        return _("Chưa có số liệu cùng kỳ năm trước để so sánh.")
    return _("So với cùng kỳ năm trước, %(parts)s.") % {"parts": "; ".join(parts)}


def footnote(data: ReportData) -> str:
    h = data.headline
    if h.previous_start and h.previous_end:
        return _("Cùng kỳ năm trước: từ %(start)s đến %(end)s.") % {
            "start": format_date_vi(h.previous_start),
            "end": format_date_vi(h.previous_end),
        }
    return ""


SECTION = Section(
    key="headline",
    title=_l("Số liệu chính"),
    sheet="Tổng hợp",
    table_title=_l("Số liệu chính so với cùng kỳ năm trước"),
    columns=(
        Column("metric", _l("Chỉ tiêu"), TEXT, lambda m: m.label, docx_cm=7.0, xlsx_chars=40),
        Column(
            "now",
            _l("Kỳ báo cáo"),
            COUNT,
            lambda m: m.now,
            docx_cm=3.2,
            xlsx_chars=16,
            href=_href,
        ),
        Column(
            "before", _l("Cùng kỳ năm trước"), COUNT, lambda m: m.before, docx_cm=3.6, xlsx_chars=18
        ),
        Column("change", _l("Thay đổi"), CHANGE, lambda m: m.change, docx_cm=2.7, xlsx_chars=12),
    ),
    rows=metrics,
    paragraphs=paragraphs,
    footnote=footnote,
    extra={"cards": True},
)
