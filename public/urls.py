from django.urls import path

from public import views

app_name = "public"
urlpatterns = [
    path("kiem-tra/", views.check, name="check"),
    path("kenh/", views.directory, name="directory"),
    path("kenh/feed.atom", views.feed, name="feed"),
    path("du-lieu-mo/", views.open_data, name="open_data"),
    path("du-lieu-mo/kenh-chinh-thuc.csv", views.open_data_csv, name="open_data_csv"),
    path("du-lieu-mo/kenh-chinh-thuc.json", views.open_data_json, name="open_data_json"),
]
