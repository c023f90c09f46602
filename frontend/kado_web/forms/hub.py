"""Forms of the hub: the coordinator board's filters, capacity, federated orders and
allocations, and the leadership dashboard's fiscal year."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kado_platform.core.fiscal import fiscal_year_of
from kado_platform.federation.selectors import ORDERINGS, skill_code_list
from kado_platform.federation.services import (
    allocation_create,
    federated_order_cancel,
    federated_order_close,
    federated_order_create,
)
from kado_platform.regions.selectors import region_list
from kado_tenants.clients.choices import ClientKind
from kado_tenants.orders.categories import Category
from kado_tenants.orders.choices import ContractType
from kado_tenants.orders.lifecycle import OrderStatus
from kado_web.forms.base import DateInput, ServiceForm
from kado_web.japanese import fiscal_year_label
from kado_web.reports import FIRST_FISCAL_YEAR

MAX_CAPACITY_DAYS = 366
MAX_SKILLS = 20

SORTS = [
    ("RECEIVED_DESC", _("Received: newest first")),
    ("RECEIVED_ASC", _("Received: oldest first")),
    ("DUE_ASC", _("Due: soonest first")),
    ("DUE_DESC", _("Due: latest first")),
    ("AMOUNT_DESC", _("Amount: largest first")),
    ("AMOUNT_ASC", _("Amount: smallest first")),
]
assert {key for key, _label in SORTS} == set(ORDERINGS)


def fiscal_year_choices(latest: int | None = None) -> list[tuple[int, str]]:
    latest = latest or fiscal_year_of(timezone.localdate())
    return [(year, fiscal_year_label(year)) for year in range(latest, FIRST_FISCAL_YEAR - 1, -1)]


class Checkboxes(forms.CheckboxSelectMultiple):
    pass


class BoardFilterForm(forms.Form):
    """The API's filters of orders across regions. Invalid values are ignored, not fatal."""

    q = forms.CharField(label=_("Reference, title or client"), required=False, max_length=100)
    regions = forms.MultipleChoiceField(label=_("Regions"), required=False, widget=Checkboxes)
    statuses = forms.MultipleChoiceField(
        label=_("Statuses"), required=False, widget=Checkboxes, choices=OrderStatus.choices
    )
    categories = forms.MultipleChoiceField(
        label=_("Categories"), required=False, widget=Checkboxes, choices=Category.choices
    )
    client_kinds = forms.MultipleChoiceField(
        label=_("Kinds of client"), required=False, widget=Checkboxes, choices=ClientKind.choices
    )
    fiscal_year = forms.TypedChoiceField(
        label=_("Fiscal year"), required=False, coerce=int, empty_value=None
    )
    due_after = forms.DateField(label=_("Due on or after"), required=False, widget=DateInput())
    due_before = forms.DateField(label=_("Due on or before"), required=False, widget=DateInput())
    sort = forms.ChoiceField(label=_("Order by"), required=False, choices=SORTS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["regions"].choices = [(r.code, r.name) for r in region_list()]
        self.fields["fiscal_year"].choices = [("", _("All")), *fiscal_year_choices()]

    def filters(self) -> dict:
        """Keyword arguments of order_index_list from the valid fields."""
        self.is_valid()
        data = self.cleaned_data
        return {
            "regions": data.get("regions") or None,
            "statuses": data.get("statuses") or None,
            "categories": data.get("categories") or None,
            "client_kinds": data.get("client_kinds") or None,
            "fiscal_year": data.get("fiscal_year"),
            "due_after": data.get("due_after"),
            "due_before": data.get("due_before"),
            "search": data.get("q") or "",
            "order_by": data.get("sort") or "RECEIVED_DESC",
        }

    def has_detail_filters(self) -> bool:
        self.is_valid()
        return any(
            self.cleaned_data.get(name)
            for name in ("regions", "statuses", "categories", "client_kinds")
        )


class CapacityForm(forms.Form):
    skills = forms.MultipleChoiceField(
        label=_("Skills"),
        required=False,
        widget=Checkboxes,
        help_text=_("Workers who have every skill ticked. None ticked: every active worker."),
    )
    date_from = forms.DateField(label=_("Period from"), widget=DateInput())
    date_to = forms.DateField(label=_("Period to"), widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["skills"].choices = [(code, code) for code in skill_code_list()]
        today = timezone.localdate()
        self.fields["date_from"].initial = today
        self.fields["date_to"].initial = today + datetime.timedelta(days=27)

    def clean_skills(self):
        skills = self.cleaned_data["skills"]
        if len(skills) > MAX_SKILLS:
            raise forms.ValidationError(
                _("Ask for at most %(count)s skills."), params={"count": MAX_SKILLS}
            )
        return skills

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end:
            if end < start:
                self.add_error("date_to", _("The end cannot be before the start."))
            elif (end - start).days >= MAX_CAPACITY_DAYS:
                self.add_error(
                    "date_to",
                    _("The period can last at most %(days)s days.") % {"days": MAX_CAPACITY_DAYS},
                )
        return data


class FederatedOrderForm(ServiceForm):
    client_name = forms.CharField(label=_("Client"), max_length=200)
    client_kind = forms.ChoiceField(label=_("Kind of client"), choices=ClientKind.choices)
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
    total_minutes = forms.IntegerField(label=_("Estimated minutes in all"), min_value=1)
    total_units = forms.IntegerField(
        label=_("Units in all"),
        min_value=1,
        initial=1,
        help_text=_("1 for hourly work: its amount comes from the estimated minutes."),
    )
    received_on = forms.DateField(label=_("Received on"), widget=DateInput())
    due_on = forms.DateField(label=_("Due on"), widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["received_on"].initial = timezone.localdate()

    def perform(self, **data):
        return federated_order_create(acting_user=self.user, **data)


class RegionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class AllocationForm(ServiceForm):
    region = RegionChoiceField(label=_("Region"), queryset=None, to_field_name="code")
    minutes = forms.IntegerField(label=_("Minutes"), min_value=1)
    units = forms.IntegerField(
        label=_("Units"),
        min_value=1,
        initial=1,
        help_text=_("For work paid per deliverable; 1 for hourly work."),
    )

    def __init__(self, *args, federated_order, allocated_region_ids=(), **kwargs):
        self.federated_order = federated_order
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = region_list(include_suspended=False).exclude(
            pk__in=list(allocated_region_ids)
        )
        if federated_order.contract_type == ContractType.HOURLY:
            self.fields["units"].widget = forms.HiddenInput()

    def perform(self, *, region, minutes, units):
        return allocation_create(
            federated_order=self.federated_order,
            region=region,
            minutes=minutes,
            units=units,
            acting_user=self.user,
        )


class FederatedOrderStatusForm(ServiceForm):
    """Close or cancel a wide-area order: the button pressed names the action."""

    ACTIONS = {"close": federated_order_close, "cancel": federated_order_cancel}

    action = forms.ChoiceField(
        label=_("Close or cancel the order"),
        choices=[("close", _("Close")), ("cancel", _("Cancel"))],
    )

    def __init__(self, *args, federated_order, **kwargs):
        self.federated_order = federated_order
        super().__init__(*args, **kwargs)

    def perform(self, *, action):
        return self.ACTIONS[action](federated_order=self.federated_order, acting_user=self.user)


class FiscalYearForm(forms.Form):
    fiscal_year = forms.TypedChoiceField(label=_("Fiscal year"), coerce=int)

    def __init__(self, *args, latest: int, default: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fiscal_year"].choices = fiscal_year_choices(latest)
        self.fields["fiscal_year"].initial = default
        self.default = default

    def value(self) -> int:
        if self.is_bound and self.is_valid():
            return self.cleaned_data["fiscal_year"]
        return self.default
