from django.urls import path

from hub import views

app_name = "hub"
urlpatterns = [
    path("", views.home, name="home"),
    path("new/", views.item_create, name="create"),
    path("items/<int:pk>/", views.item_detail, name="detail"),
    path("items/<int:pk>/edit/", views.item_edit, name="edit"),
    path("items/<int:pk>/approve/", views.item_approve, name="approve"),
    path("items/<int:pk>/reopen/", views.item_reopen, name="reopen"),
    path("items/<int:pk>/coverage/", views.coverage, name="coverage"),
    path("items/<int:pk>/coverage.xlsx", views.coverage_download, name="coverage_xlsx"),
    path("items/<int:pk>/files/<int:attachment_pk>/", views.attachment_download, name="attachment"),
    path(
        "items/<int:pk>/files/<int:attachment_pk>/delete/",
        views.attachment_delete,
        name="attachment_delete",
    ),
    path("don-vi/<str:code>/", views.unit_items, name="unit"),
    path("don-vi/<str:code>/<int:pk>/", views.republish, name="republish"),
]
