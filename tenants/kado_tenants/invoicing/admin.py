from django.contrib import admin

from kado_platform.admin_sites import PolicyModelAdmin, region_admin_site
from kado_tenants.invoicing.models import Invoice, InvoiceIssuer


@admin.register(InvoiceIssuer, site=region_admin_site)
class InvoiceIssuerAdmin(PolicyModelAdmin):
    list_display = ["name", "registration_number", "tax_rounding", "payment_terms_days"]


@admin.register(Invoice, site=region_admin_site)
class InvoiceAdmin(PolicyModelAdmin):
    """Read-only: invoices are written through the services (and issued ones never)."""

    list_display = ["number", "version", "status", "client_name", "issued_on", "total"]
    list_filter = ["status", "kind"]
    search_fields = ["number", "client_name"]
