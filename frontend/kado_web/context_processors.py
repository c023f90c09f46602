from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from kado_platform.accounts.policy import Perm, perms_on

# (url name, label, permission needed, url names that mark it current)
REGION_NAV = [
    ("dashboard", _("Dashboard"), Perm.REGION_READ, {"dashboard", "home"}),
    (
        "worker_list",
        _("Workers"),
        Perm.REGION_READ,
        {
            "worker_list",
            "worker_create",
            "worker_detail",
            "worker_edit",
            "worker_status",
            "worker_bank_account",
            "worker_availability",
            "skill_list",
            "skill_create",
        },
    ),
    (
        "client_list",
        _("Clients"),
        Perm.REGION_READ,
        {"client_list", "client_create", "client_edit"},
    ),
    (
        "order_list",
        _("Orders"),
        Perm.REGION_READ,
        {
            "order_list",
            "order_create",
            "order_detail",
            "order_edit",
            "order_transition",
            "order_assign",
            "worklog_create",
        },
    ),
    (
        "worklog_list",
        _("Work logs"),
        Perm.REGION_READ,
        {"worklog_list", "worklog_approve", "worklog_edit", "worklog_withdraw"},
    ),
    (
        "invoice_list",
        _("Invoices"),
        Perm.REGION_ADMIN,
        {
            "invoice_list",
            "invoice_create",
            "invoice_detail",
            "invoice_issue",
            "invoice_paid",
            "invoice_correct",
            "invoice_credit_note",
        },
    ),
    (
        "payout_list",
        _("Payout statements"),
        Perm.REGION_ADMIN,
        {
            "payout_list",
            "payout_generate",
            "payout_detail",
            "payout_approve",
            "payout_settings",
            "withholding_category_set",
        },
    ),
    ("zengin_export", _("Zengin transfers"), Perm.REGION_ADMIN, {"zengin_export"}),
    (
        "freelance_records",
        _("Freelance Act records"),
        Perm.REGION_ADMIN,
        {"freelance_records", "accommodation_respond"},
    ),
]
HUB_NAV = [
    ("home", _("Home"), Perm.SIGN_IN, {"home"}),
    ("hub_board", _("Orders across regions"), Perm.FEDERATION_ORDERS, {"hub_board"}),
    ("hub_capacity", _("Capacity"), Perm.FEDERATION_ORDERS, {"hub_capacity"}),
    (
        "federated_order_list",
        _("Federated orders"),
        Perm.FEDERATION_ORDERS,
        {
            "federated_order_list",
            "federated_order_create",
            "federated_order_detail",
            "allocation_create",
        },
    ),
    ("leadership", _("Leadership reports"), Perm.FEDERATION_REPORTS, {"leadership"}),
]
ADMIN_PERMS = {True: Perm.PLATFORM_MANAGE, False: Perm.REGION_ADMIN}


def site(request):
    """The region or federation the page belongs to, and the navigation its user may use."""
    tenant = getattr(request, "tenant", None)
    is_hub = bool(tenant is not None and tenant.is_federation)
    context = {"site_region": tenant, "site_is_hub": is_hub, "nav_items": []}
    user = getattr(request, "user", None)
    if tenant is None or user is None or not user.is_authenticated:
        return context
    perms = perms_on(user, tenant)
    match = getattr(request, "resolver_match", None)
    current = match.url_name if match else None
    items = []
    for name, label, perm, names in HUB_NAV if is_hub else REGION_NAV:
        if perm not in perms:
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        items.append({"url": url, "label": label, "current": current in names})
    if ADMIN_PERMS[is_hub] in perms:
        items.append({"url": "/admin/", "label": _("Administration"), "current": False})
    context["nav_items"] = items
    return context
