from __future__ import annotations

from typing import Any

from django.db import transaction

from core.audit import audit
from core.permissions import Role, ensure_role
from reports.models import ReportingDeadline, ReportNarrative
from reports.periods import Period
from units.models import Unit

NARRATIVE_FIELDS = (
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
)


@transaction.atomic
def narrative_save(
    *, acting_user: Any, unit: Unit, period: Period, values: dict[str, str]
) -> ReportNarrative:
    """An editor of the unit writes sections II–IV and the document's particulars."""
    ensure_role(acting_user, unit, Role.EDITOR)
    narrative, _created = ReportNarrative.objects.select_for_update().get_or_create(
        unit=unit, period_code=period.code, convention=period.convention
    )
    before = {f: getattr(narrative, f) for f in NARRATIVE_FIELDS}
    changed = []
    for field in NARRATIVE_FIELDS:
        if field in values and getattr(narrative, field) != values[field].strip():
            setattr(narrative, field, values[field].strip())
            changed.append(field)
    narrative.updated_by = acting_user
    narrative.full_clean()
    narrative.save()
    audit(
        acting_user,
        "report.narrative",
        narrative,
        unit_path=unit.path,
        before={f: before[f] for f in changed},
        after={f: getattr(narrative, f) for f in changed},
    )
    return narrative


@transaction.atomic
def reporting_deadline_set(*, acting_user: Any, unit: Unit, day: int) -> ReportingDeadline:
    """An administrator sets the day by which the months' figures are due in the unit's
    subtree (a province's setting; default the 20th)."""
    ensure_role(acting_user, unit, Role.ADMINISTRATOR)
    setting, _created = ReportingDeadline.objects.select_for_update().get_or_create(unit=unit)
    before = {"day": setting.day}
    setting.day = day
    setting.full_clean()
    setting.save()
    audit(
        acting_user,
        "report.deadline",
        setting,
        unit_path=unit.path,
        before=before,
        after={"day": day},
    )
    return setting
