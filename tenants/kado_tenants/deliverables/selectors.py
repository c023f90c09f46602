"""Reads of a region's deliverables."""

from __future__ import annotations

from django.db.models import QuerySet

from kado_tenants.deliverables.choices import DeliverableStatus
from kado_tenants.deliverables.models import Deliverable


def deliverable_list(*, order, include_pending: bool = True) -> QuerySet[Deliverable]:
    order_id = getattr(order, "pk", order)
    deliverables = Deliverable.objects.filter(order_id=order_id)
    if not include_pending:
        deliverables = deliverables.filter(status=DeliverableStatus.UPLOADED)
    return deliverables.order_by("-created_at", "-id")


def deliverable_get(*, pk) -> Deliverable | None:
    return Deliverable.objects.select_related("order").filter(pk=pk).first()
