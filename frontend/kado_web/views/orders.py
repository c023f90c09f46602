from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kado_platform.accounts.policy import Perm
from kado_tenants.orders.lifecycle import INVOICEABLE_STATUSES, OPEN_STATUSES, OrderStatus
from kado_tenants.orders.selectors import (
    assignments_for,
    order_get,
    order_list,
    order_progress,
    worklog_list,
)
from kado_tenants.payouts.selectors import commission_notice_list
from kado_tenants.payouts.services import notice_required
from kado_web.forms.orders import (
    AssignmentForm,
    OrderFilterForm,
    OrderForm,
    TransitionForm,
    WorkLogForm,
    transition_choices,
)
from kado_web.views.base import PermissionView


class OrderListView(PermissionView):
    permission = Perm.REGION_READ

    def get(self, request):
        filters = OrderFilterForm(request.GET)
        orders = order_list(
            status=filters.value("status"),
            category=filters.value("category"),
            client=filters.value("client"),
            search=filters.value("q", ""),
            fiscal_year=filters.value("fiscal_year"),
        )
        template = (
            "kado_web/region/orders/_results.html"
            if self.is_htmx()
            else "kado_web/region/orders/list.html"
        )
        return render(
            request,
            template,
            {
                "filters": filters,
                "page": self.paginate(orders),
                "can_write": self.can(Perm.REGION_WRITE),
            },
        )


class OrderDetailView(PermissionView):
    """The order with its workers, progress and the moves its life cycle allows."""

    permission = Perm.REGION_READ

    def get(self, request, pk):
        return self.show(request, self.found(order_get(pk=pk)))

    def show(self, request, order, *, transition_form=None, assignment_form=None, status=200):
        assignments = list(assignments_for(order))
        notices = {notice.assignment_id: notice for notice in commission_notice_list(order=order)}
        can_write = self.can(Perm.REGION_WRITE)
        logged, estimated = order_progress(order)
        context = {
            "order": order,
            "assignment_rows": [
                (a, notices.get(a.pk), notice_required(a.assigned_on)) for a in assignments
            ],
            "logged_minutes": logged,
            "estimated_minutes": estimated,
            "transitions": transition_choices(order) if can_write else [],
            # Invoiced and paid have no button: the order's invoice sets them.
            "billed_by_invoicing": can_write
            and order.status in INVOICEABLE_STATUSES | {OrderStatus.INVOICED},
            "transition_form": transition_form,
            "assignment_form": assignment_form
            or (
                AssignmentForm(
                    order=order,
                    assigned_worker_ids=[a.worker_id for a in assignments],
                    user=request.user,
                )
                if can_write and order.status in OPEN_STATUSES
                else None
            ),
            "work_logs": self.paginate(worklog_list(order=order)),
            "can_write": can_write,
            "can_edit": can_write and order.status in OPEN_STATUSES,
            "can_log": can_write and bool(assignments) and order.status != "cancelled",
            "can_approve": self.can(Perm.REGION_APPROVE),
        }
        return render(request, "kado_web/region/orders/detail.html", context, status=status)


class OrderTransitionView(OrderDetailView):
    permission = Perm.REGION_WRITE
    http_method_names = ["post"]

    def post(self, request, pk):
        order = self.found(order_get(pk=pk))
        form = TransitionForm(request.POST, order=order, user=request.user)
        if form.save() is not None:
            messages.success(
                request,
                _("The order is now “%(status)s”.") % {"status": form.result.get_status_display()},
            )
            return redirect("order_detail", pk=order.pk)
        return self.show(request, self.found(order_get(pk=pk)), transition_form=form)


class AssignmentCreateView(OrderDetailView):
    permission = Perm.REGION_WRITE
    http_method_names = ["post"]

    def post(self, request, pk):
        order = self.found(order_get(pk=pk))
        assigned = [a.worker_id for a in order.assignments.all()]
        form = AssignmentForm(
            request.POST, order=order, assigned_worker_ids=assigned, user=request.user
        )
        if form.save() is not None:
            messages.success(request, _("The worker was assigned."))
            return redirect("order_detail", pk=order.pk)
        return self.show(request, order, assignment_form=form)


class OrderEditView(PermissionView):
    permission = Perm.REGION_WRITE

    def get(self, request, pk=None):
        order = self.found(order_get(pk=pk)) if pk is not None else None
        return self.show(request, OrderForm(order=order, user=request.user), order)

    def post(self, request, pk=None):
        order = self.found(order_get(pk=pk)) if pk is not None else None
        form = OrderForm(request.POST, order=order, user=request.user)
        saved = form.save()
        if saved is not None:
            messages.success(
                request,
                _("The order %(reference)s was registered.") % {"reference": saved.reference}
                if order is None
                else _("Saved."),
            )
            return redirect("order_detail", pk=saved.pk)
        return self.show(request, form, order)

    def show(self, request, form, order):
        return render(request, "kado_web/region/orders/form.html", {"form": form, "order": order})


class WorkLogCreateView(PermissionView):
    """Record minutes on an order for one of its workers."""

    permission = Perm.REGION_WRITE

    def get(self, request, pk):
        order = self.found(order_get(pk=pk))
        form = WorkLogForm(assignments=assignments_for(order), user=request.user)
        return self.show(request, form, order)

    def post(self, request, pk):
        order = self.found(order_get(pk=pk))
        form = WorkLogForm(request.POST, assignments=assignments_for(order), user=request.user)
        if form.save() is not None:
            messages.success(request, _("The work log was recorded."))
            return redirect("order_detail", pk=order.pk)
        return self.show(request, form, order)

    def show(self, request, form, order):
        return render(request, "kado_web/region/worklogs/form.html", {"form": form, "order": order})
