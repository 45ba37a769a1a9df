from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HubConfig(AppConfig):
    name = "hub"
    verbose_name = _("Kho nội dung chính thức")

    def ready(self) -> None:
        # Appended at ready() time: apps are readied in INSTALLED_APPS order, so this step
        # runs after the registry's and the ledger's.
        from core import demo
        from hub.demo import step_hub

        if step_hub not in demo.STEPS:
            demo.STEPS.append(step_hub)
