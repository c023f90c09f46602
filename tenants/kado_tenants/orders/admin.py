from django.contrib import admin

from kado_platform.admin_sites import PolicyModelAdmin, region_admin_site
from kado_tenants.orders.models import Assignment, Order, WorkLog


class AssignmentInline(admin.TabularInline):
    model = Assignment
    extra = 0
    can_delete = False
    readonly_fields = ["worker", "assigned_on"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Order, site=region_admin_site)
class OrderAdmin(PolicyModelAdmin):
    list_display = ["reference", "title", "client", "category", "status", "amount", "due_on"]
    list_filter = ["status", "category", "contract_type"]
    search_fields = ["reference", "title", "client__name"]
    list_select_related = ["client"]
    readonly_fields = [f.name for f in Order._meta.fields]
    inlines = [AssignmentInline]


@admin.register(WorkLog, site=region_admin_site)
class WorkLogAdmin(PolicyModelAdmin):
    list_display = ["work_date", "assignment", "minutes", "approved_at"]
    list_filter = ["work_date"]
    list_select_related = ["assignment__order", "assignment__worker"]
    readonly_fields = ["assignment", "work_date", "minutes", "note", "approved_at"]
