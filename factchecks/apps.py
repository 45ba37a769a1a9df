from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FactchecksConfig(AppConfig):
    name = "factchecks"
    verbose_name = _("Kiểm chứng thông tin")
