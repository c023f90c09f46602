"""A session belongs to the host it was made on.

Cookies are host-only already; this also stamps the region into the session at login so
that a cookie replayed on another region's host is refused (SessionRegionMiddleware).
"""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

SESSION_REGION_KEY = "kado_region"


def region_of(request) -> str:
    return request.tenant.schema_name


@receiver(user_logged_in, dispatch_uid="kado_bind_session_to_region")
def bind_session_to_region(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "tenant"):
        request.session[SESSION_REGION_KEY] = region_of(request)
