"""Invoices (請求書) for region admins: the 電子帳簿保存法 search, one invoice with what a
qualified invoice shows, its PDF, and the steps of its life cycle.

Every step is a POST form calling its service; a refusal re-renders the invoice with the
message next to the field it names and nothing written (the services are atomic).
"""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kado_platform.accounts.policy import Perm
from kado_tenants.invoicing.pdf import invoice_pdf
from kado_tenants.invoicing.selectors import (
    InvoiceKind,
    InvoiceStatus,
    invoice_get,
    invoice_list,
    invoice_versions,
    invoiceable_orders,
)
from kado_web.forms.invoicing import (
    InvoiceCorrectForm,
    InvoiceCreateForm,
    InvoiceCreditNoteForm,
    InvoiceFilterForm,
    InvoiceIssueForm,
    InvoicePaidForm,
)
from kado_web.views.base import PermissionView


def invoice_label(invoice) -> str:
    if not invoice.number:
        return _("Draft #%(id)s") % {"id": invoice.pk}
    return f"{invoice.number}-{invoice.version}"


class InvoiceListView(PermissionView):
    permission = Perm.REGION_ADMIN

    def get(self, request):
        filters = InvoiceFilterForm(request.GET)
        status = filters.value("status")
        invoices = invoice_list(
            date_from=filters.value("date_from"),
            date_to=filters.value("date_to"),
            min_amount=filters.value("min_amount"),
            max_amount=filters.value("max_amount"),
            client=filters.value("client"),
            counterparty=filters.value("counterparty", ""),
            statuses=[status] if status else None,
        )
        template = (
            "kado_web/region/invoices/_results.html"
            if self.is_htmx()
            else "kado_web/region/invoices/list.html"
        )
        return render(
            request,
            template,
            {
                "filters": filters,
                "page": self.paginate(invoices),
                "has_invoiceable": invoiceable_orders().exists(),
            },
        )


class InvoiceCreateView(PermissionView):
    """A draft from delivered orders of one client."""

    permission = Perm.REGION_ADMIN

    def get(self, request):
        return self.show(request, InvoiceCreateForm(user=request.user))

    def post(self, request):
        form = InvoiceCreateForm(request.POST, user=request.user)
        draft = form.save()
        if draft is not None:
            messages.success(request, _("The draft invoice was created."))
            return redirect("invoice_detail", pk=draft.pk)
        return self.show(request, form)

    def show(self, request, form):
        return render(request, "kado_web/region/invoices/create.html", {"form": form})


class InvoiceDetailView(PermissionView):
    """One version: issuer and registration number, lines, tax per rate, its versions."""

    permission = Perm.REGION_ADMIN

    def get(self, request, pk):
        return self.show(request, self.found(invoice_get(pk=pk)))

    def show(self, request, invoice, *, issue_form=None, paid_form=None, credit_form=None):
        is_invoice = invoice.kind == InvoiceKind.INVOICE
        issued = invoice.status == InvoiceStatus.ISSUED
        user = request.user
        context = {
            "invoice": invoice,
            "label": invoice_label(invoice),
            "lines": list(invoice.lines.all()),
            "tax_subtotals": sorted(invoice.tax_subtotals.all(), key=lambda s: -s.tax_rate),
            "versions": invoice_versions(invoice),
            "issue_form": issue_form
            or (InvoiceIssueForm(invoice=invoice, user=user) if invoice.is_draft else None),
            "paid_form": paid_form
            or (InvoicePaidForm(invoice=invoice, user=user) if issued and is_invoice else None),
            "credit_form": credit_form
            or (
                InvoiceCreditNoteForm(invoice=invoice, user=user)
                if is_invoice and invoice.status in (InvoiceStatus.ISSUED, InvoiceStatus.PAID)
                else None
            ),
            "can_correct": issued and is_invoice,
        }
        return render(request, "kado_web/region/invoices/detail.html", context)


class InvoiceIssueView(InvoiceDetailView):
    http_method_names = ["post"]

    def post(self, request, pk):
        invoice = self.found(invoice_get(pk=pk))
        form = InvoiceIssueForm(request.POST, invoice=invoice, user=request.user)
        if form.save() is not None:
            messages.success(
                request,
                _("Invoice %(number)s was issued.") % {"number": form.result.number},
            )
            return redirect("invoice_detail", pk=invoice.pk)
        return self.show(request, self.found(invoice_get(pk=pk)), issue_form=form)


class InvoicePaidView(InvoiceDetailView):
    http_method_names = ["post"]

    def post(self, request, pk):
        invoice = self.found(invoice_get(pk=pk))
        form = InvoicePaidForm(request.POST, invoice=invoice, user=request.user)
        if form.save() is not None:
            messages.success(request, _("The invoice is recorded as paid."))
            return redirect("invoice_detail", pk=invoice.pk)
        return self.show(request, self.found(invoice_get(pk=pk)), paid_form=form)


class InvoiceCreditNoteView(InvoiceDetailView):
    http_method_names = ["post"]

    def post(self, request, pk):
        invoice = self.found(invoice_get(pk=pk))
        form = InvoiceCreditNoteForm(request.POST, invoice=invoice, user=request.user)
        if form.save() is not None:
            messages.success(request, _("The credit note was issued."))
            return redirect("invoice_detail", pk=form.result.pk)
        return self.show(request, self.found(invoice_get(pk=pk)), credit_form=form)


class InvoiceCorrectView(PermissionView):
    """A corrected version of an issued invoice: same number, next version."""

    permission = Perm.REGION_ADMIN

    def get(self, request, pk):
        invoice = self.found(invoice_get(pk=pk))
        return self.show(request, invoice, InvoiceCorrectForm(invoice=invoice, user=request.user))

    def post(self, request, pk):
        invoice = self.found(invoice_get(pk=pk))
        form = InvoiceCorrectForm(request.POST, invoice=invoice, user=request.user)
        if form.save() is not None:
            messages.success(
                request,
                _("The corrected version %(label)s was issued.")
                % {"label": invoice_label(form.result)},
            )
            return redirect("invoice_detail", pk=form.result.pk)
        return self.show(request, self.found(invoice_get(pk=pk)), form)

    def show(self, request, invoice, form):
        return render(
            request,
            "kado_web/region/invoices/correct.html",
            {"invoice": invoice, "label": invoice_label(invoice), "form": form},
        )


class InvoicePdfView(PermissionView):
    """The invoice as the PDF the client receives (a draft prints as 下書き)."""

    permission = Perm.REGION_ADMIN

    def get(self, request, pk):
        invoice = self.found(invoice_get(pk=pk))
        name = (
            f"invoice-{invoice.number}-v{invoice.version}.pdf"
            if invoice.number
            else f"invoice-draft-{invoice.pk}.pdf"
        )
        response = HttpResponse(invoice_pdf(invoice), content_type="application/pdf")
        disposition = "attachment" if request.GET.get("download") else "inline"
        response["Content-Disposition"] = f'{disposition}; filename="{name}"'
        response["Cache-Control"] = "private, no-store"
        return response
