"""Routes of the v1 catalog API, the v0 channels, news/events and testimonials (plus our own
OpenAPI schema)."""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import SimpleRouter
from rest_framework.viewsets import ViewSetMixin

from learn.api import channels, learning_path_views, news_events, views

router = SimpleRouter()
router.register("learning_resources", views.LearningResourceViewSet, basename="learning_resources")
router.register("courses", views.CourseViewSet, basename="courses")
router.register("programs", views.ProgramViewSet, basename="programs")
router.register(
    "learningpaths", learning_path_views.EditableLearningPathViewSet, basename="learningpaths"
)
router.register("podcasts", views.PodcastViewSet, basename="podcasts")
router.register("podcast_episodes", views.PodcastEpisodeViewSet, basename="podcast_episodes")
router.register("videos", views.VideoViewSet, basename="videos")
router.register("video_playlists", views.VideoPlaylistViewSet, basename="video_playlists")
router.register("featured", views.FeaturedViewSet, basename="featured")
router.register(
    "learning_resource_display_info",
    views.LearningResourceDisplayInfoViewSet,
    basename="learning_resource_display_info",
)
router.register("contentfiles", views.ContentFileViewSet, basename="contentfiles")
router.register("topics", views.TopicViewSet, basename="topics")
router.register("departments", views.DepartmentViewSet, basename="departments")
router.register("schools", views.SchoolViewSet, basename="schools")
router.register("offerors", views.OfferorViewSet, basename="offerors")
router.register("platforms", views.PlatformViewSet, basename="platforms")
router.register("course_features", views.CourseFeatureViewSet, basename="course_features")

v0_router = SimpleRouter()
v0_router.register("channels", channels.ChannelViewSet, basename="channels")
v0_router.register("news_events", news_events.FeedItemViewSet, basename="news_events")
v0_router.register(
    "news_events_sources", news_events.FeedSourceViewSet, basename="news_events_sources"
)
v0_router.register("testimonials", news_events.TestimonialViewSet, basename="testimonials")

LIST: dict[str, Any] = {"get": "list"}
DETAIL: dict[str, Any] = {"get": "retrieve"}
WRITABLE_LIST: dict[str, Any] = {"get": "list", "post": "create"}
WRITABLE_DETAIL: dict[str, Any] = {
    "get": "retrieve",
    "patch": "partial_update",
    "delete": "destroy",
}


def nested(prefix: str, suffix: str, viewset: type[ViewSetMixin], name: str) -> list[URLPattern]:
    """List and detail routes of ``{prefix}/{learning_resource_id}/{suffix}/``."""
    base = f"{prefix}/<str:learning_resource_id>/{suffix}/"
    return [
        path(base, viewset.as_view(LIST), name=f"{name}-list"),
        path(f"{base}<str:pk>/", viewset.as_view(DETAIL), name=f"{name}-detail"),
    ]


nested_routes = [
    *nested("learning_resources", "items", views.ResourceItemsViewSet, "learning_resource_items"),
    *nested("podcasts", "items", views.PodcastItemsViewSet, "podcast_items"),
    *nested("video_playlists", "items", views.VideoPlaylistItemsViewSet, "video_playlist_items"),
    path(
        "learningpaths/membership/",
        learning_path_views.EditableLearningPathViewSet.as_view({"get": "membership"}),
        name="learningpaths-membership",
    ),
    path(
        "learningpaths/<str:learning_resource_id>/items/",
        learning_path_views.EditableLearningPathItemsViewSet.as_view(WRITABLE_LIST),
        name="learningpath_items-list",
    ),
    path(
        "learningpaths/<str:learning_resource_id>/items/<str:pk>/",
        learning_path_views.EditableLearningPathItemsViewSet.as_view(WRITABLE_DETAIL),
        name="learningpath_items-detail",
    ),
    path(
        "learning_resources/<str:id>/learning_paths/",
        learning_path_views.ResourceLearningPathsView.as_view(),
        name="learning_resource_learning_paths",
    ),
    *nested(
        "learning_resources",
        "contentfiles",
        views.ResourceContentFileViewSet,
        "learning_resource_contentfiles",
    ),
    *nested("courses", "contentfiles", views.CourseContentFileViewSet, "course_contentfiles"),
]

urlpatterns = [
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "api/v1/schema/swagger-ui/",
        SpectacularSwaggerView.as_view(url_name="schema"),
        name="swagger-ui",
    ),
    path(
        "api/v0/channels/type/<str:channel_type>/<str:name>/",
        channels.ChannelByTypeNameView.as_view(DETAIL),
        name="channel_by_type_name",
    ),
    path(
        "api/v0/channels/counts/<str:channel_type>/",
        channels.ChannelCountsView.as_view(LIST),
        name="channel_counts",
    ),
    path("api/v0/", include(v0_router.urls)),
    path("api/v1/", include(nested_routes)),
    path("api/v1/", include(router.urls)),
]
