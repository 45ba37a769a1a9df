from django.urls import path

from units import views

app_name = "units"
urlpatterns = [
    path("<str:code>/", views.unit_detail, name="detail"),
    path("<str:code>/add/", views.unit_add_child, name="add_child"),
]
