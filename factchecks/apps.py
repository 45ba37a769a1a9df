from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FactchecksConfig(AppConfig):
    name = "factchecks"
    verbose_name = _("Kiểm chứng thông tin")

    def ready(self) -> None:
        from core import demo
        from factchecks.demo import step_factcheck_in_review, step_factchecks

        for step in (step_factchecks, step_factcheck_in_review):
            if step not in demo.STEPS:
                demo.STEPS.append(step)
