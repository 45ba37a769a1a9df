"""The admin's app config, apart from ``core.apps`` (one AppConfig per module)."""

from django.contrib.admin.apps import AdminConfig


class BantinAdminConfig(AdminConfig):
    """``django.contrib.admin`` with the read-only site (``core.admin_site``)."""

    default_site = "core.admin_site.BantinAdminSite"
