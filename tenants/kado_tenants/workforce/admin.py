from django.contrib import admin

from kado_platform.admin_sites import PolicyModelAdmin, region_admin_site
from kado_tenants.workforce.models import Skill, Worker


@admin.register(Skill, site=region_admin_site)
class SkillAdmin(PolicyModelAdmin):
    list_display = ["code", "name", "name_en"]


@admin.register(Worker, site=region_admin_site)
class WorkerAdmin(PolicyModelAdmin):
    list_display = ["name", "name_kana", "status", "hourly_rate", "joined_on"]
    list_filter = ["status", "skills"]
    search_fields = ["name", "name_kana", "email"]
    # The sensitive fields are for the region admin, who is the only one let in here.
    fields = [
        "name",
        "name_kana",
        "email",
        "phone",
        "skills",
        "hourly_rate",
        "invoice_registration_number",
        "status",
        "joined_on",
        "constraint_reason",
        "constraint_note",
    ]
    readonly_fields = fields
