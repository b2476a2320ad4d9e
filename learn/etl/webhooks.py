"""Webhook endpoints (thin DRF views over :mod:`learn.etl.webhook_actions`).

``POST /api/v1/webhooks/content_files/`` and ``…/content_files/delete/`` and
``…/webhooks/ovs_videos/`` are signed with ``WEBHOOK_SECRET``, ``POST /api/v1/ocw_next_webhook/``
with ``OCW_WEBHOOK_KEY``: HMAC-SHA256 over ``X-MITLearn-Timestamp``, ``X-MITLearn-Delivery`` and
the body, in ``X-MITLearn-Signature`` (:mod:`learn.etl.webhook_auth`). Answers are JSON: 200
``{status, message}``, 400 malformed body, 403 bad, missing or stale signature, 409 a replayed
delivery id, 503 secret not configured. The raw body is read before any parsing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.parsers import FormParser, JSONParser
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from learn.etl import webhook_actions as actions
from learn.etl.webhook_auth import WebhookError
from learn.etl.webhook_requests import SOURCES


class ContentFileWebHookRequestSerializer(serializers.Serializer[Any]):
    """Serializer for ContentFile webhook requests."""

    content_path = serializers.CharField(required=False)
    source = serializers.ChoiceField(choices=SOURCES)  # type: ignore[assignment]
    course_id = serializers.CharField(required=False, allow_null=True)
    course_readable_id = serializers.CharField(required=False, allow_null=True)


class OVSVideoWebhookRequestSerializer(serializers.Serializer[Any]):
    """Serializer for OVS video webhook requests: a video (``key``) or ``video_id`` + delete."""

    key = serializers.RegexField(r"^[A-Za-z0-9._-]{1,255}$", required=False)
    video_id = serializers.RegexField(r"^[A-Za-z0-9._-]{1,255}$", required=False)
    delete = serializers.BooleanField(default=False)


class WebhookResponseSerializer(serializers.Serializer[Any]):
    """Serializer for webhook responses."""

    status = serializers.CharField()
    message = serializers.CharField(required=False)
    error = serializers.CharField(required=False)


class _Webhook(APIView):
    authentication_classes = ()
    permission_classes = (AllowAny,)
    # declared for the schema only: the views read the raw body (the signature covers it)
    parser_classes = (JSONParser, FormParser)
    renderer_classes = (JSONRenderer,)

    def action(self) -> Callable[..., dict[str, Any]]:
        raise NotImplementedError

    def post(self, request: Request) -> Response:
        body: bytes = request.body
        content_type = request.META.get("CONTENT_TYPE")
        try:
            result = self.action()(body, content_type, request.headers)
        except WebhookError as exc:
            return Response(exc.body(), status=exc.status)
        return Response(result)


@extend_schema(
    description="Webhook handler for ContentFile updates",
    request=ContentFileWebHookRequestSerializer,
    responses=WebhookResponseSerializer,
    tags=["webhooks"],
)
class ContentFilesWebhook(_Webhook):
    def action(self) -> Callable[..., dict[str, Any]]:
        return actions.content_files


@extend_schema(
    description="Webhook handler for ContentFile DELETE requests",
    request=ContentFileWebHookRequestSerializer,
    responses=ContentFileWebHookRequestSerializer,
    tags=["webhooks"],
)
class ContentFilesDeleteWebhook(_Webhook):
    def action(self) -> Callable[..., dict[str, Any]]:
        return actions.content_files_delete


@extend_schema(
    description="Webhook handler for OVS video upserts and deletes",
    request=OVSVideoWebhookRequestSerializer,
    responses=WebhookResponseSerializer,
    tags=["webhooks"],
)
class OvsVideosWebhook(_Webhook):
    def action(self) -> Callable[..., dict[str, Any]]:
        return actions.ovs_videos


@extend_schema(exclude=True)  # not in the reference's spec either
class OcwNextWebhook(_Webhook):
    def action(self) -> Callable[..., dict[str, Any]]:
        return actions.ocw_next
