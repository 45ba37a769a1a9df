from django.urls import path, re_path

from reports import drill_views, views

app_name = "reports"
urlpatterns = [
    path("", views.report_home, name="home"),
    path("<str:code>/", views.report_page, name="report"),
    path("<str:code>/narrative/", views.report_narrative, name="narrative"),
    path("<str:code>/channels/", drill_views.channels_page, name="channels"),
    path("<str:code>/posts/", drill_views.posts_page, name="posts"),
    path("<str:code>/posts.csv", drill_views.posts_csv, name="posts_csv"),
    re_path(
        r"^(?P<code>[0-9A-Za-z._-]+)/download\.(?P<fmt>docx|xlsx)$",
        views.report_download,
        name="download",
    ),
]
