"""Routes of the ETL webhooks (included from ``learn.config.urls``)."""

from __future__ import annotations

from django.urls import path

from learn.etl import webhooks

urlpatterns = [
    path(
        "api/v1/webhooks/content_files/",
        webhooks.ContentFilesWebhook.as_view(),
        name="webhooks_content_files",
    ),
    path(
        "api/v1/webhooks/content_files/delete/",
        webhooks.ContentFilesDeleteWebhook.as_view(),
        name="webhooks_content_files_delete",
    ),
    path(
        "api/v1/webhooks/ovs_videos/",
        webhooks.OvsVideosWebhook.as_view(),
        name="webhooks_ovs_videos",
    ),
    path("api/v1/ocw_next_webhook/", webhooks.OcwNextWebhook.as_view(), name="ocw_next_webhook"),
]
