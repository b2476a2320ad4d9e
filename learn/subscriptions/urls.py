from django.urls import path

from learn.subscriptions import feeds, views

SUBSCRIPTIONS = "api/v1/learning_resources_user_subscription/"

urlpatterns = [
    path(
        SUBSCRIPTIONS,
        views.UserSearchSubscriptionViewSet.as_view({"get": "list"}),
        name="subscriptions-list",
    ),
    path(
        f"{SUBSCRIPTIONS}check/",
        views.UserSearchSubscriptionViewSet.as_view({"get": "check"}),
        name="subscriptions-check",
    ),
    path(
        f"{SUBSCRIPTIONS}subscribe/",
        views.UserSearchSubscriptionViewSet.as_view({"post": "subscribe"}),
        name="subscriptions-subscribe",
    ),
    path(
        f"{SUBSCRIPTIONS}<str:pk>/unsubscribe/",
        views.UserSearchSubscriptionViewSet.as_view({"delete": "unsubscribe"}),
        name="subscriptions-unsubscribe",
    ),
    path(
        f"{SUBSCRIPTIONS}<str:pk>/",
        views.UserSearchSubscriptionViewSet.as_view({"patch": "partial_update"}),
        name="subscriptions-detail",
    ),
    path("api/v1/unsubscribe/<str:token>/", views.UnsubscribeView.as_view(), name="unsubscribe"),
    path("feeds/search/", feeds.SearchFeed(), name="feed-search"),
    path(
        "feeds/channels/<str:channel_type>/<str:name>/",
        feeds.ChannelFeed(),
        name="feed-channel",
    ),
]
