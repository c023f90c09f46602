"""The local store's upload and download endpoints (used only when no bucket is set)."""

from django.urls import path

from kado_tenants.deliverables.views import local_download, local_upload

urlpatterns = [
    path("deliverables/upload", local_upload, name="deliverable_local_upload"),
    path("deliverables/download/<str:token>", local_download, name="deliverable_local_download"),
]
