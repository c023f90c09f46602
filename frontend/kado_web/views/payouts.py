"""Payout statements (支払明細), the Zengin transfer file, the Freelance Act records
(accommodation requests and their responses, ends of relationships) and the payout
settings (支払設定: remitter details, payment rule, withholding by category), for region
admins.

A statement shows its lines, fee, consumption tax, withholding and net payment, and a
flag when the Freelance Act's 60-day limit is passed or near. The Zengin file is answered
as the service built it, byte for byte (Shift_JIS, 120-byte records).
"""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kado_platform.accounts.policy import Perm
from kado_tenants.payouts.selectors import (
    accommodation_request_get,
    accommodation_request_list,
    payout_settings_get,
    payout_statement_get,
    payout_statement_list,
    relationship_end_list,
    remitter_missing,
    statement_risk,
    statements_awaiting_transfer,
    transfer_batch_list,
    transfer_file_get,
    withholding_category_list,
)
from kado_web.forms.payouts import (
    AccommodationResponseForm,
    ApproveStatementForm,
    GenerateForm,
    PayoutSettingsForm,
    StatementFilterForm,
    WithholdingCategoryForm,
    ZenginExportForm,
)
from kado_web.views.base import PermissionView


def with_risk(statements):
    """Each statement with `risk` set: None, "due_soon", "overdue" or "transferred_late"."""
    today = timezone.localdate()
    rows = list(statements)
    for statement in rows:
        statement.risk = statement_risk(statement, today=today)
    return rows


def transfer_of(statement):
    """The statement's transfer item, or None (the reverse one-to-one raises if missing)."""
    return getattr(statement, "transfer", None)


class StatementListView(PermissionView):
    permission = Perm.REGION_ADMIN

    def get(self, request, *, generate_form=None):
        filters = StatementFilterForm(request.GET)
        statements = payout_statement_list(
            month=filters.value("month"), status=filters.value("status")
        )
        page = self.paginate(statements)
        page.object_list = with_risk(page.object_list)
        template = (
            "kado_web/region/payouts/_results.html"
            if self.is_htmx() and generate_form is None
            else "kado_web/region/payouts/list.html"
        )
        return render(
            request,
            template,
            {
                "filters": filters,
                "page": page,
                "generate_form": generate_form or GenerateForm(user=request.user),
            },
        )


class StatementGenerateView(StatementListView):
    http_method_names = ["post"]

    def post(self, request):
        form = GenerateForm(request.POST, user=request.user)
        made = form.save()
        if made is None:
            return self.get(request, generate_form=form)
        month = form.cleaned_data["month"]
        messages.success(
            request,
            ngettext(
                "%(count)s draft statement for %(month)s.",
                "%(count)s draft statements for %(month)s.",
                len(made),
            )
            % {"count": len(made), "month": f"{month:%Y-%m}"},
        )
        return redirect(f"{reverse('payout_list')}?month={month:%Y-%m}")


class StatementDetailView(PermissionView):
    permission = Perm.REGION_ADMIN

    def get(self, request, pk):
        return self.show(request, self.found(payout_statement_get(pk=pk)))

    def show(self, request, statement, *, approve_form=None):
        statement.risk = statement_risk(statement)
        transfer = transfer_of(statement)
        return render(
            request,
            "kado_web/region/payouts/detail.html",
            {
                "statement": statement,
                "lines": list(statement.lines.all()),
                "transfer": transfer,
                "approve_form": approve_form,
                "can_approve": not statement.is_approved,
            },
        )


class StatementApproveView(StatementDetailView):
    http_method_names = ["post"]

    def post(self, request, pk):
        statement = self.found(payout_statement_get(pk=pk))
        form = ApproveStatementForm({}, statement=statement, user=request.user)
        if form.save() is not None:
            messages.success(request, _("The payout statement was approved."))
            return redirect("payout_detail", pk=statement.pk)
        return self.show(request, self.found(payout_statement_get(pk=pk)), approve_form=form)


def zengin_file_response(filename: str, content: bytes) -> HttpResponse:
    response = HttpResponse(content, content_type="text/plain; charset=Shift_JIS")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


