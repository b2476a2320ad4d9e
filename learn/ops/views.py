from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache

from learn.ops.health import PROBES, run_probe


@never_cache
def health(request: HttpRequest, probe: str = "full") -> JsonResponse:
    if probe not in PROBES:
        return JsonResponse({"detail": f"unknown probe; use one of {sorted(PROBES)}"}, status=404)
    healthy, body = run_probe(probe)
    return JsonResponse(body, status=200 if healthy else 503)
