from django.contrib.auth import logout
from django.contrib.auth.models import AnonymousUser
from django.http import JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from kado_platform.accounts.policy import Perm, has_perm
from kado_platform.accounts.sessions import SESSION_REGION_KEY, region_of


class SessionRegionMiddleware:
    """Refuse a signed-in session on any host but the one it was made on."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and hasattr(request, "tenant")
            and user.is_authenticated
            and request.session.get(SESSION_REGION_KEY) != region_of(request)
        ):
            logout(request)
            request.user = AnonymousUser()
        return self.get_response(request)


class ApiTokenMiddleware:
    """`Authorization: Bearer <token>` signs a GraphQL client in for this request only.

    A bad, expired or revoked token, or one whose user holds no role on this host, is a
    401 at once: it never falls back to a cookie session. Browsers never send the header
    on their own, so requests carrying it need no CSRF token.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        header = request.headers.get("Authorization", "")
        if not header:
            return self.get_response(request)
        from kado_platform.accounts.selectors import api_token_for

        scheme, _sep, raw = header.partition(" ")
        token = api_token_for(raw.strip()) if scheme.lower() == "bearer" else None
        if token is None or not token.is_usable():
            return self._refuse(_("The API token is invalid, expired or revoked."))
        if not hasattr(request, "tenant") or not has_perm(token.user, Perm.SIGN_IN, request.tenant):
            return self._refuse(_("The API token is not valid on this host."))
        request.user = token.user
        request.api_token = token
        request._dont_enforce_csrf_checks = True
        if token.last_used_at is None or (timezone.now() - token.last_used_at).total_seconds() > 60:
            type(token).objects.filter(pk=token.pk).update(last_used_at=timezone.now())
        return self.get_response(request)

    @staticmethod
    def _refuse(message):
        response = JsonResponse(
            {"errors": [{"message": message, "extensions": {"code": "unauthenticated"}}]},
            status=401,
        )
        response["WWW-Authenticate"] = 'Bearer realm="kado"'
        return response
