"""An approved form's "posts with reach" move from its "unspecified" row to its item rows.

Before, a form's reach row (content type ``unspecified``) said that all the form's items had
a reach while holding none of them, so a breakdown by content type showed a negative
"posts without reach" there. Now each item row says so for its own items (see
``ledger.services._form_to_stats``). This moves the already-approved forms' figures the
same way, in the aggregate and, where the form counts, in the roll-up of the unit and of
every unit above it; totals do not change.
"""

from django.db import migrations
from django.db.models import F

FORM = "form"
UNSPECIFIED = "unspecified"
WHOLE = 0
CONTENT_TYPE_OF = {
    "articles": "article",
    "photos": "photo",
    "videos": "video",
    "livestreams": "livestream",
    "others": "other",
}


def _shift(model, where: dict, delta: int) -> None:
    model.objects.filter(**where).update(posts_with_reach=F("posts_with_reach") + delta)


def _move(apps, sign: int) -> None:
    MonthlyForm = apps.get_model("ledger", "MonthlyForm")
    UnitMonthStat = apps.get_model("ledger", "UnitMonthStat")
    SubtreeStat = apps.get_model("ledger", "SubtreeStat")
    Unit = apps.get_model("units", "Unit")
    forms = MonthlyForm.objects.filter(
        status__in=("approved", "locked"), reach__isnull=False
    ).select_related("unit")
    for form in forms.iterator():
        counts = {ct: getattr(form, name) for name, ct in CONTENT_TYPE_OF.items()}
        total = sum(counts.values())
        if not total:
            continue
        key = {"unit_id": form.unit_id, "month": form.month, "platform": form.platform}
        counted = UnitMonthStat.objects.filter(**key, source=FORM, counted=True).exists()
        targets = [(UnitMonthStat, {**key, "source": FORM})]
        if counted:
            codes = [c for c in form.unit.path.split("/") if c]
            for unit_id in Unit.objects.filter(code__in=codes).values_list("pk", flat=True):
                targets.append((SubtreeStat, {**key, "unit_id": unit_id, "half": WHOLE}))
        for model, where in targets:
            for ctype, count in counts.items():
                if count:
                    _shift(model, {**where, "content_type": ctype}, sign * count)
            if sign < 0:  # back: the reach row may have been deleted as all zero
                model.objects.get_or_create(**where, content_type=UNSPECIFIED)
            _shift(model, {**where, "content_type": UNSPECIFIED}, -sign * total)
            model.objects.filter(
                **where, content_type=UNSPECIFIED, posts=0, reach=0, posts_with_reach=0
            ).filter(views=0, posts_with_views=0, engagements=0).delete()


def forwards(apps, schema_editor):
    _move(apps, +1)


def backwards(apps, schema_editor):
    _move(apps, -1)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0005_lean_post_snapshot_indexes"), ("units", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
