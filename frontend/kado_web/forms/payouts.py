"""Forms of the payout pages: statements by month, generating and approving them, the
Zengin transfer file, the region's payout settings (支払設定), withholding by category and
the response to an accommodation request, each saved by its service."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kado_tenants.orders.categories import Category
from kado_tenants.payouts.choices import AccountType, RecordSeparator, StatementStatus
from kado_tenants.payouts.selectors import (
    payout_settings_get,
    payout_statement_list,
    statements_awaiting_transfer,
)
from kado_tenants.payouts.services import (
    accommodation_request_respond,
    payout_settings_update,
    payout_statement_approve,
    payout_statements_generate,
    withholding_category_set,
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


class PayoutSettingsForm(ServiceForm):
    """The remitter (委託者) a Zengin file names, the payment rule and the file options.
    The digits and the kana are checked by the service, which names the field at fault."""

    principal_name = forms.CharField(
        label=_("Commissioning party (委託事業者名)"),
        max_length=200,
        required=False,
        help_text=_("As written on the terms notice (3条通知); empty: the region's name."),
    )
    remitter_code = forms.CharField(
        label=_("Remitter code (振込依頼人コード)"),
        max_length=20,
        required=False,
        help_text=_("10 digits, given by the paying bank."),
    )
    remitter_name_kana = forms.CharField(
        label=_("Remitter name (kana)"),
        max_length=80,
        required=False,
        help_text=_("As the bank registered it; written in half-width kana in the file."),
    )
    bank_code = forms.CharField(
        label=_("Bank code"), max_length=10, required=False, help_text=_("4 digits.")
    )
    branch_code = forms.CharField(
        label=_("Branch code"), max_length=10, required=False, help_text=_("3 digits.")
    )
    account_type = forms.ChoiceField(label=_("Account type"), choices=AccountType.choices)
    account_number = forms.CharField(
        label=_("Account number"), max_length=10, required=False, help_text=_("Up to 7 digits.")
    )
    payment_month_offset = forms.TypedChoiceField(
        label=_("Payment month"),
        coerce=int,
        choices=[(0, _("The closing month")), (1, _("The month after closing"))],
    )
    payment_day = forms.IntegerField(
        label=_("Payment day"),
        min_value=1,
        max_value=31,
        help_text=_("31 means the month's last day."),
    )
    payment_method = forms.CharField(label=_("Payment method"), max_length=200)
    record_separator = forms.ChoiceField(
        label=_("Record separator"), choices=RecordSeparator.choices
    )

    def __init__(self, *args, **kwargs):
        settings = payout_settings_get()
        kwargs.setdefault("initial", {name: getattr(settings, name) for name in self.base_fields})
        super().__init__(*args, **kwargs)

    def perform(self, **changes):
        return payout_settings_update(acting_user=self.user, **changes)


class WithholdingCategoryForm(ServiceForm):
    category = forms.ChoiceField(label=_("Category of work"), choices=Category.choices)
    withholds = forms.BooleanField(label=_("Withhold income tax"), required=False)
    note = forms.CharField(
        label=_("Legal basis"),
        max_length=200,
        required=False,
        help_text=_("For example 所得税法第204条第1項第1号."),
    )

    def perform(self, *, category, withholds, note):
        return withholding_category_set(
            category=category, withholds=withholds, note=note, acting_user=self.user
        )


class AccommodationResponseForm(ServiceForm):
    response = forms.CharField(
        label=_("Response"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    responded_on = forms.DateField(label=_("Responded on"), widget=DateInput())

    def __init__(self, *args, request, **kwargs):
        self.request = request
        super().__init__(*args, **kwargs)
        self.fields["responded_on"].initial = timezone.localdate()

    def perform(self, *, response, responded_on):
        return accommodation_request_respond(
            request=self.request,
            response=response,
            responded_on=responded_on,
            acting_user=self.user,
        )
