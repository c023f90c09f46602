from django.contrib import admin

from kado_platform.admin_sites import PolicyModelAdmin, hub_admin_site
from kado_platform.billing.models import RegionSubscription, StripeEvent


@admin.register(StripeEvent, site=hub_admin_site)
class StripeEventAdmin(PolicyModelAdmin):
    list_display = ["event_id", "type", "region_code", "outcome", "received_at", "processed_at"]
    # `pending`: received, not applied yet (see `kado stripe pending`).
    list_filter = ["outcome", "type"]
    search_fields = ["event_id", "object_id"]


@admin.register(RegionSubscription, site=hub_admin_site)
class RegionSubscriptionAdmin(PolicyModelAdmin):
    list_display = ["region", "status", "stripe_subscription_id", "price_id", "updated_at"]
