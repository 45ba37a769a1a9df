from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UnitsConfig(AppConfig):
    name = "units"
    verbose_name = _("Đơn vị hành chính")

    def ready(self) -> None:
        from units import checks  # noqa: F401  (registers the collation check)
