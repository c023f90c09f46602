from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from kado_platform.admin_sites import PolicyModelAdmin, hub_admin_site
from kado_platform.regions.models import Domain, Region
from kado_platform.regions.services import region_resume, region_suspend


class DomainInline(admin.TabularInline):
    model = Domain
    extra = 0
    can_delete = False
    readonly_fields = ["domain", "is_primary"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Region, site=hub_admin_site)
class RegionAdmin(PolicyModelAdmin):
    list_display = ["code", "name", "name_en", "kind", "status", "municipality_code", "joined_on"]
    list_filter = ["kind", "status", "prefecture"]
    search_fields = ["code", "name", "name_en", "municipality_code"]
    readonly_fields = [f.name for f in Region._meta.fields]
    inlines = [DomainInline]
    actions = ["suspend", "resume"]

    def get_queryset(self, request):
        return super().get_queryset(request).regions()

    def has_change_permission(self, request, obj=None):
        # The change page is read-only; the actions below still need this for the list.
        return self._allowed(request)

    @admin.action(description=_("Suspend the selected regions"))
    def suspend(self, request, queryset):
        for region in queryset:
            region_suspend(region=region, acting_user=request.user)
        self.message_user(request, _("Suspended."), messages.SUCCESS)

    @admin.action(description=_("Resume the selected regions"))
    def resume(self, request, queryset):
        for region in queryset:
            region_resume(region=region, acting_user=request.user)
        self.message_user(request, _("Resumed."), messages.SUCCESS)
