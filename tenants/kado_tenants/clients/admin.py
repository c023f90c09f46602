from django.contrib import admin

from kado_platform.admin_sites import PolicyModelAdmin, region_admin_site
from kado_tenants.clients.models import Client


@admin.register(Client, site=region_admin_site)
class ClientAdmin(PolicyModelAdmin):
    list_display = ["name", "kind", "corporate_number", "contact_name"]
    list_filter = ["kind"]
    search_fields = ["name", "name_kana"]
    readonly_fields = [f.name for f in Client._meta.fields]
