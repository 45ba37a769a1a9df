from django.urls import path

from factchecks import views

app_name = "factchecks"
urlpatterns = [
    path("", views.factcheck_list, name="list"),
    path("new/", views.factcheck_create, name="create"),
    path("<int:pk>/", views.factcheck_detail, name="detail"),
    path("<int:pk>/edit/", views.factcheck_edit, name="edit"),
    path("<int:pk>/submit/", views.factcheck_submit, name="submit"),
    path("<int:pk>/return/", views.factcheck_return, name="return"),
    path("<int:pk>/publish/", views.factcheck_publish, name="publish"),
    path("<int:pk>/correct/", views.factcheck_correct, name="correct"),
    path("<int:pk>/withdraw/", views.factcheck_withdraw, name="withdraw"),
    path(
        "<int:pk>/corrections/<int:pending_pk>/approve/",
        views.correction_approve,
        name="correction_approve",
    ),
    path("suggestions/", views.suggestion_list, name="suggestions"),
    path("suggestions/<int:pk>/close/", views.suggestion_close, name="suggestion_close"),
    path("policy/<str:kind>/", views.policy_edit, name="policy_edit"),
]
