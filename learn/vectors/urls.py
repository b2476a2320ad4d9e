from django.urls import path

from learn.vectors import views

urlpatterns = [
    path(
        "api/v0/vector_learning_resources_search/",
        views.VectorResourceSearchView.as_view(),
        name="vector_learning_resources_search",
    ),
    path(
        "api/v0/vector_content_files_search/",
        views.VectorContentFileSearchView.as_view(),
        name="vector_content_files_search",
    ),
    path(
        "api/v1/learning_resources/<int:pk>/vector_similar/",
        views.VectorSimilarView.as_view(),
        name="learning_resources_vector_similar",
    ),
    path(
        "api/v1/learning_resources/<int:pk>/similar/",
        views.LexicalSimilarView.as_view(),
        name="learning_resources_similar",
    ),
]
