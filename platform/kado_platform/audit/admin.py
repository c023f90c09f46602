from django.contrib import admin

from kado_platform.admin_sites import PolicyModelAdmin, hub_admin_site
from kado_platform.audit.models import AuditEntry


@admin.register(AuditEntry, site=hub_admin_site)
class AuditEntryAdmin(PolicyModelAdmin):
    list_display = ["at", "action", "region_code", "object_type", "object_id", "actor"]
    list_filter = ["action", "region_code"]
    search_fields = ["object_id", "action"]
    readonly_fields = [f.name for f in AuditEntry._meta.fields]
