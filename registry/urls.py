from django.urls import path

from registry import views

app_name = "registry"
urlpatterns = [
    path("", views.channel_list, name="list"),
    path("register/", views.channel_register, name="register"),
    path("<int:pk>/", views.channel_detail, name="detail"),
    path("<int:pk>/verify/", views.channel_verify, name="verify"),
    path("<int:pk>/retire/", views.channel_retire, name="retire"),
]
