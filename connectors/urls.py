from django.urls import path

from connectors import views

app_name = "connectors"
urlpatterns = [
    path("", views.connection_list, name="list"),
    path("callback/", views.callback, name="callback"),
    path("<int:pk>/", views.connection_detail, name="detail"),
    path("<int:pk>/connect/", views.connect, name="connect"),
    path("<int:pk>/disconnect/", views.disconnect, name="disconnect"),
    path("<int:pk>/sync/", views.sync_now, name="sync"),
]
