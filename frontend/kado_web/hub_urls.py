"""The hub's pages: on the federation hub only (kado_platform.urls.hub includes it)."""

from django.urls import path

from kado_web.views import hub

urlpatterns = [
    path("board/", hub.BoardView.as_view(), name="hub_board"),
    path("board/capacity/", hub.CapacityView.as_view(), name="hub_capacity"),
    path("federated/", hub.FederatedOrderListView.as_view(), name="federated_order_list"),
    path("federated/new/", hub.FederatedOrderCreateView.as_view(), name="federated_order_create"),
    path(
        "federated/<int:pk>/",
        hub.FederatedOrderDetailView.as_view(),
        name="federated_order_detail",
    ),
    path(
        "federated/<int:pk>/allocate/",
        hub.AllocationCreateView.as_view(),
        name="allocation_create",
    ),
    path("leadership/", hub.LeadershipView.as_view(), name="leadership"),
    path(
        "leadership/export/<slug:slug>.<str:fmt>",
        hub.ReportExportView.as_view(),
        name="report_export",
    ),
]
