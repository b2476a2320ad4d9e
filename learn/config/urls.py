from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("learn.accounts.urls")),  # before admin/: /admin/login/ is the site's sign-in
    path("admin/", admin.site.urls),
    path("", include("learn.ops.urls")),
    path("", include("learn.retrieval.urls")),
    path("", include("learn.etl.urls")),
    path("", include("learn.subscriptions.urls")),
    path("", include("learn.api.urls")),
]

# Django's own errors (unknown path, oversized body, too many parameters, a crash) answer JSON
# like the rest of the API.
handler400 = "learn.api.limits.bad_request"
handler403 = "learn.api.limits.permission_denied"
handler404 = "learn.api.limits.not_found"
handler500 = "learn.api.limits.server_error"
