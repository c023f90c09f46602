import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kado_platform.core.fiscal import fiscal_year_of
from kado_tenants.clients.selectors import client_list
from kado_tenants.orders.categories import Category
from kado_tenants.orders.lifecycle import OrderStatus, allowed_transitions
from kado_tenants.orders.services import (
    ContractType,
    assignment_create,
    order_create,
    order_transition,
    order_update,
    worklog_approve,
    worklog_record,
)
from kado_tenants.workforce.selectors import worker_list
from kado_tenants.workforce.services import WorkerStatus
from kado_web.forms.base import DateInput, FilterForm, ServiceForm


class ClientChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class OrderFilterForm(FilterForm):
    status = forms.ChoiceField(label=_("Status"), required=False)
    category = forms.ChoiceField(label=_("Category"), required=False)
    client = ClientChoiceField(
        label=_("Client"), queryset=None, required=False, empty_label=_("All")
    )
    fiscal_year = forms.TypedChoiceField(
        label=_("Fiscal year"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("All")), *OrderStatus.choices]
        self.fields["category"].choices = [("", _("All")), *Category.choices]
        self.fields["client"].queryset = client_list()
        latest = fiscal_year_of(timezone.localdate())
        self.fields["fiscal_year"].choices = [("", _("All"))] + [
            (year, _("FY%(year)s") % {"year": year}) for year in range(latest, latest - 12, -1)
        ]


class OrderForm(ServiceForm):
    client = ClientChoiceField(label=_("Client"), queryset=None)
    title = forms.CharField(label=_("Title"), max_length=200)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    contract_type = forms.ChoiceField(
        label=_("Contract type"), choices=ContractType.choices, initial=ContractType.HOURLY
    )
    unit_price = forms.IntegerField(
        label=_("Unit price (yen)"),
        min_value=1,
        help_text=_("Per hour for hourly work, per unit otherwise."),
    )
    quantity = forms.IntegerField(
        label=_("Quantity"),
        min_value=1,
        initial=1,
        help_text=_("1 for hourly work: its amount comes from the estimated minutes."),
    )
    estimated_minutes = forms.IntegerField(label=_("Estimated minutes"), min_value=1)
    received_on = forms.DateField(label=_("Received on"), widget=DateInput())
    due_on = forms.DateField(label=_("Due on"), widget=DateInput())

    def __init__(self, *args, order=None, **kwargs):
        self.order = order
        if order is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                name: getattr(order, name) for name in self.base_fields if name != "client"
            } | {"client": order.client_id}
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = client_list()
        if order is None:
            self.fields["received_on"].initial = timezone.localdate()

    def perform(self, **data):
        if self.order is None:
            return order_create(acting_user=self.user, **data)
        return order_update(order=self.order, acting_user=self.user, **data)


class TransitionForm(ServiceForm):
    to_status = forms.ChoiceField(label=_("New status"))
    on_date = forms.DateField(label=_("Date"), widget=DateInput(), required=False)
    field_map = {"status": "to_status"}

    def __init__(self, *args, order, **kwargs):
        self.order = order
        super().__init__(*args, **kwargs)
        self.fields["to_status"].choices = transition_choices(order)
        self.fields["on_date"].initial = timezone.localdate()

    def perform(self, *, to_status, on_date):
        return order_transition(
            order=self.order, to_status=to_status, on_date=on_date, acting_user=self.user
        )


def transition_choices(order):
    """Only the moves the life cycle allows from the order's status, in life-cycle order."""
    allowed = allowed_transitions(order.status)
    return [(value, label) for value, label in OrderStatus.choices if value in allowed]


class WorkerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.name_kana}）"


class AssignmentForm(ServiceForm):
    worker = WorkerChoiceField(label=_("Worker"), queryset=None)
    assigned_on = forms.DateField(label=_("Assigned on"), widget=DateInput())
    agreed_amount = forms.IntegerField(
        label=_("Agreed fee (yen)"),
        required=False,
        min_value=1,
        help_text=_("Per-deliverable work only: the fee stated in the terms notice (3条通知)."),
    )

    def __init__(self, *args, order, assigned_worker_ids=(), **kwargs):
        self.order = order
        super().__init__(*args, **kwargs)
        if order.contract_type == ContractType.HOURLY:
            del self.fields["agreed_amount"]
        self.fields["worker"].queryset = worker_list(status=WorkerStatus.ACTIVE).exclude(
            pk__in=list(assigned_worker_ids)
        )
        self.fields["assigned_on"].initial = timezone.localdate()

    def perform(self, *, worker, assigned_on, agreed_amount=None):
        return assignment_create(
            order=self.order,
            worker=worker,
            assigned_on=assigned_on,
            agreed_amount=agreed_amount,
            acting_user=self.user,
        )


class AssignmentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.order.reference} {obj.order.title} / {obj.worker.name}"


class WorkLogForm(ServiceForm):
    assignment = AssignmentChoiceField(label=_("Order and worker"), queryset=None)
    work_date = forms.DateField(label=_("Work date"), widget=DateInput())
    minutes = forms.IntegerField(label=_("Minutes"), min_value=1, max_value=24 * 60)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, assignments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignment"].queryset = assignments
        self.fields["work_date"].initial = timezone.localdate()

    def perform(self, **data):
        return worklog_record(acting_user=self.user, **data)


class WorkLogFilterForm(forms.Form):
    approved = forms.TypedChoiceField(
        label=_("Approval"),
        required=False,
        choices=[("", _("All")), ("no", _("Waiting for approval")), ("yes", _("Approved"))],
        coerce=lambda value: {"yes": True, "no": False}.get(value),
        empty_value=None,
    )
    date_from = forms.DateField(label=_("Work date from"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("Work date until"), required=False, widget=DateInput())

    def value(self, name, default=None):
        self.is_valid()
        value = self.cleaned_data.get(name)
        return default if value is None else value


class ApproveForm(ServiceForm):
    def __init__(self, *args, work_log, **kwargs):
        self.work_log = work_log
        super().__init__(*args, **kwargs)

    def perform(self):
        return worklog_approve(work_log=self.work_log, acting_user=self.user)


def today() -> datetime.date:
    return timezone.localdate()
