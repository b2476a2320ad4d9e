from django.urls import path

from learn.search import views

urlpatterns = [
    path(
        "api/v1/learning_resources_search/",
        views.LearningResourcesSearchView.as_view(),
        name="learning_resources_search",
    ),
    path(
        "api/v1/content_file_search/",
        views.ContentFileSearchView.as_view(),
        name="content_file_search",
    ),
    path(
        "api/v0/learning_resources_search_admin_params/",
        views.LearningResourcesSearchAdminParamsView.as_view(),
        name="learning_resources_search_admin_params",
    ),
]
