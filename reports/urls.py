from django.urls import path, re_path

from reports import views

app_name = "reports"
urlpatterns = [
    path("", views.report_home, name="home"),
    path("<str:code>/", views.report_page, name="report"),
    path("<str:code>/narrative/", views.report_narrative, name="narrative"),
    re_path(
        r"^(?P<code>[0-9A-Za-z._-]+)/download\.(?P<fmt>docx|xlsx)$",
        views.report_download,
        name="download",
    ),
]
