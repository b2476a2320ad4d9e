from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("learn.accounts.urls")),  # before admin/: /admin/login/ is the site's sign-in
    path("admin/", admin.site.urls),
    path("", include("learn.ops.urls")),
    path("", include("learn.search.urls")),
    path("", include("learn.vectors.urls")),
    path("", include("learn.etl.urls")),
    path("", include("learn.api.urls")),
]
