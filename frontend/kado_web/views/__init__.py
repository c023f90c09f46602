from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import render

from kado_platform.accounts.policy import roles_on
from kado_platform.regions.selectors import region_list
from kado_web.views.dashboard import DashboardView


@login_required
def home(request):
    """The hub's start page, or a region's dashboard."""
    tenant = request.tenant
    roles = roles_on(request.user, tenant)
    if not roles:
        raise PermissionDenied
    if tenant.is_federation:
        return render(
            request,
            "kado_web/home_hub.html",
            {"regions": region_list(), "roles": sorted(roles)},
        )
    return DashboardView.as_view()(request)


def healthz(request):
    return JsonResponse({"status": "ok"})
