"""Workers: the list, a worker's page (with, for region admins, the bank account they are
paid to), registering and editing them, and the region's skills."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kado_platform.accounts.policy import Perm
from kado_tenants.orders.selectors import worklog_list
from kado_tenants.payouts.selectors import bank_account_for
from kado_tenants.workforce.selectors import availability_for, skill_list, worker_get, worker_list
from kado_web.forms.workers import (
    AvailabilityFormSet,
    BankAccountForm,
    SkillForm,
    WorkerFilterForm,
    WorkerForm,
    WorkerStatusForm,
)
from kado_web.views.base import PermissionView


class WorkerListView(PermissionView):
    permission = Perm.REGION_READ

    def get(self, request):
        filters = WorkerFilterForm(request.GET)
        workers = worker_list(
            status=filters.value("status"),
            skill_codes=filters.value("skill"),
            search=filters.value("q", ""),
        )
        page = self.paginate(workers)
        template = (
            "kado_web/region/workers/_results.html"
            if self.is_htmx()
            else "kado_web/region/workers/list.html"
        )
        return render(request, template, {"filters": filters, "page": page})


class WorkerDetailView(PermissionView):
    permission = Perm.REGION_READ

    def get(self, request, pk):
        worker = self.found(worker_get(pk=pk))
        return self.show(request, worker, WorkerStatusForm(worker=worker, user=request.user))

    def show(self, request, worker, status_form, status=200, *, bank_form=None):
        can_pay = self.can(Perm.REGION_ADMIN)
        availability = list(availability_for(worker))
        context = {
            "worker": worker,
            "availability": availability,
            "weekly_minutes": sum(window.minutes for window in availability),
            "status_changes": worker.status_changes.all(),
            "recent_logs": worklog_list(worker=worker)[:10],
            "status_form": status_form,
            "can_write": self.can(Perm.REGION_WRITE),
            "can_see_sensitive": self.can(Perm.REGION_SENSITIVE),
            "can_pay": can_pay,
            "bank_account": bank_account_for(worker) if can_pay else None,
            "bank_form": (bank_form or BankAccountForm(worker=worker, user=request.user))
            if can_pay
            else None,
        }
        return render(request, "kado_web/region/workers/detail.html", context, status=status)


class WorkerStatusView(WorkerDetailView):
    permission = Perm.REGION_WRITE
    http_method_names = ["post"]

    def post(self, request, pk):
        worker = self.found(worker_get(pk=pk))
        form = WorkerStatusForm(request.POST, worker=worker, user=request.user)
        if form.save():
            messages.success(request, _("The status was changed."))
            return redirect("worker_detail", pk=worker.pk)
        return self.show(request, worker, form)


class WorkerEditView(PermissionView):
    permission = Perm.REGION_WRITE

    def get_worker(self, pk):
        return self.found(worker_get(pk=pk)) if pk is not None else None

    def form(self, data=None, worker=None):
        return WorkerForm(
            data,
            worker=worker,
            user=self.request.user,
            sensitive=self.can(Perm.REGION_SENSITIVE),
        )

    def get(self, request, pk=None):
        worker = self.get_worker(pk)
        return self.show(request, self.form(worker=worker), worker)

    def post(self, request, pk=None):
        worker = self.get_worker(pk)
        form = self.form(request.POST, worker=worker)
        saved = form.save()
        if saved is not None:
            messages.success(
                request, _("The worker was registered.") if worker is None else _("Saved.")
            )
            return redirect("worker_detail", pk=saved.pk)
        return self.show(request, form, worker)

    def show(self, request, form, worker):
        return render(
            request, "kado_web/region/workers/form.html", {"form": form, "worker": worker}
        )


class WorkerBankAccountView(WorkerDetailView):
    """Set or replace the account a worker is paid to (口座); region admins only."""

    permission = Perm.REGION_ADMIN
    http_method_names = ["post"]

    def post(self, request, pk):
        worker = self.found(worker_get(pk=pk))
        form = BankAccountForm(request.POST, worker=worker, user=request.user)
        if form.save() is not None:
            messages.success(request, _("The bank account was saved."))
            return redirect("worker_detail", pk=worker.pk)
        status_form = WorkerStatusForm(worker=worker, user=request.user)
        return self.show(request, worker, status_form, bank_form=form)


class WorkerAvailabilityView(PermissionView):
    """Replace a worker's weekly windows as a whole, as the API's worker mutation does."""

    permission = Perm.REGION_WRITE

    def formset(self, worker, data=None):
        return AvailabilityFormSet(data, worker=worker, user=self.request.user)

    def get(self, request, pk):
        worker = self.found(worker_get(pk=pk))
        return self.show(request, worker, self.formset(worker))

    def post(self, request, pk):
        worker = self.found(worker_get(pk=pk))
        formset = self.formset(worker, request.POST)
        if formset.save() is not None:
            messages.success(request, _("The weekly availability was saved."))
            return redirect("worker_detail", pk=worker.pk)
        return self.show(request, worker, formset)

    def show(self, request, worker, formset):
        return render(
            request,
            "kado_web/region/workers/availability.html",
            {"worker": worker, "formset": formset},
        )


class SkillListView(PermissionView):
    """The region's skills; region admins add one (its code names it from then on)."""

    permission = Perm.REGION_READ

    def get(self, request):
        return self.show(request, SkillForm(user=request.user))

    def show(self, request, form):
        return render(
            request,
            "kado_web/region/workers/skills.html",
            {
                "skills": skill_list(),
                "form": form if self.can(Perm.REGION_ADMIN) else None,
            },
        )


class SkillCreateView(SkillListView):
    permission = Perm.REGION_ADMIN
    http_method_names = ["post"]

    def post(self, request):
        form = SkillForm(request.POST, user=request.user)
        skill = form.save()
        if skill is not None:
            messages.success(request, _("The skill %(name)s was added.") % {"name": skill.name})
            return redirect("skill_list")
        return self.show(request, form)
