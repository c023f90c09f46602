"""The order life cycle: received → in progress → delivered → inspected → invoiced → paid.

An order can be cancelled until it is inspected. Every other move is refused. The last
two steps are invoicing's: issuing an invoice that holds the order makes it invoiced,
recording that invoice's payment makes it paid; nobody moves an order there by hand.
"""

import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrderStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    IN_PROGRESS = "in_progress", _("In progress")
    DELIVERED = "delivered", _("Delivered")
    INSPECTED = "inspected", _("Inspected")
    INVOICED = "invoiced", _("Invoiced")
    PAID = "paid", _("Paid")
    CANCELLED = "cancelled", _("Cancelled")


TRANSITIONS: dict[str, frozenset[str]] = {
    OrderStatus.RECEIVED: frozenset({OrderStatus.IN_PROGRESS, OrderStatus.CANCELLED}),
    OrderStatus.IN_PROGRESS: frozenset({OrderStatus.DELIVERED, OrderStatus.CANCELLED}),
    OrderStatus.DELIVERED: frozenset({OrderStatus.INSPECTED, OrderStatus.CANCELLED}),
    OrderStatus.INSPECTED: frozenset({OrderStatus.INVOICED}),
    OrderStatus.INVOICED: frozenset({OrderStatus.PAID}),
    OrderStatus.PAID: frozenset(),
    OrderStatus.CANCELLED: frozenset(),
}

# The date field each status stamps when an order enters it.
STATUS_DATE_FIELDS: dict[str, str] = {
    OrderStatus.IN_PROGRESS: "started_on",
    OrderStatus.DELIVERED: "delivered_on",
    OrderStatus.INSPECTED: "inspected_on",
    OrderStatus.INVOICED: "invoiced_on",
    OrderStatus.PAID: "paid_on",
    OrderStatus.CANCELLED: "cancelled_on",
}

OPEN_STATUSES = frozenset({OrderStatus.RECEIVED, OrderStatus.IN_PROGRESS})

# Statuses only invoicing sets: otherwise an order could be billed with no invoice, never
# be invoiced afterwards, and stay out of the billed and collected figures.
SET_BY_INVOICING = frozenset({OrderStatus.INVOICED, OrderStatus.PAID})
# The statuses that can go on an invoice (its issue moves them to `invoiced`).
INVOICEABLE_STATUSES = frozenset({OrderStatus.DELIVERED, OrderStatus.INSPECTED})
DELIVERED_OR_LATER = INVOICEABLE_STATUSES | SET_BY_INVOICING


def earliest_next_step(order) -> datetime.date:
    """The first day an order's next step may be dated: not before it was received, nor
    before the step it last took."""
    stamped = [getattr(order, field) for field in STATUS_DATE_FIELDS.values()]
    return max([order.received_on, *filter(None, stamped)])


def allowed_transitions(status: str) -> frozenset[str]:
    """The moves a person may make from `status` (the page's buttons, orderTransition)."""
    return TRANSITIONS.get(status, frozenset()) - SET_BY_INVOICING


def can_transition(current: str, target: str) -> bool:
    """Whether the life cycle has the step at all, whoever makes it."""
    return target in TRANSITIONS.get(current, frozenset())
