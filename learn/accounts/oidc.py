"""Sign-in without a gateway: the authorization-code flow with PKCE against ``OIDC_ISSUER``
(authlib's Django client), local accounts when no provider is configured, and sign-out.

Routes (on the API host): ``/login?next=``, ``/login/callback/``, ``/login/local/``,
``/logout`` and ``/logout/oidc`` (also ends the provider's session).
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlencode

from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.django_client import DjangoOAuth2App, OAuth
from django.contrib.auth import login, logout
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from learn.accounts.backends import OIDC_BACKEND
from learn.accounts.models import Profile
from learn.accounts.provisioning import IdentityError, user_from_claims
from learn.accounts.redirects import onboarding_url, safe_next
from learn.config.env import get_env

logger = logging.getLogger(__name__)

NEXT_KEY = "learn_login_next"
ID_TOKEN_KEY = "learn_oidc_id_token"
SKIP_ONBOARDING_KEY = "learn_login_skip_onboarding"

_clients: dict[tuple[str, str], DjangoOAuth2App] = {}


def oidc_client() -> DjangoOAuth2App | None:
    """The authlib client of the configured provider, or None without ``OIDC_ISSUER``."""
    env = get_env()
    if not env.oidc_issuer or not env.oidc_client_id:
        return None
    key = (env.oidc_issuer, env.oidc_client_id)
    client = _clients.get(key)
    if client is None:
        oauth = OAuth()
        kwargs: dict[str, Any] = {"scope": env.oidc_scopes, "code_challenge_method": "S256"}
        if not env.oidc_client_secret:
            kwargs["token_endpoint_auth_method"] = "none"
        client = oauth.register(
            name="learn",
            client_id=env.oidc_client_id,
            client_secret=env.oidc_client_secret,
            server_metadata_url=env.oidc_issuer.rstrip("/") + "/.well-known/openid-configuration",
            client_kwargs=kwargs,
        )
        _clients[key] = client
    return client


@require_GET
def login_view(request: HttpRequest) -> HttpResponse:
    """Start signing in: the provider's login page, or the local one without a provider."""
    target = safe_next(request, request.GET.get("next"))
    client = oidc_client()
    if client is None:
        return HttpResponseRedirect(
            f"{reverse('accounts-local-login')}?{urlencode({'next': target})}"
        )
    request.session[NEXT_KEY] = target
    request.session[SKIP_ONBOARDING_KEY] = request.GET.get("skip_onboarding") in ("1", "true")
    redirect_uri = get_env().oidc_redirect_uri or request.build_absolute_uri(
        reverse("accounts-callback")
    )
    return client.authorize_redirect(request, redirect_uri)  # type: ignore[no-any-return]


def _after_login(request: HttpRequest, target: str, skip_onboarding: bool) -> HttpResponse:
    """First sign-in goes through onboarding (then on to ``target``) unless skipped."""
    profile = Profile.objects.filter(user_id=request.user.pk or 0).first()
    if profile is not None and not profile.completed_onboarding and not skip_onboarding:
        return HttpResponseRedirect(f"{onboarding_url()}?{urlencode({'next': target})}")
    return HttpResponseRedirect(target)


@require_GET
def callback_view(request: HttpRequest) -> HttpResponse:
    client = oidc_client()
    if client is None:
        return JsonResponse({"detail": "No OIDC provider is configured."}, status=404)
    try:
        token = client.authorize_access_token(request)
        claims = dict(token.get("userinfo") or {})  # the validated ID token's claims
        if "email" not in claims:  # a provider that keeps profile claims out of the ID token
            userinfo = dict(client.userinfo(token=token))
            if userinfo.get("sub") != claims.get("sub"):
                raise IdentityError("userinfo names another subject than the ID token")
            claims.update({k: v for k, v in userinfo.items() if v is not None})
        user = user_from_claims(claims)
    except (OAuthError, IdentityError) as error:
        logger.warning("OIDC sign-in failed: %s", error)
        return JsonResponse({"detail": f"Sign-in failed: {error}"}, status=400)
    if not user.is_active:
        return JsonResponse({"detail": "This account is disabled."}, status=403)
    target = request.session.pop(NEXT_KEY, None) or safe_next(request, None)
    skip = bool(request.session.pop(SKIP_ONBOARDING_KEY, False))
    login(request, user, backend=OIDC_BACKEND)
    if token.get("id_token"):
        request.session[ID_TOKEN_KEY] = token["id_token"]
    return _after_login(request, target, skip)


class LocalLoginView(LoginView):
    """Username + password sign-in for local accounts (``learn users create``)."""

    template_name = "accounts/login.html"
    redirect_authenticated_user = False

    def get_success_url(self) -> str:
        return safe_next(
            self.request, self.request.POST.get("next") or self.request.GET.get("next")
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["next"] = self.request.GET.get("next", "")
        context["provider"] = oidc_client() is not None
        return context


def logout_view(request: HttpRequest) -> HttpResponse:
    """End the session here and go back to the web app (or ``next``)."""
    target = safe_next(request, request.GET.get("next"))
    logout(request)
    return HttpResponseRedirect(target)


def logout_oidc_view(request: HttpRequest) -> HttpResponse:
    """End the session here and at the provider (RP-initiated logout when it offers it)."""
    id_token = request.session.get(ID_TOKEN_KEY)
    target = safe_next(request, request.GET.get("next"))
    logout(request)
    client = oidc_client()
    if client is None:
        return HttpResponseRedirect(target)
    try:
        metadata = client.load_server_metadata()
    except Exception:  # the provider is down: the local session is gone all the same
        logger.exception("could not load the provider's metadata for logout")
        return HttpResponseRedirect(target)
    end_session = metadata.get("end_session_endpoint")
    if not end_session:
        return HttpResponseRedirect(target)
    params = {"post_logout_redirect_uri": target, "client_id": get_env().oidc_client_id}
    if id_token:
        params["id_token_hint"] = id_token
    return HttpResponseRedirect(f"{end_session}?{urlencode(params)}")


def admin_login_view(request: HttpRequest) -> HttpResponse:
    """The admin signs in through the same sign-in as the site."""
    target = request.GET.get("next") or "/admin/"
    return HttpResponseRedirect(f"{reverse('accounts-login')}?{urlencode({'next': target})}")
