"""Turn a unit's report into the data, the charts and the documents."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from reports import charts, selectors
from reports.followers import followers_json
from reports.model import ReportData
from reports.models import ReportNarrative
from reports.periods import Period
from reports.render.docx import render_docx
from reports.render.xlsx import render_xlsx
from reports.sources import sources_json
from units.models import Unit

_PREFIXES = ("Thành phố ", "Tỉnh ", "Xã ", "Phường ", "Đặc khu ")


def place_name(unit: Unit) -> str:
    """The locality for "<place>, ngày … tháng … năm …" (Decree 30/2020)."""
    official = unit
    while not official.official and official.parent_id:
        official = official.parent  # type: ignore[assignment]
    name = official.name
    for prefix in _PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def _committee_name(unit: Unit) -> str:
    name = unit.name
    if unit.kind == Unit.Kind.PROVINCE and not name.startswith("Tỉnh"):
        name = f"Tỉnh {name}"
    return f"Ủy ban nhân dân {name}".upper()


def document_defaults(unit: Unit) -> dict[str, Any]:
    if unit.official:
        return {
            "governing_body": "",
            "issuing_unit": _committee_name(unit),
            "number": "…/BC-UBND",
            "signer_authority": "TM. ỦY BAN NHÂN DÂN",
            "signer_title": "CHỦ TỊCH",
        }
    parent = unit.parent
    return {
        "governing_body": _committee_name(parent) if parent else "",
        "issuing_unit": unit.name.upper(),
        "number": f"…/BC-{unit.code.rsplit('-', 1)[-1]}",
        "signer_authority": "",
        "signer_title": "THỦ TRƯỞNG ĐƠN VỊ",
    }


def file_name(unit: Unit, period: Period, fmt: str) -> str:
    """bao-cao-22-2026-Q3-ky-thong-ke.docx: the unit, the period and the convention, so the
    calendar and administrative downloads of one period never overwrite each other."""
    convention = "ky-thong-ke" if period.convention == "administrative" else "lich"
    code = period.code.replace(":", "_")
    return f"bao-cao-{unit.code}-{code}-{convention}.{fmt}"


def default_recipients(unit: Unit) -> list[str]:
    """The "Nơi nhận" when the editor gave none: the body above (to which the report goes) and
    the issuer's own archive. Never "Như trên": the report has no "Kính gửi" to point at."""
    out = []
    parent = unit.parent
    if parent is not None:
        out.append(f"{parent.authority_name or parent.name} (để báo cáo);")
    out.append("Lưu: VT, ….")
    return out


def narrative_for(unit: Unit, period: Period) -> ReportNarrative | None:
    return ReportNarrative.objects.filter(
        unit=unit, period_code=period.code, convention=period.convention
    ).first()


def report_data(unit: Unit, period: Period) -> dict[str, Any]:
    """Everything the page and the documents show: the summary plus trend and top posts."""
    data = selectors.summary(unit, period)
    data["top_posts"] = selectors.top_posts(unit, period)
    data["top_items"] = top_hub_items(unit, period)
    narrative = narrative_for(unit, period)
    defaults = document_defaults(unit)
    doc = {
        key: (getattr(narrative, key) if narrative and getattr(narrative, key) else value)
        for key, value in defaults.items()
    }
    doc["signer_name"] = narrative.signer_name if narrative else ""
    recipients = narrative.recipients.splitlines() if narrative and narrative.recipients else []
    doc["recipients"] = [r for r in recipients if r.strip()] or default_recipients(unit)
    data["document"] = doc
    data["narrative"] = {
        "limitations": narrative.limitations if narrative else "",
        "directions": narrative.directions if narrative else "",
        "recommendations": narrative.recommendations if narrative else "",
    }
    data["unit"]["place"] = place_name(unit)
    data["unit"]["authority_name"] = unit.authority_name  # who speaks: "UBND tỉnh Quảng Ninh"
    data["unit"]["parent_name"] = unit.parent.name if unit.parent_id else None  # type: ignore[union-attr]
    data["generated_on"] = timezone.localdate().isoformat()
    data["sources"] = sources_json(unit, period)
    data["followers"] = followers_json(unit, period, has_children=bool(data["children"]))
    return data


def top_hub_items(unit: Unit, period: Period, limit: int = 5) -> list[dict[str, Any]]:
    """The hub items issued in the unit's subtree that reached most in the period."""
    from django.urls import reverse

    from hub.selectors import top_items

    rows = top_items(unit, period.start_datetime(), period.end_datetime_exclusive(), limit)
    return [
        {
            "title": row.item.title,
            "issuing_unit": row.item.issuing_unit.name,
            "url": reverse("hub:coverage", args=[row.item.pk]),
            "reach": row.reach,
            "views": row.views,
            "posts": row.posts,
        }
        for row in rows
    ]


def chart_specs(data: dict[str, Any], *, lang: str = "vi") -> dict[str, dict[str, Any]]:
    specs = {
        "trend": charts.trend_chart(data["monthly"], lang=lang),
        "platforms": charts.platform_chart(data["by_platform"], lang=lang),
    }
    followers = charts.followers_chart(data.get("followers"), lang=lang)
    if followers is not None:
        specs["followers"] = followers
    return specs


CHART_CAPTIONS = {
    "trend": "Số bài viết và lượt tiếp cận theo tháng",
    "platforms": "Số bài viết theo nền tảng",
    "followers": "Số người theo dõi theo tháng",
}


def _model(data: dict[str, Any] | ReportData) -> ReportData:
    return data if isinstance(data, ReportData) else ReportData.from_dict(data)


def build_docx(data: dict[str, Any], *, with_charts: bool = True) -> bytes:
    """The .docx of a report (``report_data``), its charts rendered to PNG."""
    pngs = {}
    if with_charts and data.get("monthly") is not None:
        specs = chart_specs(data)
        pngs = {k: (CHART_CAPTIONS[k], charts.render_png(spec)) for k, spec in specs.items()}
    return render_docx(_model(data), charts=pngs)


def build_xlsx(data: dict[str, Any] | ReportData) -> bytes:
    return render_xlsx(_model(data))
