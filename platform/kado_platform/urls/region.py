"""URLs of a region host (`<region>.<base domain>`, the region's schema)."""

from django.urls import include, path

from kado_graphql.views import region_graphql_view
from kado_platform.admin_sites import region_admin_site

urlpatterns = [
    path("admin/", region_admin_site.urls),
    path("graphql", region_graphql_view, name="graphql"),
    path("", include("kado_web.urls")),
]