class TransferFileView(PermissionView):
    """A Zengin file made before, byte for byte (its digest checked), to hand in again."""

    permission = Perm.REGION_ADMIN

    def get(self, request, pk):
        filename, content = self.found(transfer_file_get(pk=pk))
        return zengin_file_response(filename, content)


class ZenginExportView(PermissionView):
    """Choose approved statements and a transfer date; the answer is the file itself."""

    permission = Perm.REGION_ADMIN

    def get(self, request):
        return self.show(request, ZenginExportForm(user=request.user))

    def post(self, request):
        form = ZenginExportForm(request.POST, user=request.user)
        export = form.save()
        if export is None:
            return self.show(request, form)
        return zengin_file_response(export.filename, export.content)

    def show(self, request, form):
        return render(
            request,
            "kado_web/region/payouts/zengin.html",
            {
                "form": form,
                "awaiting": with_risk(statements_awaiting_transfer()),
                "chosen": {str(value) for value in form["statements"].value() or ()},
                "batches": self.paginate(transfer_batch_list()),
            },
        )


class FreelanceRecordsView(PermissionView):
    """フリーランス法の記録: accommodation requests (art. 13), optionally only those still
    awaiting a response, and the notices ending relationships (art. 16). Only the dates,
    kinds and workers are listed: what was asked and answered is not shown here."""

    permission = Perm.REGION_ADMIN

    def get(self, request):
        awaiting = request.GET.get("awaiting") == "1"
        requests = self.paginate(accommodation_request_list(open_only=awaiting, with_text=False))
        ends = self.paginate(relationship_end_list(), page_param="ends_page")
        return render(
            request,
            "kado_web/region/payouts/freelance_records.html",
            {"awaiting": awaiting, "page": requests, "ends_page": ends},
        )


class PayoutSettingsView(PermissionView):
    """支払設定: what a Zengin file needs to name the region as remitter, when workers are
    paid, and which categories of work have income tax withheld."""

    permission = Perm.REGION_ADMIN

    def get(self, request):
        return self.show(request)

    def post(self, request):
        form = PayoutSettingsForm(request.POST, user=request.user)
        if form.save() is not None:
            messages.success(request, _("The payout settings were saved."))
            return redirect("payout_settings")
        return self.show(request, settings_form=form)

    def show(self, request, *, settings_form=None, withholding_form=None):
        settings = payout_settings_get()
        return render(
            request,
            "kado_web/region/payouts/settings.html",
            {
                "form": settings_form or PayoutSettingsForm(user=request.user),
                "withholding_form": withholding_form or WithholdingCategoryForm(user=request.user),
                "withholding": withholding_category_list(),
                "missing": [
                    PayoutSettingsForm.base_fields[name].label
                    for name in remitter_missing(settings)
                ],
            },
        )


class WithholdingCategoryView(PayoutSettingsView):
    http_method_names = ["post"]

    def post(self, request):
        form = WithholdingCategoryForm(request.POST, user=request.user)
        if form.save() is not None:
            messages.success(request, _("Withholding for the category was saved."))
            return redirect("payout_settings")
        return self.show(request, withholding_form=form)


class AccommodationRespondView(PermissionView):
    """The response to an accommodation request (Freelance Act art. 13), once; what was
    asked is shown here to region admins, who hold the sensitive permission."""

    permission = Perm.REGION_SENSITIVE

    def get(self, request, pk):
        item = self.found(accommodation_request_get(pk=pk))
        return self.show(request, item, AccommodationResponseForm(request=item, user=request.user))

    def post(self, request, pk):
        item = self.found(accommodation_request_get(pk=pk))
        form = AccommodationResponseForm(request.POST, request=item, user=request.user)
        if form.save() is not None:
            messages.success(request, _("The response was recorded."))
            return redirect("freelance_records")
        return self.show(request, self.found(accommodation_request_get(pk=pk)), form)

    def show(self, request, item, form):
        return render(
            request,
            "kado_web/region/payouts/respond.html",
            {"item": item, "form": form, "can_respond": item.responded_on is None},
        )
