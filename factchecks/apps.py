from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FactchecksConfig(AppConfig):
    name = "factchecks"
    verbose_name = _("Kiểm chứng thông tin")

    def ready(self) -> None:
        from core import demo
        from factchecks.demo import step_factchecks

        if step_factchecks not in demo.STEPS:
            demo.STEPS.append(step_factchecks)
