"""Webhook bodies → typed requests; anything malformed is a :class:`WebhookError` 400 naming it.

Shapes follow the v1 contract: ``ContentFileWebHookRequestRequest`` (``source`` required, plus
``content_path``, ``course_id``, ``course_readable_id``), ``OVSVideoWebhookRequestRequest`` (an OVS
video with ``key``, or ``video_id`` with ``delete: true``) and the OCW publisher's body
(``webhook_key``, ``version``, ``prefix``/``prefixes``, ``site_uid``, ``unpublished``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any, Literal
from urllib.parse import parse_qsl

from pydantic import BaseModel, ConfigDict, ValidationError

from learn.etl.webhook_auth import WebhookError

# the contract's SourceEnum
SOURCES = (
    "mit_edx", "mitpe", "mitxonline", "oll", "ocw", "podcast", "mit_climate", "see", "xpro",
    "youtube", "canvas", "ovs",
)  # fmt: skip
# contract source → our content-ingestion platform
ARCHIVE_PLATFORMS = {
    "mit_edx": "edx", "mitxonline": "mitxonline", "xpro": "xpro", "oll": "oll", "ocw": "ocw",
}  # fmt: skip
OVS_KEY = re.compile(r"^[A-Za-z0-9._-]{1,255}$")
OCW_SLUG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


def parse_body(body: bytes, content_type: str | None) -> dict[str, Any]:
    """A JSON object (``application/json``) or form fields (``x-www-form-urlencoded``)."""
    ctype = (content_type or "").split(";", 1)[0].strip().lower()
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise WebhookError(400, "body is not UTF-8 text") from None
    if ctype == "application/x-www-form-urlencoded":
        return dict(parse_qsl(text, keep_blank_values=True))
    if ctype not in ("", "application/json") and not ctype.endswith("+json"):
        raise WebhookError(400, f"unsupported content type {ctype!r}: send application/json")
    if not text.strip():
        raise WebhookError(400, "empty body: expected a JSON object")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise WebhookError(
            400, f"body is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from None
    if not isinstance(data, dict):
        raise WebhookError(400, f"body must be a JSON object, got {type(data).__name__}")
    return data


def _problems(exc: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(p) for p in err['loc']) or 'body'}: {err['msg']}" for err in exc.errors()
    )


# ---------------------------------------------------------------- content files


class ContentFilesRequest(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    source: Literal[
        "mit_edx", "mitpe", "mitxonline", "oll", "ocw", "podcast", "mit_climate", "see", "xpro",
        "youtube", "canvas", "ovs",
    ]  # fmt: skip
    content_path: str | None = None
    course_id: str | None = None
    course_readable_id: str | None = None

    @property
    def platform(self) -> str:
        return ARCHIVE_PLATFORMS[self.source]

    def echo(self) -> dict[str, Any]:
        """The request as the contract's ContentFileWebHookRequest (absent fields left out)."""
        return self.model_dump(exclude_none=True)


def _safe_relative(path: str) -> str:
    pure = PurePosixPath(path.replace("\\", "/"))
    if pure.is_absolute() or ".." in pure.parts or "\x00" in path or "://" in path:
        raise WebhookError(
            400, f"content_path {path!r} must be a relative path inside the archive location"
        )
    return pure.as_posix()


def content_files_request(data: dict[str, Any], *, delete: bool) -> ContentFilesRequest:
    try:
        request = ContentFilesRequest.model_validate(data)
    except ValidationError as exc:
        raise WebhookError(400, _problems(exc)) from None
    if request.source not in ARCHIVE_PLATFORMS:
        raise WebhookError(
            400,
            f"source {request.source!r} has no content archives here; "
            f"expected one of {', '.join(ARCHIVE_PLATFORMS)}",
        )
    if delete:
        if not (request.course_id or request.course_readable_id):
            raise WebhookError(400, "course_id or course_readable_id is required")
    else:
        if not request.content_path:
            raise WebhookError(400, "content_path is required")
        request.content_path = _safe_relative(request.content_path)
    return request


# ---------------------------------------------------------------- OVS


@dataclass
class OvsRequest:
    key: str
    delete: bool
    video: dict[str, Any] = field(default_factory=dict)


def _flag(value: Any, name: str) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false", "1", "0", ""):
        return value.strip().lower() in ("true", "1")
    if value is None:
        return False
    raise WebhookError(400, f"{name} must be a boolean, got {value!r}")


def _ovs_key(value: Any, name: str) -> str:
    if not isinstance(value, str) or not OVS_KEY.match(value):
        raise WebhookError(400, f"{name} must match [A-Za-z0-9._-]{{1,255}}, got {value!r}")
    return value


def ovs_request(data: dict[str, Any]) -> OvsRequest:
    if _flag(data.get("delete"), "delete"):
        if data.get("video_id") is None and data.get("key") is None:
            raise WebhookError(400, "video_id is required with delete: true")
        name = "video_id" if data.get("video_id") is not None else "key"
        return OvsRequest(key=_ovs_key(data.get(name), name), delete=True)
    if data.get("key") is None:
        raise WebhookError(
            400, "key is required (an OVS video to upsert), or video_id with delete: true"
        )
    return OvsRequest(key=_ovs_key(data["key"], "key"), delete=False, video=data)


# ---------------------------------------------------------------- OCW


@dataclass
class OcwRequest:
    version: str
    slugs: list[str]
    site_uid: str | None
    unpublished: bool


def course_slug(prefix: str) -> str:
    """``courses/<slug>/`` (any leading folders) → ``<slug>``; raises a 400 if it is not one."""
    parts = [p for p in prefix.strip().split("/") if p]
    slug = parts[parts.index("courses") + 1] if "courses" in parts[:-1] else (parts or [""])[-1]
    if not OCW_SLUG.match(slug) or ".." in slug:
        raise WebhookError(400, f"prefix {prefix!r} does not name an OCW course (courses/<slug>/)")
    return slug


def ocw_request(data: dict[str, Any]) -> OcwRequest:
    version = data.get("version")
    if not isinstance(version, str) or not version:
        raise WebhookError(400, 'version is required ("live" or "draft")')
    raw = data.get("prefixes", data.get("prefix"))
    if raw is None:
        prefixes: list[Any] = []
    elif isinstance(raw, str):
        prefixes = [p for p in raw.split(",") if p.strip()]
    elif isinstance(raw, list):
        prefixes = raw
    else:
        raise WebhookError(400, "prefixes must be a list of course paths or a string")
    if not all(isinstance(p, str) for p in prefixes):
        raise WebhookError(400, "prefixes must be strings such as 'courses/<slug>/'")
    slugs = list(dict.fromkeys(course_slug(p) for p in prefixes))
    site_uid = data.get("site_uid")
    if site_uid is not None and (not isinstance(site_uid, str) or not site_uid.strip()):
        raise WebhookError(400, "site_uid must be a non-empty string")
    unpublished = _flag(data.get("unpublished"), "unpublished")
    if unpublished and not site_uid:
        raise WebhookError(400, "unpublished: true needs the site_uid of the course to unpublish")
    if not slugs and not unpublished:
        raise WebhookError(
            400,
            "nothing to do: send prefix/prefixes (courses/<slug>/) or site_uid with unpublished",
        )
    return OcwRequest(version, slugs, site_uid.strip() if site_uid else None, unpublished)
