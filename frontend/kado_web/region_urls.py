"""The region workspace: on a region host only (kado_platform.urls.region includes it)."""

from django.urls import include, path

from kado_web.views import clients, invoicing, orders, payouts, workers, worklogs
from kado_web.views.dashboard import DashboardView

urlpatterns = [
    path("dashboard/", DashboardView.as_view(), name="dashboard"),
    path("workers/", workers.WorkerListView.as_view(), name="worker_list"),
    path("workers/new/", workers.WorkerEditView.as_view(), name="worker_create"),
    path("workers/skills/", workers.SkillListView.as_view(), name="skill_list"),
    path("workers/skills/new/", workers.SkillCreateView.as_view(), name="skill_create"),
    path("workers/<int:pk>/", workers.WorkerDetailView.as_view(), name="worker_detail"),
    path("workers/<int:pk>/edit/", workers.WorkerEditView.as_view(), name="worker_edit"),
    path("workers/<int:pk>/status/", workers.WorkerStatusView.as_view(), name="worker_status"),
    path(
        "workers/<int:pk>/bank-account/",
        workers.WorkerBankAccountView.as_view(),
        name="worker_bank_account",
    ),
    path(
        "workers/<int:pk>/availability/",
        workers.WorkerAvailabilityView.as_view(),
        name="worker_availability",
    ),
    path("clients/", clients.ClientListView.as_view(), name="client_list"),
    path("clients/new/", clients.ClientEditView.as_view(), name="client_create"),
    path("clients/<int:pk>/edit/", clients.ClientEditView.as_view(), name="client_edit"),
    path("orders/", orders.OrderListView.as_view(), name="order_list"),
    path("orders/new/", orders.OrderEditView.as_view(), name="order_create"),
    path("orders/<int:pk>/", orders.OrderDetailView.as_view(), name="order_detail"),
    path("orders/<int:pk>/edit/", orders.OrderEditView.as_view(), name="order_edit"),
    path(
        "orders/<int:pk>/transition/",
        orders.OrderTransitionView.as_view(),
        name="order_transition",
    ),
    path("orders/<int:pk>/assign/", orders.AssignmentCreateView.as_view(), name="order_assign"),
    path("orders/<int:pk>/log/", orders.WorkLogCreateView.as_view(), name="worklog_create"),
    path("worklogs/", worklogs.WorkLogListView.as_view(), name="worklog_list"),
    path(
        "worklogs/<int:pk>/approve/", worklogs.WorkLogApproveView.as_view(), name="worklog_approve"
    ),
    path("worklogs/<int:pk>/edit/", worklogs.WorkLogEditView.as_view(), name="worklog_edit"),
    path(
        "worklogs/<int:pk>/withdraw/",
        worklogs.WorkLogWithdrawView.as_view(),
        name="worklog_withdraw",
    ),
    path("invoices/", invoicing.InvoiceListView.as_view(), name="invoice_list"),
    path("invoices/new/", invoicing.InvoiceCreateView.as_view(), name="invoice_create"),
    path("invoices/<int:pk>/", invoicing.InvoiceDetailView.as_view(), name="invoice_detail"),
    path("invoices/<int:pk>/pdf/", invoicing.InvoicePdfView.as_view(), name="invoice_pdf"),
    path("invoices/<int:pk>/issue/", invoicing.InvoiceIssueView.as_view(), name="invoice_issue"),
    path("invoices/<int:pk>/paid/", invoicing.InvoicePaidView.as_view(), name="invoice_paid"),
    path(
        "invoices/<int:pk>/correct/", invoicing.InvoiceCorrectView.as_view(), name="invoice_correct"
    ),
    path(
        "invoices/<int:pk>/credit-note/",
        invoicing.InvoiceCreditNoteView.as_view(),
        name="invoice_credit_note",
    ),
    path("payouts/", payouts.StatementListView.as_view(), name="payout_list"),
    path("payouts/generate/", payouts.StatementGenerateView.as_view(), name="payout_generate"),
    path("payouts/<int:pk>/", payouts.StatementDetailView.as_view(), name="payout_detail"),
    path(
        "payouts/<int:pk>/approve/", payouts.StatementApproveView.as_view(), name="payout_approve"
    ),
    path("payouts/transfers/", payouts.ZenginExportView.as_view(), name="zengin_export"),
    path("payouts/settings/", payouts.PayoutSettingsView.as_view(), name="payout_settings"),
    path(
        "payouts/settings/withholding/",
        payouts.WithholdingCategoryView.as_view(),
        name="withholding_category_set",
    ),
    path(
        "payouts/freelance-act/",
        payouts.FreelanceRecordsView.as_view(),
        name="freelance_records",
    ),
    path(
        "payouts/freelance-act/requests/<int:pk>/respond/",
        payouts.AccommodationRespondView.as_view(),
        name="accommodation_respond",
    ),
    path(
        "payouts/transfers/<int:pk>/file/",
        payouts.TransferFileView.as_view(),
        name="transfer_file",
    ),
    # The hub's pages answer here too, with the site's 404 page (their views refuse any
    # host but the hub's), so a region user never meets a bare "not found".
    path("", include("kado_web.hub_urls")),
]
