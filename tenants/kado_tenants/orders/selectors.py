from django.db.models import Count

from kado_tenants.orders.lifecycle import OrderStatus
from kado_tenants.orders.models import Order


def order_list(*, status: str | None = None, category: str | None = None):
    orders = Order.objects.select_related("client")
    if status:
        orders = orders.filter(status=status)
    if category:
        orders = orders.filter(category=category)
    return orders.order_by("-received_on", "-id")


def order_status_counts() -> list[dict]:
    """Orders per status in life-cycle order, zeros included, for the region dashboard."""
    counts = dict(Order.objects.values_list("status").annotate(count=Count("id")))
    return [
        {"status": status.value, "label": status.label, "count": counts.get(status.value, 0)}
        for status in OrderStatus
    ]
