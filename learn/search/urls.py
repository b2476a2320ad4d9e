from django.urls import path

from learn.search import views

urlpatterns = [
    path(
        "api/v1/learning_resources_search/",
        views.learning_resources_search,
        name="learning_resources_search",
    ),
    path("api/v1/content_file_search/", views.content_file_search, name="content_file_search"),
    path(
        "api/v0/learning_resources_search_admin_params/",
        views.admin_params,
        name="learning_resources_search_admin_params",
    ),
]
