"""Routes of sign-in/out (API host root), v0 users/profiles and v1 user lists."""

from __future__ import annotations

from django.urls import include, path, re_path
from rest_framework.routers import SimpleRouter

from learn.accounts import oidc, views

v0 = SimpleRouter()
v0.register("profiles", views.ProfileViewSet, basename="profile")

v1 = SimpleRouter()
v1.register("userlists", views.UserListViewSet, basename="userlists")
v1.register(
    r"userlists/(?P<userlist_id>[^/]+)/items", views.UserListItemViewSet, basename="userlistitems"
)

urlpatterns = [
    re_path(r"^login/?$", oidc.login_view, name="accounts-login"),
    path("login/callback/", oidc.callback_view, name="accounts-callback"),
    path("login/local/", oidc.LocalLoginView.as_view(), name="accounts-local-login"),
    re_path(r"^logout/oidc/?$", oidc.logout_oidc_view, name="accounts-logout-oidc"),
    re_path(r"^logout/?$", oidc.logout_view, name="accounts-logout"),
    path("admin/login/", oidc.admin_login_view, name="accounts-admin-login"),
    path("api/v0/users/me/", views.CurrentUserView.as_view(), name="users-me"),
    path("api/v0/", include(v0.urls)),
    path(
        "api/v1/userlists/membership/",
        views.UserListViewSet.as_view({"get": "membership"}),
        name="userlists-membership",
    ),
    path(
        "api/v1/learning_resources/<str:id>/userlists/",
        views.ResourceUserListsView.as_view(),
        name="learning-resource-userlists",
    ),
    path("api/v1/", include(v1.urls)),
]
