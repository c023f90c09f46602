from django.shortcuts import render
from django.utils import timezone

from kado_platform.accounts.policy import Perm, roles_on
from kado_tenants.orders.selectors import (
    minutes_logged,
    order_list,
    order_status_counts,
    worklog_list,
)
from kado_tenants.workforce.selectors import worker_status_counts
from kado_tenants.workforce.services import WorkerStatus
from kado_web.views.base import PermissionView


class DashboardView(PermissionView):
    permission = Perm.REGION_READ

    def get(self, request):
        today = timezone.localdate()
        workers = worker_status_counts()
        active = next((row["count"] for row in workers if row["status"] == WorkerStatus.ACTIVE), 0)
        context = {
            "roles": sorted(roles_on(request.user, request.tenant)),
            "status_counts": order_status_counts(),
            "worker_counts": workers,
            "workers_active": active,
            "minutes_this_month": minutes_logged(month=today),
            "month": today,
            "waiting_approval": worklog_list(approved=False).count(),
            "recent_orders": order_list()[:5],
        }
        return render(request, "kado_web/region/dashboard.html", context)
