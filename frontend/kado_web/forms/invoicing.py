"""Forms of the invoice pages: the 電子帳簿保存法 search, a draft from delivered orders, and
the life cycle's steps (issue, paid, correction, credit note), each saved by its service."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kado_tenants.clients.selectors import client_list
from kado_tenants.invoicing.selectors import (
    InvoiceStatus,
    TaxRate,
    invoiceable_orders,
    orders_by_pks,
)
from kado_tenants.invoicing.services import (
    invoice_correct,
    invoice_create,
    invoice_credit_note,
    invoice_issue,
    invoice_mark_paid,
)
from kado_web.forms.base import DateInput, ServiceForm
from kado_web.forms.orders import ClientChoiceField

MAX_YEN = 10**12


class InvoiceFilterForm(forms.Form):
    """GET filters of the invoice list: never invalid, a bad value is ignored."""

    status = forms.ChoiceField(label=_("Status"), required=False)
    client = ClientChoiceField(
        label=_("Client"), queryset=None, required=False, empty_label=_("All")
    )
    counterparty = forms.CharField(
        label=_("Counterparty (name or corporate number)"), required=False, max_length=100
    )
    date_from = forms.DateField(label=_("Issued from"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("Issued until"), required=False, widget=DateInput())
    min_amount = forms.IntegerField(
        label=_("Total from (yen)"), required=False, min_value=-MAX_YEN, max_value=MAX_YEN
    )
    max_amount = forms.IntegerField(
        label=_("Total up to (yen)"), required=False, min_value=-MAX_YEN, max_value=MAX_YEN
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("All")), *InvoiceStatus.choices]
        self.fields["client"].queryset = client_list()

    def value(self, name, default=None):
        self.is_valid()  # fills cleaned_data with the fields that are valid
        value = self.cleaned_data.get(name)
        return default if value in (None, "") else value


class OrderChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.reference} {obj.title}（{obj.client.name}）"


class InvoiceCreateForm(ServiceForm):
    """A draft to one client from its delivered or inspected orders not yet invoiced."""

    client = ClientChoiceField(label=_("Client"), queryset=None)
    orders = OrderChoiceField(
        label=_("Delivered orders"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Delivered or inspected orders that are on no current invoice."),
    )
    tax_rate = forms.TypedChoiceField(
        label=_("Tax rate"), choices=TaxRate.choices, coerce=int, initial=TaxRate.STANDARD
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = client_list()
        self.fields["orders"].queryset = invoiceable_orders().select_related("client")

    def perform(self, *, client, orders, tax_rate):
        # The orders in the order they are listed (the lines' order on the invoice).
        chosen = orders_by_pks(sorted(order.pk for order in orders))
        return invoice_create(
            client=client, orders=chosen, tax_rate=tax_rate, acting_user=self.user
        )


class InvoiceIssueForm(ServiceForm):
    issued_on = forms.DateField(label=_("Day of issue"), widget=DateInput())
    due_on = forms.DateField(
        label=_("Payment due on"),
        widget=DateInput(),
        required=False,
        help_text=_("Empty: the issuer's payment terms from the day of issue."),
    )

    def __init__(self, *args, invoice, **kwargs):
        self.invoice = invoice
        super().__init__(*args, **kwargs)
        self.fields["issued_on"].initial = timezone.localdate()

    def perform(self, *, issued_on, due_on):
        return invoice_issue(
            invoice=self.invoice, issued_on=issued_on, due_on=due_on, acting_user=self.user
        )


class InvoicePaidForm(ServiceForm):
    paid_on = forms.DateField(label=_("Paid on"), widget=DateInput())
    amount = forms.IntegerField(
        label=_("Amount received (yen)"),
        min_value=0,
        max_value=MAX_YEN,
        help_text=_("The invoice's total, tax included."),
    )

    def __init__(self, *args, invoice, **kwargs):
        self.invoice = invoice
        super().__init__(*args, **kwargs)
        self.fields["paid_on"].initial = timezone.localdate()
        self.fields["amount"].initial = invoice.total

    def perform(self, *, paid_on, amount):
        return invoice_mark_paid(
            invoice=self.invoice,
            paid_on=paid_on,
            amount=amount,
            acting_user=self.user,
            source="web",
        )


class InvoiceCreditNoteForm(ServiceForm):
    reason = forms.CharField(
        label=_("Reason for the credit note"), max_length=500, widget=forms.Textarea({"rows": 2})
    )
    issued_on = forms.DateField(label=_("Day of issue"), widget=DateInput())

    def __init__(self, *args, invoice, **kwargs):
        self.invoice = invoice
        super().__init__(*args, **kwargs)
        self.fields["issued_on"].initial = timezone.localdate()

    def perform(self, *, reason, issued_on):
        return invoice_credit_note(
            invoice=self.invoice, reason=reason, issued_on=issued_on, acting_user=self.user
        )


LINE_FIELDS = ("description", "transaction_date", "amount", "tax_rate")


class InvoiceCorrectForm(ServiceForm):
    """A corrected version: the reason, the dates, and every line of the invoice editable
    (fields `line_<n>_<name>`, n from 0 in the invoice's order)."""

    reason = forms.CharField(
        label=_("Reason for the correction"),
        max_length=500,
        widget=forms.Textarea({"rows": 2}),
    )
    issued_on = forms.DateField(label=_("Day of issue"), widget=DateInput())
    due_on = forms.DateField(
        label=_("Payment due on"),
        widget=DateInput(),
        required=False,
        help_text=_("Empty: the issuer's payment terms from the day of issue."),
    )

    def __init__(self, *args, invoice, **kwargs):
        self.invoice = invoice
        self.old_lines = list(invoice.lines.all())
        super().__init__(*args, **kwargs)
        self.fields["issued_on"].initial = timezone.localdate()
        self.fields["due_on"].initial = invoice.due_on
        for index, line in enumerate(self.old_lines):
            prefix = f"line_{index}_"
            self.fields[prefix + "description"] = forms.CharField(
                label=_("Line %(n)s: description") % {"n": index + 1},
                max_length=200,
                initial=line.description,
            )
            self.fields[prefix + "transaction_date"] = forms.DateField(
                label=_("Line %(n)s: transaction date") % {"n": index + 1},
                widget=DateInput(),
                initial=line.transaction_date,
            )
            self.fields[prefix + "amount"] = forms.IntegerField(
                label=_("Line %(n)s: amount before tax (yen)") % {"n": index + 1},
                min_value=0,
                max_value=MAX_YEN,
                initial=line.amount,
            )
            self.fields[prefix + "tax_rate"] = forms.TypedChoiceField(
                label=_("Line %(n)s: tax rate") % {"n": index + 1},
                choices=TaxRate.choices,
                coerce=int,
                initial=line.tax_rate,
            )

    def header_fields(self):
        return [self[name] for name in ("reason", "issued_on", "due_on")]

    def line_rows(self):
        """Per line: its order (if any) and its four bound fields."""
        return [
            {
                "line": line,
                "fields": [self[f"line_{index}_{name}"] for name in LINE_FIELDS],
            }
            for index, line in enumerate(self.old_lines)
        ]

    def add_domain_error(self, error):
        # "lines.<n>.<name>" names one line's field; "lines" and "invoice" the whole form.
        parts = (error.field or "").split(".")
        if len(parts) == 3 and parts[0] == "lines" and parts[1].isdigit():
            name = f"line_{parts[1]}_{parts[2]}"
            if name in self.fields:
                self.cleaned_data.pop(name, None)
                self.add_error(name, error.message)
                return
        super().add_domain_error(error)

    def perform(self, *, reason, issued_on, due_on, **line_data):
        lines = [
            {
                "description": line_data[f"line_{index}_description"],
                "transaction_date": line_data[f"line_{index}_transaction_date"],
                "amount": line_data[f"line_{index}_amount"],
                "tax_rate": line_data[f"line_{index}_tax_rate"],
                "order": line.order,
            }
            for index, line in enumerate(self.old_lines)
        ]
        return invoice_correct(
            invoice=self.invoice,
            reason=reason,
            lines=lines,
            issued_on=issued_on,
            due_on=due_on,
            acting_user=self.user,
        )
