"""Every search endpoint: lexical/hybrid (v1), vector (v0) and similar resources (v1)."""

from django.urls import path

from learn.retrieval import search_views, vector_views

urlpatterns = [
    path(
        "api/v1/learning_resources_search/",
        search_views.LearningResourcesSearchView.as_view(),
        name="learning_resources_search",
    ),
    path(
        "api/v1/content_file_search/",
        search_views.ContentFileSearchView.as_view(),
        name="content_file_search",
    ),
    path(
        "api/v0/learning_resources_search_admin_params/",
        search_views.LearningResourcesSearchAdminParamsView.as_view(),
        name="learning_resources_search_admin_params",
    ),
    path(
        "api/v0/vector_learning_resources_search/",
        vector_views.VectorResourceSearchView.as_view(),
        name="vector_learning_resources_search",
    ),
    path(
        "api/v0/vector_content_files_search/",
        vector_views.VectorContentFileSearchView.as_view(),
        name="vector_content_files_search",
    ),
    path(
        "api/v1/learning_resources/<int:pk>/vector_similar/",
        vector_views.VectorSimilarView.as_view(),
        name="learning_resources_vector_similar",
    ),
    path(
        "api/v1/learning_resources/<int:pk>/similar/",
        vector_views.LexicalSimilarView.as_view(),
        name="learning_resources_similar",
    ),
]
