"""Two admin sites: the hub's (regions, users) and each region's (its own data).

Django's model permissions are global, so they are not used: each site and each model
admin asks kado_platform.accounts.policy, and anything not granted is refused.
"""

from django.contrib import admin
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from kado_platform.accounts.policy import Perm, has_perm


class PolicyAdminSite(admin.AdminSite):
    required_perm: Perm
    login_form = AuthenticationForm

    def has_permission(self, request):
        return has_perm(request.user, self.required_perm, getattr(request, "tenant", None))


class HubAdminSite(PolicyAdminSite):
    required_perm = Perm.PLATFORM_MANAGE
    site_header = _("KADO Federation administration")
    site_title = _("KADO Federation")
    index_title = _("Federation")


class RegionAdminSite(PolicyAdminSite):
    required_perm = Perm.REGION_ADMIN
    site_header = _("KADO region administration")
    site_title = _("KADO region")
    index_title = _("Region data")

    def each_context(self, request):
        context = super().each_context(request)
        tenant = getattr(request, "tenant", None)
        if tenant is not None:
            context["site_header"] = f"{tenant.name} — {self.site_header}"
        return context


class PolicyModelAdmin(admin.ModelAdmin):
    """Every permission comes from the site's policy check; writes are off unless a
    subclass routes them through a service."""

    writable = False

    def _allowed(self, request):
        return self.admin_site.has_permission(request)

    def has_module_permission(self, request):
        return self._allowed(request)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request)

    def has_add_permission(self, request):
        return self.writable and self._allowed(request)

    def has_change_permission(self, request, obj=None):
        return self.writable and self._allowed(request)

    def has_delete_permission(self, request, obj=None):
        return False


hub_admin_site = HubAdminSite(name="hub_admin")
region_admin_site = RegionAdminSite(name="region_admin")
