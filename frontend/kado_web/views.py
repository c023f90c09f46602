from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import render

from kado_platform.accounts.policy import Perm, has_perm, roles_on
from kado_platform.regions.selectors import region_list
from kado_tenants.orders.selectors import order_status_counts


@login_required
def home(request):
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
    context = {"roles": sorted(roles)}
    if has_perm(request.user, Perm.REGION_READ, tenant):
        context["status_counts"] = order_status_counts()
    return render(request, "kado_web/home_region.html", context)


def healthz(request):
    return JsonResponse({"status": "ok"})
