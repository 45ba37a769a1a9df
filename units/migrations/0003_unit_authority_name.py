from typing import Any

from django.db import migrations, models


def fill_authority_names(apps: Any, schema_editor: Any) -> None:
    # The historical model has no save() logic: compute the name here.
    from units.models import default_authority_name

    Unit = apps.get_model("units", "Unit")
    batch = []
    for unit in Unit.objects.only("pk", "kind", "name", "authority_name").iterator():
        unit.authority_name = default_authority_name(unit.kind, unit.name)
        batch.append(unit)
        if len(batch) >= 500:
            Unit.objects.bulk_update(batch, ["authority_name"])
            batch.clear()
    Unit.objects.bulk_update(batch, ["authority_name"])


class Migration(migrations.Migration):
    dependencies = [
        ("units", "0002_path_collation_c"),
    ]

    operations = [
        migrations.AddField(
            model_name="unit",
            name="authority_name",
            field=models.CharField(
                blank=True,
                help_text=(
                    "Tên cơ quan đứng tên khi đơn vị công bố, ví dụ “UBND tỉnh Quảng Ninh”. "
                    "Tỉnh, xã, phường, đặc khu: điền tự động theo loại đơn vị."
                ),
                max_length=255,
                verbose_name="tên cơ quan",
            ),
        ),
        migrations.RunPython(fill_authority_names, migrations.RunPython.noop),
    ]
