"""URLs of a region host (`<region>.<base domain>`, the region's schema)."""

from django.urls import include, path

from kado_graphql.views import region_graphql_view
from kado_platform.admin_sites import region_admin_site
from kado_platform.core.health import readyz

urlpatterns = [
    path("admin/", region_admin_site.urls),
    path("graphql", region_graphql_view, name="graphql"),
    path("", include("kado_web.region_urls")),
    path("readyz", readyz, name="readyz"),
    path("", include("kado_tenants.deliverables.urls")),
    path("", include("kado_web.urls")),
]

# Error pages in the site's look, with the request's context.
handler403 = "kado_web.errors.permission_denied"
handler404 = "kado_web.errors.page_not_found"
handler500 = "kado_web.errors.server_error"
