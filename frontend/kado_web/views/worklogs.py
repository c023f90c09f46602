from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from kado_platform.accounts.policy import Perm
from kado_tenants.orders.selectors import worklog_list
from kado_web.forms.orders import ApproveForm, WorkLogFilterForm
from kado_web.views.base import PermissionView


class WorkLogListView(PermissionView):
    permission = Perm.REGION_READ

    def get(self, request):
        filters = WorkLogFilterForm(request.GET)
        logs = worklog_list(
            approved=filters.value("approved"),
            date_from=filters.value("date_from"),
            date_to=filters.value("date_to"),
        )
        template = (
            "kado_web/region/worklogs/_results.html"
            if self.is_htmx()
            else "kado_web/region/worklogs/list.html"
        )
        return render(
            request,
            template,
            {
                "filters": filters,
                "page": self.paginate(logs),
                "can_approve": self.can(Perm.REGION_APPROVE),
            },
        )


class WorkLogApproveView(PermissionView):
    permission = Perm.REGION_APPROVE
    http_method_names = ["post"]

    def post(self, request, pk):
        work_log = self.found(worklog_list().filter(pk=pk).first())
        form = ApproveForm({}, work_log=work_log, user=request.user)
        approved = form.save() is not None
        if self.is_htmx():
            work_log = worklog_list().filter(pk=pk).first()
            return render(
                request,
                "kado_web/region/worklogs/_approval.html",
                {"log": work_log, "can_approve": True, "row_errors": form.non_field_errors()},
            )
        if approved:
            messages.success(request, _("The work log was approved."))
        else:
            for error in form.non_field_errors():
                messages.error(request, error)
        back = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
            back = "worklog_list"
        return redirect(back)
