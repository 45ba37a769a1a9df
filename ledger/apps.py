from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "ledger"
    verbose_name = _("Sổ tin bài và lượt tiếp cận")

    def ready(self) -> None:
        from core import demo
        from ledger.demo import step_ledger, step_sample_channels

        if step_sample_channels not in demo.STEPS:
            demo.STEPS.append(step_sample_channels)
        if step_ledger not in demo.STEPS:
            demo.STEPS.append(step_ledger)
