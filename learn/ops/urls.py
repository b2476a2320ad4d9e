from django.urls import path

from learn.ops.metrics import metrics
from learn.ops.views import health

urlpatterns = [
    path("metrics", metrics, name="metrics"),
    path("health/", health, {"probe": "full"}, name="health"),
    path("health/<str:probe>/", health, name="health-probe"),
]
