from django.urls import path

from learn.ops.views import health

urlpatterns = [
    path("health/", health, {"probe": "full"}, name="health"),
    path("health/<str:probe>/", health, name="health-probe"),
]
