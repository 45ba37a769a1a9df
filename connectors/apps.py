from django.apps import AppConfig


class ConnectorsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "connectors"
    verbose_name = "Kết nối kênh"

    def ready(self) -> None:
        from connectors import (
            checks,  # noqa: F401  (registers the system checks)
            demo,
        )

        demo.register()
