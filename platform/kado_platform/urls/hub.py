"""URLs of the federation hub (the base domain, public schema)."""

from django.urls import include, path

from kado_graphql.views import hub_graphql_view
from kado_platform.admin_sites import hub_admin_site

urlpatterns = [
    path("admin/", hub_admin_site.urls),
    path("graphql", hub_graphql_view, name="graphql"),
    path("", include("kado_web.urls")),
]
