from django.urls import path

from ledger import views

app_name = "ledger"
urlpatterns = [
    path("", views.index, name="index"),
    path("imports/new/", views.upload, name="upload"),
    path("imports/<int:pk>/", views.batch_detail, name="batch"),
    path("imports/<int:pk>/progress/", views.batch_progress, name="batch_progress"),
    path("imports/<int:pk>/confirm/", views.batch_confirm, name="batch_confirm"),
    path(
        "imports/<int:pk>/request-confirmation/",
        views.batch_request_confirmation,
        name="batch_request_confirmation",
    ),
    path("imports/<int:pk>/decline/", views.batch_decline, name="batch_decline"),
    path("confirmations/", views.confirmations_list, name="confirmations"),
    path("template.<str:kind>", views.template_download, name="template"),
    path("forms/", views.forms_list, name="forms"),
    path("forms/new/", views.form_new, name="form_new"),
    path("forms/approve/", views.forms_approve, name="forms_approve"),
    path("forms/<int:pk>/", views.form_detail, name="form"),
    path("forms/<int:pk>/submit/", views.form_submit, name="form_submit"),
    path("forms/<int:pk>/review/", views.form_review, name="form_review"),
]
