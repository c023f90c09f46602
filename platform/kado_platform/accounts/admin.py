from django.contrib import admin

from kado_platform.accounts.models import ApiToken, Membership, User
from kado_platform.admin_sites import PolicyModelAdmin, hub_admin_site


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    can_delete = False
    readonly_fields = ["role", "region", "created_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(User, site=hub_admin_site)
class UserAdmin(PolicyModelAdmin):
    list_display = ["email", "name", "is_active", "last_login"]
    search_fields = ["email", "name", "name_kana"]
    list_filter = ["is_active", "memberships__role"]
    fields = ["email", "name", "name_kana", "is_active", "last_login", "date_joined"]
    readonly_fields = fields
    inlines = [MembershipInline]


@admin.register(ApiToken, site=hub_admin_site)
class ApiTokenAdmin(PolicyModelAdmin):
    list_display = [
        "prefix",
        "name",
        "user",
        "created_at",
        "expires_at",
        "revoked_at",
        "last_used_at",
    ]
    readonly_fields = [
        "prefix",
        "name",
        "user",
        "created_at",
        "expires_at",
        "revoked_at",
        "last_used_at",
    ]
    exclude = ["digest"]
