from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("users/", views.user_list, name="users"),
    path("users/invite/", views.user_invite, name="invite"),
    path("tokens/", views.token_list, name="tokens"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
]
