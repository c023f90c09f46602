"""URLs of the federation hub (the base domain, public schema)."""

from django.urls import include, path

from kado_graphql.views import hub_graphql_view
from kado_platform.admin_sites import hub_admin_site
from kado_platform.billing.views import stripe_webhook
from kado_platform.core.health import readyz

urlpatterns = [
    path("admin/", hub_admin_site.urls),
    path("graphql", hub_graphql_view, name="graphql"),
    path("stripe/webhook", stripe_webhook, name="stripe-webhook"),
    path("readyz", readyz, name="readyz"),
    path("", include("kado_web.hub_urls")),
    path("", include("kado_web.urls")),
]

# Error pages in the site's look, with the request's context.
handler403 = "kado_web.errors.permission_denied"
handler404 = "kado_web.errors.page_not_found"
handler500 = "kado_web.errors.server_error"
