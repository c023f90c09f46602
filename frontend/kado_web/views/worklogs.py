from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from kado_platform.accounts.policy import Perm
from kado_tenants.orders.selectors import worklog_get, worklog_list
from kado_web.forms.orders import ApproveForm, WorkLogFilterForm
from kado_web.forms.worklogs import WorkLogEditForm, WorkLogWithdrawForm
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
                "can_correct": self.can(Perm.REGION_WRITE),
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
                {
                    "log": work_log,
                    "can_approve": True,
                    "row_errors": form.non_field_errors(),
                    # An approved row loses its correction buttons (an out-of-band swap).
                    "swap_corrections": self.can(Perm.REGION_WRITE),
                },
            )
        if approved:
            messages.success(request, _("The work log was approved."))
        else:
            for error in form.non_field_errors():
                messages.error(request, error)
        return redirect(back_to(request))


def back_to(request, *, default="worklog_list"):
    """The list page the form was sent from (its filters kept), or `default`."""
    back = request.POST.get("next") or request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = default
    return back


class WorkLogEditView(PermissionView):
    """Correct an unapproved log; an approved one is the basis of pay and stays as it is."""

    permission = Perm.REGION_WRITE

    def get(self, request, pk):
        work_log = self.found(worklog_get(pk=pk))
        if work_log.is_approved:
            messages.error(request, _("An approved work log can no longer be corrected."))
            return redirect("worklog_list")
        return self.show(request, WorkLogEditForm(work_log=work_log, user=request.user))

    def post(self, request, pk):
        work_log = self.found(worklog_get(pk=pk))
        form = WorkLogEditForm(request.POST, work_log=work_log, user=request.user)
        if form.save() is not None:
            messages.success(request, _("The work log was corrected."))
            return redirect(back_to(request))
        return self.show(request, form)

    def show(self, request, form):
        return render(
            request,
            "kado_web/region/worklogs/edit.html",
            {"form": form, "log": form.work_log, "next": back_to(request, default="")},
        )


class WorkLogWithdrawView(PermissionView):
    """Delete a log recorded in error, before approval, after the page asked to confirm."""

    permission = Perm.REGION_WRITE
    http_method_names = ["post"]

    def post(self, request, pk):
        work_log = self.found(worklog_get(pk=pk))
        form = WorkLogWithdrawForm({}, work_log=work_log, user=request.user)
        if form.save() is not None:
            messages.success(request, _("The work log was withdrawn."))
        else:
            for error in form.non_field_errors():
                messages.error(request, error)
        return redirect(back_to(request))
