from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("learn.ops.urls")),
    path("", include("learn.retrieval.urls")),
    path("", include("learn.etl.urls")),
    path("", include("learn.api.urls")),
]
