"""Forms of the payout pages: statements by month, generating and approving them, and the
Zengin transfer file, each saved by its service."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kado_tenants.payouts.choices import StatementStatus
from kado_tenants.payouts.selectors import payout_statement_list, statements_awaiting_transfer
from kado_tenants.payouts.services import (
    payout_statement_approve,
    payout_statements_generate,
    zengin_export,
)
from kado_web.forms.base import DateInput, ServiceForm


class MonthInput(forms.DateInput):
    input_type = "month"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m")


class MonthField(forms.DateField):
    """A calendar month ("2023-05"; a full date is taken as its month): its first day."""

    widget = MonthInput
    input_formats = ["%Y-%m", "%Y-%m-%d"]

    def to_python(self, value):
        day = super().to_python(value)
        return day.replace(day=1) if day else day


def last_closed_month(today: datetime.date | None = None) -> datetime.date:
    """The first day of the month before this one: the latest month that has closed."""
    today = today or timezone.localdate()
    return (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


class StatementFilterForm(forms.Form):
    month = MonthField(label=_("Month"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("All")), *StatementStatus.choices]

    def value(self, name, default=None):
        self.is_valid()
        value = self.cleaned_data.get(name)
        return default if value in (None, "") else value


class GenerateForm(ServiceForm):
    month = MonthField(
        label=_("Month to pay"),
        help_text=_("A month that has ended; running it again rebuilds its drafts."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["month"].initial = last_closed_month()

    def perform(self, *, month):
        return payout_statements_generate(month=month, acting_user=self.user)


class ApproveStatementForm(ServiceForm):
    def __init__(self, *args, statement, **kwargs):
        self.statement = statement
        super().__init__(*args, **kwargs)

    def perform(self):
        return payout_statement_approve(statement=self.statement, acting_user=self.user)


class StatementChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.month:%Y-%m} #{obj.sequence} {obj.worker.name}"


class ZenginExportForm(ServiceForm):
    """Approved statements and a transfer date. Any statement of the region is accepted
    here, so the service is the one to refuse a draft or one already in a file (with its
    reason, next to the field); only those awaiting transfer are offered."""

    statements = StatementChoiceField(
        label=_("Approved statements to pay"), queryset=None, widget=forms.CheckboxSelectMultiple
    )
    transfer_date = forms.DateField(label=_("Transfer date"), widget=DateInput())
    field_map = {"statement_ids": "statements"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["statements"]
        field.queryset = payout_statement_list()
        field.widget.choices = [
            (statement.pk, field.label_from_instance(statement))
            for statement in statements_awaiting_transfer()
        ]
        self.fields["transfer_date"].initial = timezone.localdate() + datetime.timedelta(days=1)

    def perform(self, *, statements, transfer_date):
        return zengin_export(
            statements=list(statements), transfer_date=transfer_date, acting_user=self.user
        )
