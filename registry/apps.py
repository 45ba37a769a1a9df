from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "registry"
    verbose_name = _("Kênh chính thức")

    def ready(self) -> None:
        from core import demo
        from registry.demo import step_registry

        if step_registry not in demo.STEPS:
            demo.STEPS.append(step_registry)
